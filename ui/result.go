package ui

import (
	"fmt"
	"image"
	"image/color"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/ossdrop/ossdrop/signing"
)

// resultCard shows a created link in every form it can be shared in.
type resultCard struct {
	win fyne.Window
	svc *Services

	link *signing.Link
	req  signing.Request
	// The texts the card shares: a PUT link's or a request link's.
	shareText, urlText, curlText string
	expires                      time.Time
	// curlIn writes the shown link's curl command for a shell; shell is
	// the one chosen.
	curlIn func(signing.Shell) string
	shell  signing.Shell

	title     *widget.Label
	countdown *widget.Label
	share     *widget.Label
	url       *widget.Label
	urlNote   *widget.Label
	headers   *fyne.Container
	curl      *widget.Label
	shellPick *widget.RadioGroup
	qr        *canvas.Image
	// shareAbout and urlAbout say what each link is and who it is for.
	shareAbout, urlAbout *widget.Label
	qrNote               *widget.Label
	// notKept says the history could not keep an STS-signed link.
	notKept   *widget.Label
	container *fyne.Container
	// Labels and the button that differ for a request link.
	shareTitle, urlTitle, headersTitle *widget.Label
	download                           *widget.Button
	// page is the page link and who gets which form (resultpage.go).
	page resultPagePart

	ticker ticker
}

func newResultCard(win fyne.Window, svc *Services, onDownload func(signing.Request), onTestUpload func(string)) *resultCard {
	r := &resultCard{win: win, svc: svc, shell: preferredShell()}
	r.title = &widget.Label{TextStyle: fyne.TextStyle{Bold: true}, Wrapping: textWrap()}
	r.countdown = &widget.Label{}
	r.share = &widget.Label{Wrapping: fyne.TextWrapBreak, Selectable: true}
	r.url = &widget.Label{Wrapping: fyne.TextWrapBreak, Selectable: true}
	r.urlNote = &widget.Label{Wrapping: textWrap()}
	r.curl = &widget.Label{Wrapping: fyne.TextWrapBreak, Selectable: true, TextStyle: fyne.TextStyle{Monospace: true}}
	r.headers = container.New(layout.NewFormLayout())
	// The two links look alike: a line under each title says which is which.
	r.shareAbout = &widget.Label{Wrapping: textWrap(), Importance: widget.LowImportance}
	r.urlAbout = &widget.Label{Wrapping: textWrap(), Importance: widget.LowImportance}
	r.qr = &canvas.Image{FillMode: canvas.ImageFillContain, ScaleMode: canvas.ImageScalePixels}
	r.qrNote = &widget.Label{Importance: widget.LowImportance, Wrapping: textWrap()}
	r.notKept = &widget.Label{Importance: widget.WarningImportance, Wrapping: textWrap()}
	r.notKept.Hide()

	section := func(title *widget.Label, body fyne.CanvasObject, copyOf func() string) fyne.CanvasObject {
		head := container.NewBorder(nil, nil, title, newCopyButton(lang.L("Copy"), copyOf))
		return container.NewVBox(head, body)
	}
	r.shellPick = &widget.RadioGroup{Options: shellLabels(), Selected: shellLabel(r.shell), Horizontal: true, Required: true, OnChanged: r.onShell}
	bold := func(text string) *widget.Label {
		return &widget.Label{Text: text, TextStyle: fyne.TextStyle{Bold: true}}
	}
	r.shareTitle, r.urlTitle, r.headersTitle = bold(lang.L("Share link (carries its headers)")), bold(lang.L("Plain URL")), bold(lang.L("Headers the uploader must send, exactly"))
	r.download = &widget.Button{Text: lang.L("Download link"), Icon: theme.DownloadIcon(), OnTapped: func() { onDownload(r.req) }}
	actions := container.NewHBox(
		&widget.Button{Text: lang.L("Save QR as PNG…"), Icon: theme.DocumentSaveIcon(), OnTapped: r.onSaveQR},
		r.download,
		&widget.Button{Text: lang.L("Test upload"), Icon: theme.UploadIcon(), Importance: widget.HighImportance, OnTapped: func() { onTestUpload(r.shareText) }},
	)
	texts := container.NewVBox(
		r.page.build(section, bold),
		section(r.shareTitle, container.NewVBox(r.shareAbout, r.share), func() string { return r.shareText }),
		section(r.urlTitle, container.NewVBox(r.urlAbout, r.url, r.urlNote), func() string { return r.urlText }),
		r.headersTitle,
		r.headers,
		// The shell picker has a line of its own: beside the title it made
		// the column as wide as the three choices, the title and Copy.
		section(bold(lang.L("curl command")), container.NewVBox(r.shellPick, r.curl), func() string { return r.curlText }),
	)
	qr := container.NewVBox(r.qr, r.qrNote)
	card := widget.NewCard("", "", container.NewVBox(
		r.title, r.countdown, r.notKept,
		container.New(&besideLayout{}, texts, qr),
		actions,
	))
	r.container = container.NewVBox(card)
	r.container.Hide()
	return r
}

