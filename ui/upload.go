package ui

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/ossdrop/ossdrop/app/upload"
	"github.com/ossdrop/ossdrop/signing"
)

// lowTimeLeft is when the countdown turns red.
const lowTimeLeft = 5 * time.Minute

// uploadTab is the partner's tab: paste a link (or open its QR code), drop
// a file, watch it upload, read the result. It needs no profile and no
// keychain.
type uploadTab struct {
	win fyne.Window
	svc *Services

	link *signing.Inspection
	file string

	paste     *widget.Entry
	linkError *widget.Label

	card        *widget.Card
	destination *widget.Label
	validUntil  *widget.Label
	details     *widget.Label
	warnings    *widget.Label

	fileInfo    *widget.Label
	fileWarning *widget.Label

	upload       *widget.Button
	cancelButton *widget.Button
	blocked      *widget.Label
	progress     *widget.ProgressBar
	progressText *widget.Label

	result        *widget.Card
	resultText    *widget.Label
	callbackText  *widget.Label
	copyDetails   *widget.Button
	details4Owner string

	cancel    context.CancelFunc
	countdown ticker
	scroll    *container.Scroll
	content   fyne.CanvasObject

	// single holds the one-file controls; queue replaces them for a
	// request link (queue.go, upload_request.go).
	single *fyne.Container
	queue  *queueView
}

func newUploadTab(win fyne.Window, svc *Services) *uploadTab {
	u := &uploadTab{win: win, svc: svc}
	u.buildUI()
	return u
}

func (u *uploadTab) buildUI() {
	u.paste = &widget.Entry{MultiLine: true, Wrapping: fyne.TextWrapBreak, PlaceHolder: lang.L("Paste the link or the curl command you were sent"), OnChanged: func(string) { u.onLinkChanged() }}
	u.paste.SetMinRowsVisible(3)
	pasteButton := &widget.Button{Text: lang.L("Paste"), Icon: theme.ContentPasteIcon(), OnTapped: func() {
		u.paste.SetText(fyne.CurrentApp().Clipboard().Content())
	}}
	qrButton := &widget.Button{Text: lang.L("Open QR image…"), Icon: theme.FileImageIcon(), OnTapped: u.onOpenQR}
	u.linkError = &widget.Label{Wrapping: textWrap(), Importance: widget.DangerImportance}
	u.linkError.Hide()

	u.destination = &widget.Label{TextStyle: fyne.TextStyle{Bold: true}, Wrapping: fyne.TextWrapBreak}
	u.validUntil = &widget.Label{}
	u.details = &widget.Label{Wrapping: fyne.TextWrapBreak}
	u.warnings = &widget.Label{Wrapping: textWrap(), Importance: widget.WarningImportance}
	u.card = widget.NewCard(lang.L("What this link allows"), "", container.NewVBox(u.destination, u.validUntil, u.details, u.warnings))
	u.card.Hide()

	choose := &widget.Button{Text: lang.L("Choose file…"), Icon: theme.FolderOpenIcon(), OnTapped: u.onChooseFile}
	u.fileInfo = &widget.Label{Text: lang.L("Drop a file anywhere on this window, or choose one."), Wrapping: textWrap()}
	u.fileWarning = &widget.Label{Wrapping: textWrap(), Importance: widget.WarningImportance}
	u.fileWarning.Hide()

	u.upload = &widget.Button{Text: lang.L("Upload"), Icon: theme.UploadIcon(), Importance: widget.HighImportance, OnTapped: u.onUpload}
	u.cancelButton = &widget.Button{Text: lang.L("Cancel"), Icon: theme.CancelIcon(), OnTapped: u.onCancel}
	u.cancelButton.Hide()
	u.blocked = &widget.Label{Wrapping: textWrap(), Importance: widget.LowImportance}
	u.progress = widget.NewProgressBar()
	u.progress.Hide()
	u.progressText = &widget.Label{Importance: widget.LowImportance}
	u.progressText.Hide()

	u.resultText = &widget.Label{Wrapping: textWrap(), Selectable: true}
	u.callbackText = &widget.Label{Wrapping: fyne.TextWrapBreak, TextStyle: fyne.TextStyle{Monospace: true}, Selectable: true}
	u.copyDetails = &widget.Button{Text: lang.L("Copy details for the sender"), Icon: theme.ContentCopyIcon(), OnTapped: func() {
		fyne.CurrentApp().Clipboard().SetContent(u.details4Owner)
	}}
	another := &widget.Button{Text: lang.L("Upload another"), Icon: theme.ViewRefreshIcon(), OnTapped: u.reset}
	u.result = widget.NewCard("", "", container.NewVBox(u.resultText, u.callbackText, container.NewHBox(u.copyDetails, another)))
	u.result.Hide()

	u.single = container.NewVBox(
		container.NewBorder(nil, nil, nil, choose, u.fileInfo), u.fileWarning,
		container.NewHBox(u.upload, u.cancelButton), u.blocked, u.progress, u.progressText,
		u.result,
	)
	u.queue = newQueueView(u.win, u.svc)
	u.queue.content.Hide()
	u.scroll = container.NewVScroll(container.NewPadded(container.NewVBox(
		u.paste, container.NewHBox(pasteButton, qrButton), u.linkError,
		u.card, u.single, u.queue.content,
	)))
	u.content = u.scroll
	u.refreshUploadButton()
}

