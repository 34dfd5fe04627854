package ui

import (
	"fmt"
	"image"
	"image/color"
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
	// shell is the shell the curl command is written for.
	shell signing.Shell

	title     *widget.Label
	countdown *widget.Label
	share     *widget.Label
	url       *widget.Label
	headers   *fyne.Container
	curl      *widget.Label
	shellPick *widget.RadioGroup
	qr        *canvas.Image
	qrNote    *widget.Label
	container *fyne.Container

	ticker ticker
}

func newResultCard(win fyne.Window, svc *Services, onDownload func(signing.Request), onTestUpload func(string)) *resultCard {
	r := &resultCard{win: win, svc: svc, shell: preferredShell()}
	r.title = &widget.Label{TextStyle: fyne.TextStyle{Bold: true}, Wrapping: fyne.TextWrapWord}
	r.countdown = &widget.Label{}
	r.share = &widget.Label{Wrapping: fyne.TextWrapBreak, Selectable: true}
	r.url = &widget.Label{Wrapping: fyne.TextWrapBreak, Selectable: true}
	r.curl = &widget.Label{Wrapping: fyne.TextWrapBreak, Selectable: true, TextStyle: fyne.TextStyle{Monospace: true}}
	r.headers = container.New(layout.NewFormLayout())
	r.qr = &canvas.Image{FillMode: canvas.ImageFillContain, ScaleMode: canvas.ImageScalePixels}
	r.qr.SetMinSize(fyne.NewSize(240, 240))
	r.qrNote = &widget.Label{Importance: widget.LowImportance, Wrapping: fyne.TextWrapWord}

	copyButton := func(get func() string) *widget.Button {
		b := &widget.Button{Text: lang.L("Copy"), Icon: theme.ContentCopyIcon()}
		b.OnTapped = func() { r.copy(b, get()) }
		return b
	}
	section := func(label string, body fyne.CanvasObject, copyOf func() string, extra ...fyne.CanvasObject) fyne.CanvasObject {
		left := container.NewHBox(append([]fyne.CanvasObject{&widget.Label{Text: label, TextStyle: fyne.TextStyle{Bold: true}}}, extra...)...)
		head := container.NewBorder(nil, nil, left, copyButton(copyOf))
		return container.NewVBox(head, body)
	}
	r.shellPick = &widget.RadioGroup{Options: shellLabels(), Selected: shellLabel(r.shell), Horizontal: true, Required: true, OnChanged: r.onShell}
	actions := container.NewHBox(
		&widget.Button{Text: lang.L("Save QR as PNG…"), Icon: theme.DocumentSaveIcon(), OnTapped: r.onSaveQR},
		&widget.Button{Text: lang.L("Download link"), Icon: theme.DownloadIcon(), OnTapped: func() { onDownload(r.req) }},
		&widget.Button{Text: lang.L("Test upload"), Icon: theme.UploadIcon(), Importance: widget.HighImportance, OnTapped: func() { onTestUpload(r.link.ShareLink()) }},
	)
	texts := container.NewVBox(
		section(lang.L("Share link (carries its headers)"), r.share, func() string { return r.link.ShareLink() }),
		section(lang.L("Plain URL"), r.url, func() string { return r.link.URL }),
		&widget.Label{Text: lang.L("Headers the uploader must send, exactly"), TextStyle: fyne.TextStyle{Bold: true}},
		r.headers,
		section(lang.L("curl command"), r.curl, func() string { return r.link.CurlIn(r.shell, "") }, r.shellPick),
	)
	qr := container.NewVBox(r.qr, r.qrNote)
	card := widget.NewCard("", "", container.NewVBox(
		r.title, r.countdown,
		container.NewBorder(nil, nil, nil, qr, texts),
		actions,
	))
	r.container = container.NewVBox(card)
	r.container.Hide()
	return r
}