// show fills the card with a new link and starts its countdown.
func (r *resultCard) show(link *signing.Link, req signing.Request) {
	r.link, r.req = link, req
	r.shareText, r.urlText, r.expires = link.ShareLink(), link.URL, link.ExpiresAt
	r.setCurl(func(sh signing.Shell) string { return link.CurlIn(sh, "") })
	r.shareTitle.SetText(lang.L("Share link (carries its headers)"))
	r.shareAbout.SetText(lang.L("For OSS Drop, ossdrop upload and the upload page: the part after # tells them the headers to send."))
	r.urlTitle.SetText(lang.L("Plain URL"))
	r.urlAbout.SetText(lang.L("The presigned URL alone, without the part after #: for clients you set the headers in yourself."))
	r.headersTitle.SetText(lang.L("Headers the uploader must send, exactly"))
	r.download.Show()
	r.title.SetText(fmt.Sprintf(lang.L("Upload link for %s/%s, valid until %s"), req.Bucket, req.Key, formatDateTime(link.ExpiresAt, r.svc.Now())))
	r.share.SetText(r.shareText)
	r.url.SetText(r.urlText)
	r.urlNote.Text, r.urlNote.Importance = plainURLNote(link.Headers)
	r.urlNote.Refresh()
	r.urlNote.Show()
	r.headers.RemoveAll()
	if len(link.Headers) == 0 {
		r.headers.Add(&widget.Label{Text: lang.L("none"), Importance: widget.LowImportance})
		r.headers.Add(widget.NewLabel(""))
	}
	for _, h := range link.Headers {
		r.headers.Add(&widget.Label{Text: h.Name, TextStyle: fyne.TextStyle{Monospace: true}})
		r.headers.Add(&widget.Label{Text: h.Value, TextStyle: fyne.TextStyle{Monospace: true}, Wrapping: fyne.TextWrapBreak})
	}
	r.page.fill(signing.PageKindPut, r.shareText)
	r.renderQR()
	r.container.Show()
	r.startCountdown()
}

// hide takes the card away (the form changed since its link was made)
// and stops its countdown.
func (r *resultCard) hide() {
	r.ticker.cancel()
	r.container.Hide()
}

// showKept says, when the history could not keep the link, that it is
// shown here only: it carries an STS token, which goes only to the
// keychain, and there was none.
func (r *resultCard) showKept(kept bool) {
	setOrHide(r.notKept, "")
	if !kept {
		setOrHide(r.notKept, lang.L("History keeps this link's details but not the link itself: it carries an STS token, which OSS Drop keeps only in the OS keychain, and the keychain is not available. Copy the link now."))
	}
}

// setCurl sets the curl command of the shown link (written by curlIn for
// the chosen shell).
func (r *resultCard) setCurl(curlIn func(signing.Shell) string) {
	r.curlIn = curlIn
	r.curlText = curlIn(r.shell)
	r.curl.SetText(r.curlText)
}

// onShell rewrites the curl command for the chosen shell and remembers the
// choice for the next link.
func (r *resultCard) onShell(label string) {
	sh, ok := shellOfLabel(label)
	if !ok {
		return
	}
	r.shell = sh
	fyne.CurrentApp().Preferences().SetString(prefCurlShell, string(sh))
	if r.curlIn != nil {
		r.setCurl(r.curlIn)
	}
}

// plainURLNote says, under the plain URL, whether it works as it is: a
// browser, curl -T or the OSS sample code sends no headers, and a link
// signed with any (overwrite protection, on by default, included) then
// fails with 403 SignatureDoesNotMatch.
func plainURLNote(h signing.Headers) (string, widget.Importance) {
	p := signing.CheckPlainURL(h)
	if p.Works {
		return lang.L("Any client can use this URL as it is: a browser, curl -T or the sample code in the OSS documentation."), widget.LowImportance
	}
	reasons := make([]string, len(p.Reasons))
	var others []string
	for i, r := range p.Reasons {
		reasons[i] = lang.L(r)
		if r != "overwrite protection" {
			others = append(others, lang.L(r))
		}
	}
	text := fmt.Sprintf(lang.L("This URL works only when the upload sends the headers below exactly (for %s). A browser, curl -T or the sample code in the OSS documentation sends none and gets 403 SignatureDoesNotMatch: share the share link or the curl command instead."),
		strings.Join(reasons, lang.L(", ")))
	switch {
	case p.Protected && len(others) == 0:
		text = joinSentences(text, lang.L("For a URL any client can use as it is, turn overwrite protection off."))
	case p.Protected:
		text = joinSentences(text, fmt.Sprintf(lang.L("For a URL any client can use as it is, turn overwrite protection off and leave %s empty."), strings.Join(others, lang.L(", "))))
	default:
		text = joinSentences(text, fmt.Sprintf(lang.L("For a URL any client can use as it is, leave %s empty."), strings.Join(others, lang.L(", "))))
	}
	return text, widget.WarningImportance
}