// setLink fills the paste box, as "Test upload" and a link argument do.
func (u *uploadTab) setLink(text string) { u.paste.SetText(text) }

// onLinkChanged inspects the pasted text and fills the card.
func (u *uploadTab) onLinkChanged() {
	u.link = nil
	text := strings.TrimSpace(u.paste.Text)
	u.linkError.Hide()
	u.card.Hide()
	if text != "" {
		in, err := signing.Inspect(text, u.svc.Now())
		if err != nil {
			u.linkError.SetText(capitalize(strings.TrimPrefix(err.Error(), signing.ErrNotALink.Error()+": ")) + ".")
			u.linkError.Show()
		} else {
			u.link = in
			u.fillCard()
			u.card.Show()
		}
	}
	u.showMode()
	u.checkContentType()
	u.refreshValidity()
	u.startTicker()
}

func (u *uploadTab) fillCard() {
	in := u.link
	if in.Request != nil {
		u.fillRequestCard()
		return
	}
	bucket := in.Bucket
	if bucket == "" {
		bucket = lang.L("(bucket bound to the domain)")
	}
	u.destination.SetText(fmt.Sprintf(lang.L("Uploads to %s / %s on %s"), bucket, in.Key, in.Host))
	var lines []string
	switch {
	case !in.HeadersKnown:
		lines = append(lines, lang.L("Headers: unknown (a bare link); none will be sent."))
	case len(in.Headers) == 0:
		lines = append(lines, lang.L("Headers: none needed."))
	default:
		lines = append(lines, lang.L("The upload sends these headers:"))
		for _, h := range in.Headers {
			lines = append(lines, "    "+h.Name+": "+shorten(h.Value, 80))
		}
	}
	if v, _ := in.Headers.Get("x-oss-forbid-overwrite"); v == "true" {
		lines = append(lines, lang.L("Overwrite protection: an existing object with this name is never replaced."))
	}
	if urls := in.CallbackURLs(); len(urls) > 0 {
		lines = append(lines, fmt.Sprintf(lang.L("After the upload OSS notifies the sender's server (%s)."), callbackHosts(urls)))
	}
	if in.HasSTSToken {
		lines = append(lines, lang.L("Signed with temporary (STS) credentials."))
	}
	u.details.SetText(strings.Join(lines, "\n"))
	if len(in.Warnings) > 0 {
		u.warnings.SetText(localizeLines(in.Warnings))
		u.warnings.Show()
	} else {
		u.warnings.Hide()
	}
}

