package ui

import (
	"context"
	"errors"
	"fmt"
	"math"
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
	pasteRows int
	linkError *widget.Label

	card        *widget.Card
	destination *widget.Label
	validUntil  *widget.Label
	details     *widget.Label
	warnings    *widget.Label

	fileInfo    *widget.Label
	fileWarning *widget.Label
	// typeWarning says the file does not look like the type the link
	// binds; typeNote, for a link that binds none, what OSS will store.
	typeWarning *widget.Label
	typeNote    *widget.Label
	// sent is set once the chosen file is stored through the link, taken
	// once the link refused it as already stored: the next step is
	// another file or another link, never the same again.
	sent, taken bool
	// usedUp: the link protects its key (x-oss-forbid-overwrite), and the
	// key now holds a file (stored through it, or found there): no file
	// can go through it any more, only through another link.
	usedUp bool
	// refused is set when the last upload failed in a way a retry cannot
	// change (upload.NextStep): NextLink, the link is at fault and no file
	// goes through it any more; NextFile, this file is, and another may go.
	refused upload.Next
	// way is the result card's way on (the another button): Try again,
	// another link, or another file.
	way upload.Next
	// owns reports whether an AccessKey ID is the app's own (a profile's or
	// the sandbox's): the uploader is then the link's owner too.
	owns func(accessKeyID string) bool
	// onStored is told that a file went through a link from this tab: its
	// owner (this app, perhaps) can check the link again at once.
	onStored func(*signing.Inspection)

	upload       *widget.Button
	cancelButton *widget.Button
	blocked      *widget.Label
	progress     *widget.ProgressBar
	progressText *widget.Label

	result       *widget.Card
	resultText   *widget.Label
	callbackText *widget.Label
	copyDetails  *widget.Button
	// copyOwn is Copy details when the uploader made the link: there is
	// no sender to send them to.
	copyOwn       *widget.Button
	another       *widget.Button
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
	u.pasteRows = minPasteRows
	u.paste.SetMinRowsVisible(minPasteRows)
	pasteButton := &widget.Button{Text: lang.L("Paste"), Icon: theme.ContentPasteIcon(), OnTapped: func() {
		u.paste.SetText(fyne.CurrentApp().Clipboard().Content())
	}}
	qrButton := &widget.Button{Text: lang.L("Open QR image…"), Icon: theme.FileImageIcon(), OnTapped: u.onOpenQR}
	u.linkError = &widget.Label{Wrapping: textWrap(), Importance: widget.DangerImportance}
	u.linkError.Hide()

	// Word wrap (long keys and hosts still break when they must): at 800
	// pixels a break anywhere split "Uploads" itself.
	u.destination = &widget.Label{TextStyle: fyne.TextStyle{Bold: true}, Wrapping: textWrap()}
	u.validUntil = &widget.Label{}
	u.details = &widget.Label{Wrapping: fyne.TextWrapBreak}
	u.warnings = &widget.Label{Wrapping: textWrap(), Importance: widget.WarningImportance}
	u.card = widget.NewCard(lang.L("What this link allows"), "", container.NewVBox(u.destination, u.validUntil, u.details, u.warnings))
	u.card.Hide()

	choose := &widget.Button{Text: lang.L("Choose file…"), Icon: theme.FolderOpenIcon(), OnTapped: u.onChooseFile}
	u.fileInfo = &widget.Label{Text: lang.L("Drop a file anywhere on this window, or choose one."), Wrapping: textWrap()}
	u.fileWarning = &widget.Label{Wrapping: textWrap(), Importance: widget.WarningImportance}
	u.fileWarning.Hide()
	u.typeWarning = &widget.Label{Wrapping: textWrap(), Importance: widget.WarningImportance}
	u.typeWarning.Hide()
	u.typeNote = &widget.Label{Wrapping: textWrap(), Importance: widget.LowImportance}
	u.typeNote.Hide()

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
	u.copyDetails = newCopyButton(lang.L("Copy details for the sender"), func() string { return u.details4Owner })
	u.copyOwn = newCopyButton(lang.L("Copy details"), func() string { return u.details4Owner })
	u.copyOwn.Hide()
	u.another = &widget.Button{Text: lang.L("Upload another"), Icon: theme.ViewRefreshIcon(), OnTapped: u.onAnother}
	u.result = widget.NewCard("", "", container.NewVBox(u.resultText, u.callbackText, container.NewHBox(u.copyDetails, u.copyOwn, u.another)))
	u.result.Hide()

	u.single = container.NewVBox(
		container.NewBorder(nil, nil, nil, choose, u.fileInfo), u.fileWarning, u.typeWarning, u.typeNote,
		container.NewHBox(u.upload, u.cancelButton), u.blocked, u.progress, u.progressText,
		u.result,
	)
	u.queue = newQueueView(u.win, u.svc)
	u.queue.onStored = func(in *signing.Inspection) {
		if u.onStored != nil {
			u.onStored(in)
		}
	}
	u.queue.content.Hide()
	u.scroll = container.NewVScroll(container.NewPadded(container.NewVBox(
		u.paste, container.NewHBox(pasteButton, qrButton), u.linkError,
		u.card, u.single, u.queue.content,
	)))
	u.content = u.scroll
	u.refreshUploadButton()
}