// renderQR shows the QR code of the page link or the share link, or why
// there is none.
func (r *resultCard) renderQR() {
	qr, err := signing.EncodeQR(r.qrText())
	if err != nil {
		r.qr.Image = nil
		r.qr.Hide()
		r.qrNote.SetText(errorSentence(err))
		return
	}
	img, side := qrImage(qr)
	r.qr.Image = img
	r.qr.SetMinSize(fyne.NewSquareSize(side))
	r.qr.Show()
	r.qr.Refresh()
	r.qrNote.SetText(r.qrCaption())
}

// minQRSide is the least width of a shown QR code, in pixels: a phone
// reads a dense code (a page link is version 15 and up) from a screen at
// this size.
const minQRSide = 240

// qrImage draws a QR code in the theme's colours, modules always darker
// than the background so that every phone can read it, and says how wide
// to show it: at least minQRSide and a whole number of pixels per module,
// so that no module is drawn a pixel wider than its neighbour (a 4-pixel
// drawing squeezed into 240 pixels made uneven modules that screenshot
// readers such as zbarimg could miss).
func qrImage(qr *signing.QR) (img image.Image, side float32) {
	fg, bg := theme.Color(theme.ColorNameForeground), theme.Color(theme.ColorNameBackground)
	if luminance(fg) > luminance(bg) {
		fg, bg = bg, fg
	}
	modules := qr.Image(1, fg, bg).Bounds().Dx() // the quiet zone included
	perModule := max(2, (minQRSide+modules-1)/modules)
	return qr.Image(perModule, fg, bg), float32(modules * perModule)
}

// canvasQR is a sharp, square QR code image (see qrImage).
func canvasQR(qr *signing.QR) *canvas.Image {
	pic, side := qrImage(qr)
	img := canvas.NewImageFromImage(pic)
	img.FillMode, img.ScaleMode = canvas.ImageFillContain, canvas.ImageScalePixels
	img.SetMinSize(fyne.NewSquareSize(side))
	return img
}

func luminance(c color.Color) uint32 {
	red, g, b, _ := c.RGBA()
	return (299*red + 587*g + 114*b) / 1000
}

func (r *resultCard) startCountdown() {
	update := func() {
		now := r.svc.Now()
		r.countdown.SetText(untilText(r.expires, now))
		if now.After(r.expires) {
			r.countdown.Importance = widget.DangerImportance
		} else {
			r.countdown.Importance = widget.MediumImportance
		}
		r.countdown.Refresh()
	}
	update()
	r.ticker.start(update)
}

// copiedFor is how long a Copy button says "Copied".
const copiedFor = 2 * time.Second

// newCopyButton puts what get returns on the clipboard and says so on the
// button for a moment, so a click that changes nothing else is seen.
func newCopyButton(label string, get func() string) *widget.Button {
	b := &widget.Button{Text: label, Icon: theme.ContentCopyIcon()}
	b.OnTapped = func() {
		fyne.CurrentApp().Clipboard().SetContent(get())
		b.SetText(lang.L("Copied"))
		b.SetIcon(theme.ConfirmIcon())
		time.AfterFunc(copiedFor, func() {
			toUI(func() {
				b.SetText(label)
				b.SetIcon(theme.ContentCopyIcon())
			})
		})
	}
	return b
}

func (r *resultCard) onSaveQR() {
	qr, err := signing.EncodeQR(r.qrText())
	if err != nil {
		dialog.ShowError(err, r.win)
		return
	}
	png, err := qr.PNG(8)
	if err != nil {
		dialog.ShowError(err, r.win)
		return
	}
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		defer w.Close()
		if _, err := w.Write(png); err != nil {
			dialog.ShowError(fmt.Errorf(lang.L("The QR code could not be saved: %v"), err), r.win)
		}
	}, r.win)
	d.SetFileName("ossdrop-link.png")
	d.SetTitleText(lang.L("Save the QR code")) // not Fyne's "Open"+" "+"File": "打开 文件" in Chinese
	d.Show()
}

// showLinkDialog shows one link with a Copy button and a note under it.
func showLinkDialog(win fyne.Window, title, link, note string) {
	text := &widget.Label{Text: link, Wrapping: fyne.TextWrapBreak, Selectable: true}
	copyButton := newCopyButton(lang.L("Copy"), func() string { return link })
	copyButton.Importance = widget.HighImportance
	content := container.NewVBox(text, container.NewHBox(copyButton))
	if note != "" {
		content.Add(&widget.Label{Text: note, Wrapping: textWrap(), Importance: widget.LowImportance})
	}
	d := dialog.NewCustom(title, lang.L("Close"), content, win)
	fitDialog(d, win, 560)
	d.Show()
}