func callbackHosts(urls []string) string {
	var hosts []string
	for _, raw := range urls {
		if h := hostOf(raw); h != "" {
			hosts = append(hosts, h)
		}
	}
	return strings.Join(hosts, ", ")
}

func shorten(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

// refreshValidity updates the countdown: red under five minutes, "expired"
// after, and the Upload button with it.
func (u *uploadTab) refreshValidity() {
	if u.link != nil {
		now := u.svc.Now()
		left := u.link.ExpiresAt.Sub(now)
		text := fmt.Sprintf(lang.L("Valid until %s (%s)"), formatDateTime(u.link.ExpiresAt, now), untilText(u.link.ExpiresAt, now))
		importance := widget.MediumImportance
		if left < lowTimeLeft {
			importance = widget.DangerImportance
		}
		if left <= 0 {
			text = fmt.Sprintf(lang.L("Expired at %s: ask the sender for a new link."), formatDateTime(u.link.ExpiresAt, now))
		}
		u.validUntil.Importance = importance
		u.validUntil.SetText(text)
	}
	u.queue.refresh()
	u.refreshUploadButton()
}

// startTicker keeps the countdown live while a link is shown.
func (u *uploadTab) startTicker() {
	if u.link == nil {
		u.countdown.cancel()
		return
	}
	u.countdown.start(u.refreshValidity)
}

// refreshUploadButton enables Upload only when the pre-flight checks pass,
// and otherwise says what is missing.
func (u *uploadTab) refreshUploadButton() {
	if u.upload == nil {
		return
	}
	if u.cancel != nil { // uploading
		u.upload.Disable()
		return
	}
	reason := ""
	switch {
	case u.link == nil:
		reason = lang.L("Paste a link to start.")
	case u.file == "":
		reason = lang.L("Now choose the file to upload.")
	default:
		if err := upload.Check(u.request()); err != nil {
			reason = uploadErrorText(err)
		}
	}
	setOrHide(u.blocked, reason)
	if reason == "" {
		u.upload.Enable()
	} else {
		u.upload.Disable()
	}
}

func (u *uploadTab) request() upload.Request {
	return upload.Request{Link: u.link, File: u.file, Now: u.svc.Now}
}

// onDropped receives files dropped anywhere on the window.
func (u *uploadTab) onDropped(uris []fyne.URI) {
	if u.isRequestLink() {
		var paths []string
		for _, uri := range uris {
			paths = append(paths, uri.Path())
		}
		u.queue.add(paths)
		return
	}
	if len(uris) != 1 {
		u.showFileProblem(fmt.Sprintf(lang.L("%d files were dropped, but one link uploads one object: drop a single file (zip several into one first)."), len(uris)))
		return
	}
	u.setFile(uris[0].Path())
}

func (u *uploadTab) onChooseFile() {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		r.Close()
		u.setFile(r.URI().Path())
	}, u.win)
	d.Show()
}

// setFile checks and shows the chosen file.
func (u *uploadTab) setFile(path string) {
	if u.isRequestLink() {
		u.queue.add([]string{path})
		return
	}
	st, err := os.Stat(path)
	switch {
	case err != nil:
		u.showFileProblem(fmt.Sprintf(lang.L("%s cannot be read: %v"), filepath.Base(path), errors.Unwrap(err)))
		return
	case st.IsDir():
		u.showFileProblem(fmt.Sprintf(lang.L("%s is a folder, but one link uploads one file: zip the folder and drop the zip."), filepath.Base(path)))
		return
	}
	u.file = path
	u.fileInfo.SetText(fmt.Sprintf(lang.L("File: %s, %s, %s"), filepath.Base(path), formatSize(st.Size()), fileContentType(path)))
	u.fileWarning.Hide()
	u.result.Hide()
	u.checkContentType()
	u.refreshUploadButton()
}

func (u *uploadTab) showFileProblem(msg string) {
	u.file = ""
	u.fileInfo.SetText(lang.L("Drop a file anywhere on this window, or choose one."))
	u.fileWarning.SetText(msg)
	u.fileWarning.Show()
	u.refreshUploadButton()
}