// Rows the paste box shows: at least minPasteRows, and as many as a
// pasted link or curl command needs, up to maxPasteRows.
const minPasteRows, maxPasteRows = 3, 10

// fitPaste grows the paste box to what it holds: a box of three rows
// showed a long link's fourth row cut in half at its bottom edge.
func (u *uploadTab) fitPaste() {
	// The box spans the tab, which may not have been laid out yet (a link
	// from Test upload arrives while the Create tab shows): the window
	// says how wide it will be.
	width := u.win.Canvas().Size().Width - 4*theme.Padding() - 2*theme.InnerPadding()
	rows := minPasteRows
	if width > 0 {
		n := 0
		for _, line := range strings.Split(u.paste.Text, "\n") {
			w := fyne.MeasureText(line, theme.TextSize(), fyne.TextStyle{}).Width
			n += max(1, int(math.Ceil(float64(w/width))))
		}
		rows = min(max(n, minPasteRows), maxPasteRows)
	}
	if rows != u.pasteRows {
		u.pasteRows = rows
		u.paste.SetMinRowsVisible(rows)
	}
}

// setLink fills the paste box, as "Test upload" and a link argument do.
func (u *uploadTab) setLink(text string) { u.paste.SetText(text) }

// handOver takes a link and files from the command line (this start's or
// a second one's): a new start, so the last result goes even when the
// link is the one already shown, which the paste box does not report as a
// change. What the tab knows about that link (used up) stays. The files
// go as a drop of them would, in the order given.
func (u *uploadTab) handOver(link string, files []string) {
	if u.cancel == nil {
		u.reset()
	}
	if link != "" {
		u.setLink(link)
	}
	if len(files) > 0 {
		u.addPaths(files)
	}
}

