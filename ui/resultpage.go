package ui

import (
	"cmp"
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/ossdrop/ossdrop/signing"
)

// resultPagePart is the result card's part about people without the app:
// the page link (the profile's upload page with the share link in its
// fragment), which form of the link goes to whom, and the way to the
// Browser uploads dialog. It lives apart from result.go, which shows the
// link's other forms.
type resultPagePart struct {
	// pageURL is the profile's upload page; the create tab sets it before
	// the card shows a link. Empty: there is no page.
	pageURL string
	// link is the page link of the card's link; empty without a page.
	link string
	// onBrowserUploads opens the Browser uploads dialog.
	onBrowserUploads func()

	text     *widget.Label
	section  fyne.CanvasObject
	audience *widget.Label
}

// build makes the part's widgets; section and bold are the card's own
// "title, text, Copy button" block and title, so the page link looks like
// the other forms.
func (p *resultPagePart) build(section func(title *widget.Label, body fyne.CanvasObject, copyOf func() string) fyne.CanvasObject, bold func(string) *widget.Label) fyne.CanvasObject {
	p.text = &widget.Label{Wrapping: fyne.TextWrapBreak, Selectable: true}
	p.section = section(bold(lang.L("Page link (for a phone or a browser)")), p.text, func() string { return p.link })
	p.audience = &widget.Label{Wrapping: textWrap(), Importance: widget.LowImportance}
	browser := &widget.Button{Text: lang.L("Browser uploads…"), Icon: theme.UploadIcon(), Importance: widget.LowImportance, OnTapped: func() {
		if p.onBrowserUploads != nil {
			p.onBrowserUploads()
		}
	}}
	return container.NewVBox(p.section, p.audience, container.NewHBox(browser))
}

// fill shows the page link of a link of the given kind (signing.PageKind*)
// whose share link is share, or says how to get one.
func (p *resultPagePart) fill(kind, share string) {
	p.link = ""
	if p.pageURL != "" && slices.Contains(pageKinds, kind) {
		if pl, err := signing.BuildPageLink(p.pageURL, kind, share); err == nil {
			p.link = pl
		}
	}
	if p.link == "" {
		p.section.Hide()
		p.audience.SetText(lang.L("To a script, give the curl command. The QR code holds the share link, which OSS Drop reads; for a person with a phone or a browser, set an upload page (Browser uploads…). The plain URL alone, opened in a browser, shows only an XML error."))
		return
	}
	p.text.SetText(p.link)
	p.section.Show()
	p.audience.SetText(lang.L("Send the page link or the QR code to a person: it opens an upload page in any browser, a phone's too. Give the curl command to a script. The plain URL alone, opened in a browser, shows only an XML error."))
}

// pageKinds are the kinds of link the upload page can use.
var pageKinds = []string{signing.PageKindPut, signing.PageKindRequest}

// qrText is what the card's QR code holds: the page link when there is
// one (a phone's camera opens it in the browser), else the share link.
func (r *resultCard) qrText() string { return cmp.Or(r.page.link, r.shareText) }

// qrCaption says what scanning the code gives.
func (r *resultCard) qrCaption() string {
	if r.page.link != "" {
		return lang.L("Scan with a phone to open the upload page")
	}
	return lang.L("Scan to get the share link")
}