// checkContentType warns when the link binds a type the file does not have:
// the upload still sends the link's type, as it must.
func (u *uploadTab) checkContentType() {
	if u.link == nil || u.file == "" {
		return
	}
	bound, ok := u.link.Headers.Get("content-type")
	detected := fileContentType(u.file)
	if ok && !strings.EqualFold(mediaType(bound), mediaType(detected)) {
		u.fileWarning.SetText(fmt.Sprintf(lang.L("The link was made for %s files, and this looks like %s. It will be uploaded as %s; if that is wrong, ask the sender."), bound, detected, bound))
		u.fileWarning.Show()
	} else {
		u.fileWarning.Hide()
	}
}

func mediaType(ct string) string {
	mt, _, _ := strings.Cut(ct, ";")
	return strings.TrimSpace(mt)
}

// fileContentType guesses a file's type from its name and first bytes.
func fileContentType(path string) string {
	head := make([]byte, 512)
	n := 0
	if f, err := os.Open(path); err == nil {
		n, _ = f.Read(head)
		f.Close()
	}
	return detectContentType(filepath.Base(path), head[:n])
}

func (u *uploadTab) onOpenQR() {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		defer r.Close()
		text, err := signing.DecodeQR(r)
		if err != nil {
			u.linkError.SetText(capitalize(err.Error()) + ".")
			u.linkError.Show()
			return
		}
		u.paste.SetText(text)
	}, u.win)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".png", ".jpg", ".jpeg"}))
	d.Show()
}

func (u *uploadTab) onUpload() {
	req := u.request()
	ctx, cancel := context.WithCancel(context.Background())
	u.cancel = cancel
	u.result.Hide()
	u.upload.Disable()
	u.cancelButton.Show()
	u.progress.SetValue(0)
	u.progress.Show()
	setOrHide(u.progressText, lang.L("Starting…"))
	req.Progress = func(p upload.Progress) { fyne.Do(func() { u.showProgress(p) }) }
	go func() {
		res, err := upload.Upload(ctx, req)
		fyne.Do(func() { u.finish(res, err) })
	}()
}

func (u *uploadTab) showProgress(p upload.Progress) {
	if u.cancel == nil {
		return // a late update after the end
	}
	if p.Total > 0 {
		u.progress.SetValue(float64(p.Sent) / float64(p.Total))
	}
	text := fmt.Sprintf(lang.L("%s of %s · %s/s"), formatSize(p.Sent), formatSize(p.Total), formatSize(int64(p.Rate)))
	if p.Rate > 0 && p.Sent < p.Total {
		left := time.Duration(float64(p.Total-p.Sent) / p.Rate * float64(time.Second))
		text += " · " + fmt.Sprintf(lang.L("%s left"), humanDuration(max(left, time.Second).Round(time.Second)))
	}
	if p.Attempt > 1 {
		text += " · " + fmt.Sprintf(lang.L("attempt %d"), p.Attempt)
	}
	u.progressText.SetText(text)
}

func (u *uploadTab) onCancel() {
	if u.cancel != nil {
		u.cancel()
		u.progressText.SetText(lang.L("Cancelling…"))
	}
}