// onLinkChanged inspects the pasted text and fills the card.
func (u *uploadTab) onLinkChanged() {
	if u.cancel != nil {
		return // the running upload keeps its link; its card stays
	}
	u.fitPaste()
	u.link = nil
	text := strings.TrimSpace(u.paste.Text)
	u.linkError.Hide()
	u.card.Hide()
	// Another link is moving on: the last result was about the old one.
	u.sent, u.taken, u.usedUp, u.refused = false, false, false, upload.NextNone
	u.result.Hide()
	if text != "" {
		in, err := signing.Inspect(text, u.svc.Now())
		if err != nil {
			u.linkError.SetText(linkErrorText(err))
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
	if u.scroll != nil {
		u.scroll.Refresh() // the content may be shorter now: no scrolling past its end
	}
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
	// Either way the partner learns what happens to a file already there;
	// a bare link does not say which headers it was signed with.
	if v, _ := in.Headers.Get("x-oss-forbid-overwrite"); v == "true" {
		lines = append(lines, lang.L("Overwrite protection: an existing object with this name is never replaced."))
	} else if in.HeadersKnown {
		lines = append(lines, lang.L("No overwrite protection: the upload replaces an object already stored under this name."))
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
	// A used-up link says so before asking for a file it would refuse.
	switch {
	case u.link == nil:
		reason = lang.L("Paste a link to start.")
	case u.usedUp && u.sent:
		reason = lang.L("Done: this file is uploaded. The link keeps it from being replaced, so it takes no other file: paste another link for the next one.")
	case u.usedUp:
		reason = lang.L("This link takes no more files: a file of its name is stored, and the link keeps it from being replaced. Paste another link.")
	case u.refused == upload.NextLink && !u.taken:
		reason = lang.L("OSS refused this link (below), and would refuse any file through it the same way: paste another link.")
	case u.file == "":
		reason = lang.L("Now choose the file to upload.")
	case u.sent:
		reason = lang.L("Done: this file is uploaded. Another file through this link replaces it: drop or choose one, or paste another link.")
	case u.taken:
		reason = lang.L("This link cannot store this file: a file of its name is already there (below).")
	case u.refused == upload.NextFile:
		reason = lang.L("OSS refused this file (below), and would refuse it again: drop or choose another file.")
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
	paths := make([]string, len(uris))
	for i, uri := range uris {
		paths[i] = uri.Path()
	}
	u.addPaths(paths)
}

// addPaths takes files and folders dropped on the window or named on the
// command line: all of them into a request link's queue, or the one file
// a one-file link uploads (several, or a folder, are explained).
func (u *uploadTab) addPaths(paths []string) {
	if u.isRequestLink() {
		u.queue.add(paths)
		return
	}
	if len(paths) != 1 {
		u.showFileProblem(fmt.Sprintf(lang.L("%d files, but this link uploads one object: use a single file (zip several into one first)."), len(paths)))
		return
	}
	u.setFile(paths[0])
}

func (u *uploadTab) onChooseFile() {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		r.Close()
		u.setFile(r.URI().Path())
	}, u.win)
	d.SetTitleText(lang.L("Choose a file to upload")) // not Fyne's "Open"+" "+"File": "打开 文件" in Chinese
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
	u.newFile(path)
	u.fileInfo.SetText(u.fileText(path, st.Size()))
	u.fileWarning.Hide()
	u.result.Hide()
	u.checkContentType()
	u.refreshUploadButton()
}

// newFile makes path (or none) the file: what happened to the last one
// goes, except what it taught about the link (used up, refused).
func (u *uploadTab) newFile(path string) {
	u.file, u.sent, u.taken = path, false, false
	if u.refused == upload.NextFile {
		u.refused = upload.NextNone
	}
}

// fileText names the chosen file by its own name and says where it goes:
// "q3.pdf (12 bytes) goes to in/q3.pdf."
func (u *uploadTab) fileText(path string, size int64) string {
	name := filepath.Base(path)
	if u.link == nil || u.link.Key == "" {
		return fmt.Sprintf(lang.L("%s (%s)"), name, formatSize(size))
	}
	return fmt.Sprintf(lang.L("%s (%s) goes to %s."), name, formatSize(size), u.link.Key)
}

// showFileProblem says why a file cannot be taken. It is a new file all
// the same: the last result (about another file) goes.
func (u *uploadTab) showFileProblem(msg string) {
	u.newFile("")
	u.result.Hide()
	u.typeNote.Hide()
	u.fileInfo.SetText(lang.L("Drop a file anywhere on this window, or choose one."))
	u.fileWarning.SetText(msg)
	u.fileWarning.Show()
	u.refreshUploadButton()
}

// checkContentType says what type the file will be stored as: the link's
// own when it binds one (with a warning when the file does not look like
// it), else what OSS gives an object uploaded without a Content-Type.
func (u *uploadTab) checkContentType() {
	if u.link == nil || u.file == "" {
		u.typeWarning.Hide() // a warning about a link no longer there
		u.typeNote.Hide()
		return
	}
	bound, ok := u.link.Headers.Get("content-type")
	detected := fileContentType(u.file)
	switch {
	case ok && !strings.EqualFold(mediaType(bound), mediaType(detected)):
		setOrHide(u.typeWarning, fmt.Sprintf(lang.L("The link was made for %s files, and this looks like %s. It will be uploaded as %s; if that is wrong, ask the sender."), bound, detected, bound))
		u.typeNote.Hide()
	case ok:
		u.typeWarning.Hide()
		setOrHide(u.typeNote, fmt.Sprintf(lang.L("Stored as %s, the type the link binds."), bound))
	default:
		// The upload sends no Content-Type, which would be signed; OSS then
		// stores its default type. Only SDKs guess one from the name.
		u.typeWarning.Hide()
		note := fmt.Sprintf(lang.L("The link binds no content type, so the upload sends none and OSS stores the file as %s (the file itself looks like %s)."), ossDefaultContentType, detected)
		if mediaType(detected) == ossDefaultContentType {
			note = fmt.Sprintf(lang.L("The link binds no content type, so the upload sends none and OSS stores the file as %s."), ossDefaultContentType)
		}
		setOrHide(u.typeNote, note)
	}
}

// ossDefaultContentType is the type OSS stores an object as when its
// upload carries no Content-Type (a presigned PUT that binds none; OSS's
// SDKs, not OSS itself, guess one from the key's extension). The sandbox
// does the same.
const ossDefaultContentType = "application/octet-stream"

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
			u.linkError.SetText(linkErrorText(err))
			u.linkError.Show()
			return
		}
		u.paste.SetText(text)
	}, u.win)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".png", ".jpg", ".jpeg"}))
	d.SetTitleText(lang.L("Open a QR code image")) // not Fyne's "Open"+" "+"File": "打开 文件" in Chinese
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
	req.Progress = func(p upload.Progress) { toUI(func() { u.showProgress(p) }) }
	go func() {
		res, err := upload.Upload(ctx, req)
		toUI(func() { u.finish(res, err) })
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

// reset clears the file and the result for the next upload with the same link.
func (u *uploadTab) reset() {
	u.newFile("")
	u.fileInfo.SetText(lang.L("Drop a file anywhere on this window, or choose one."))
	u.fileWarning.Hide()
	u.typeWarning.Hide()
	u.typeNote.Hide()
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