// show fills the card with a new link and starts its countdown.
func (r *resultCard) show(link *signing.Link, req signing.Request) {
	r.link, r.req = link, req
	r.title.SetText(fmt.Sprintf(lang.L("Upload link for %s/%s, valid until %s"), req.Bucket, req.Key, link.ExpiresAt.Local().Format("2006-01-02 15:04:05")))
	r.share.SetText(link.ShareLink())
	r.url.SetText(link.URL)
	r.curl.SetText(link.CurlIn(r.shell, ""))
	r.headers.RemoveAll()
	if len(link.Headers) == 0 {
		r.headers.Add(&widget.Label{Text: lang.L("none"), Importance: widget.LowImportance})
		r.headers.Add(widget.NewLabel(""))
	}
	for _, h := range link.Headers {
		r.headers.Add(&widget.Label{Text: h.Name, TextStyle: fyne.TextStyle{Monospace: true}})
		r.headers.Add(&widget.Label{Text: h.Value, TextStyle: fyne.TextStyle{Monospace: true}, Wrapping: fyne.TextWrapBreak})
	}
	r.renderQR()
	r.container.Show()
	r.startCountdown()
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
	if r.link != nil {
		r.curl.SetText(r.link.CurlIn(sh, ""))
	}
}

// renderQR shows the share link's QR code, or why there is none.
func (r *resultCard) renderQR() {
	qr, err := signing.EncodeQR(r.link.ShareLink())
	if err != nil {
		r.qr.Image = nil
		r.qr.Hide()
		r.qrNote.SetText(errorSentence(err))
		return
	}
	r.qr.Image = qrImage(qr)
	r.qr.Show()
	r.qr.Refresh()
	r.qrNote.SetText(lang.L("Scan to get the share link"))
}

// qrImage draws a QR code in the theme's colours, modules always darker
// than the background so that every phone can read it.
func qrImage(qr *signing.QR) image.Image {
	fg, bg := theme.Color(theme.ColorNameForeground), theme.Color(theme.ColorNameBackground)
	if luminance(fg) > luminance(bg) {
		fg, bg = bg, fg
	}
	return qr.Image(4, fg, bg)
}

// canvasQR is a sharp, square QR code image at least 240 pixels wide.
func canvasQR(qr *signing.QR) *canvas.Image {
	img := canvas.NewImageFromImage(qrImage(qr))
	img.FillMode, img.ScaleMode = canvas.ImageFillContain, canvas.ImageScalePixels
	img.SetMinSize(fyne.NewSize(240, 240))
	return img
}

func luminance(c color.Color) uint32 {
	red, g, b, _ := c.RGBA()
	return (299*red + 587*g + 114*b) / 1000
}

func (r *resultCard) startCountdown() {
	update := func() {
		now := r.svc.Now()
		r.countdown.SetText(untilText(r.link.ExpiresAt, now))
		if now.After(r.link.ExpiresAt) {
			r.countdown.Importance = widget.DangerImportance
		} else {
			r.countdown.Importance = widget.MediumImportance
		}
		r.countdown.Refresh()
	}
	update()
	r.ticker.start(update)
}

func (r *resultCard) copy(b *widget.Button, text string) {
	fyne.CurrentApp().Clipboard().SetContent(text)
	b.SetText(lang.L("Copied"))
	time.AfterFunc(2*time.Second, func() { fyne.Do(func() { b.SetText(lang.L("Copy")) }) })
}

func (r *resultCard) onSaveQR() {
	qr, err := signing.EncodeQR(r.link.ShareLink())
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
	d.Show()
}

// showLinkDialog shows one link with a Copy button.
func showLinkDialog(win fyne.Window, title, link string) {
	text := &widget.Label{Text: link, Wrapping: fyne.TextWrapBreak, Selectable: true}
	var d dialog.Dialog
	copyButton := &widget.Button{Text: lang.L("Copy"), Icon: theme.ContentCopyIcon(), Importance: widget.HighImportance, OnTapped: func() {
		fyne.CurrentApp().Clipboard().SetContent(link)
		d.Hide()
	}}
	d = dialog.NewCustom(title, lang.L("Close"), container.NewVBox(text, container.NewHBox(copyButton)), win)
	d.Resize(fyne.NewSize(560, 260))
	d.Show()
}