// finish shows the success or failure card.
func (u *uploadTab) finish(res *upload.Result, err error) {
	u.cancel = nil
	u.cancelButton.Hide()
	u.progress.Hide()
	setOrHide(u.progressText, "")
	u.refreshUploadButton()
	u.callbackText.Hide()
	u.details4Owner = u.detailsForSender(res, err)
	switch {
	case err == nil:
		u.result.SetTitle(lang.L("Uploaded"))
		u.resultText.SetText(u.successText(res))
		u.copyDetails.Hide()
	case errors.Is(err, upload.ErrCanceled):
		u.result.SetTitle(lang.L("Cancelled"))
		u.resultText.SetText(lang.L("The upload was cancelled; nothing was stored."))
		u.copyDetails.Hide()
	default:
		u.result.SetTitle(lang.L("Upload failed"))
		text := uploadErrorText(err)
		switch {
		case res != nil && errors.Is(err, upload.ErrUnverified):
			u.result.SetTitle(lang.L("Not confirmed"))
			text += "\n\n" + u.successText(res)
		case res != nil: // stored, but with a callback or checksum problem
			u.result.SetTitle(lang.L("Stored, with a problem"))
			text += "\n\n" + u.successText(res)
		}
		u.resultText.SetText(text)
		u.copyDetails.Show()
	}
	if res != nil && len(res.CallbackBody) > 0 {
		u.callbackText.SetText(lang.L("The sender's server answered:") + "\n" + res.CallbackJSON())
		u.callbackText.Show()
	}
	u.result.Show()
	u.scroll.ScrollToBottom()
}

func (u *uploadTab) successText(res *upload.Result) string {
	verified := lang.L("Integrity verified (CRC-64).")
	switch {
	case len(res.Mismatches) > 0:
		verified = fmt.Sprintf(lang.L("Integrity not verified: %s"), localizeList(res.Mismatches))
	case res.CRCVerified:
	case res.MD5Verified:
		verified = lang.L("Integrity verified (MD5).")
	default:
		verified = fmt.Sprintf(lang.L("Integrity not verified: %s"), localize(res.CRCNote))
	}
	rate := float64(res.Size) / max(res.Elapsed.Seconds(), 0.001)
	stored := fmt.Sprintf(lang.L("%s is stored as %s."), formatSize(res.Size), u.link.Key)
	if !res.Verified() {
		// Only the server's word: say whose it is.
		stored = fmt.Sprintf(lang.L("The server says %s is stored as %s."), formatSize(res.Size), u.link.Key)
	}
	lines := []string{stored, verified}
	if res.ETag != "" {
		lines = append(lines, "ETag "+res.ETag)
	}
	lines = append(lines, fmt.Sprintf(lang.L("Took %s at %s/s on average."), humanDuration(res.Elapsed.Round(time.Second)), formatSize(int64(rate))))
	return strings.Join(lines, "\n")
}

// detailsForSender is what "Copy details" puts on the clipboard: enough for
// the sender to look the request up, and never the link's signature.
func (u *uploadTab) detailsForSender(res *upload.Result, err error) string {
	lines := []string{"OSS Drop upload report", "time: " + u.svc.Now().UTC().Format(time.RFC3339)}
	if u.link != nil {
		lines = append(lines, "host: "+u.link.Host, "bucket: "+u.link.Bucket, "key: "+u.link.Key,
			"access key id: "+u.link.AccessKeyID, "link expires: "+u.link.ExpiresAt.UTC().Format(time.RFC3339))
	}
	var ue *upload.Error
	if errors.As(err, &ue) {
		lines = append(lines, fmt.Sprintf("status: %d", ue.Status), "code: "+ue.Code, "request id: "+ue.RequestID, "ec: "+ue.EC,
			fmt.Sprintf("attempts: %d", ue.Attempts), "error: "+ue.Sentence.String())
	}
	if res != nil {
		lines = append(lines, "etag: "+res.ETag, "request id: "+res.RequestID)
	}
	return strings.Join(lines, "\n")
}

// reset clears the file and the result for the next upload with the same link.
func (u *uploadTab) reset() {
	u.file = ""
	u.fileInfo.SetText(lang.L("Drop a file anywhere on this window, or choose one."))
	u.fileWarning.Hide()
	u.result.Hide()
	u.refreshUploadButton()
}

// hostOf is the host of a URL, or "" when it has none.
func hostOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return u.Host
}

// setOrHide shows a label with text, or hides it when there is none, so an
// empty line takes no room.
func setOrHide(l *widget.Label, text string) {
	l.SetText(text)
	if text == "" {
		l.Hide()
	} else {
		l.Show()
	}
}
