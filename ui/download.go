package ui

import (
	"context"
	"errors"
	"fmt"
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

	"github.com/ossdrop/ossdrop/app/arrivals"
	"github.com/ossdrop/ossdrop/app/bucket"
	"github.com/ossdrop/ossdrop/app/credentials"
	"github.com/ossdrop/ossdrop/app/history"
	"github.com/ossdrop/ossdrop/signing"
)

// progressEvery throttles progress updates to the UI.
const progressEvery = 50 * time.Millisecond

// download is one running download and its progress dialog.
type download struct {
	entry  history.Entry
	object arrivals.Object
	dest   string
	cancel context.CancelFunc

	dialog dialog.Dialog
	bar    *widget.ProgressBar
	text   *widget.Label
}

// onDownload asks where to save an arrived file. The save dialog picks the
// folder (its file is named after the object): a folder chooser never
// truncates an existing file the way a file-save writer would before the
// download has even started.
func (h *historyTab) onDownload(e history.Entry, o arrivals.Object) {
	d := dialog.NewFolderOpen(func(dir fyne.ListableURI, err error) {
		if err != nil {
			h.status.SetText(errorSentence(err))
			return
		}
		if dir != nil {
			h.saveInto(e, o, dir.Path())
		}
	}, h.win)
	d.SetTitleText(fmt.Sprintf(lang.L("Save %s in…"), o.Name()))
	d.SetConfirmText(lang.L("Save here"))
	if last := fyne.CurrentApp().Preferences().String(prefDownloadFolder); last != "" {
		if l, err := storage.ListerForURI(storage.NewFileURI(last)); err == nil {
			d.SetLocation(l)
		}
	}
	d.Resize(fyne.NewSize(800, 560))
	d.Show()
}

// saveInto downloads o into dir, asking first when a file of that name is
// there: replace it, keep both, or stop.
func (h *historyTab) saveInto(e history.Entry, o arrivals.Object, dir string) {
	fyne.CurrentApp().Preferences().SetString(prefDownloadFolder, dir)
	dest := filepath.Join(dir, o.Name())
	if _, err := os.Lstat(dest); err != nil {
		h.startDownload(e, o, dest, false)
		return
	}
	var d dialog.Dialog
	replace := &widget.Button{Text: lang.L("Replace"), Importance: widget.DangerImportance, OnTapped: func() {
		d.Hide()
		h.startDownload(e, o, dest, true)
	}}
	both := &widget.Button{Text: lang.L("Keep both"), Importance: widget.HighImportance, OnTapped: func() {
		d.Hide()
		h.startDownload(e, o, freeName(dest), false)
	}}
	cancel := &widget.Button{Text: lang.L("Cancel"), OnTapped: func() { d.Hide() }}
	text := &widget.Label{Text: fmt.Sprintf(lang.L("%s already exists in %s. Replace it with the downloaded file, or keep both?"), o.Name(), dir), Wrapping: textWrap()}
	// The dialog's own button row and its content's height: a fixed
	// height left a band of empty dialog under the buttons.
	custom := dialog.NewCustomWithoutButtons(lang.L("The file exists"), text, h.win)
	custom.SetButtons([]fyne.CanvasObject{cancel, both, replace})
	d = custom
	fitDialog(d, h.win, 480)
	d.Show()
}

// freeName returns "q3 (2).pdf" beside path, the first such name not taken.
func freeName(path string) string {
	ext := filepath.Ext(path)
	base := strings.TrimSuffix(path, ext)
	for i := 2; ; i++ {
		candidate := fmt.Sprintf("%s (%d)%s", base, i, ext)
		if _, err := os.Lstat(candidate); err != nil {
			return candidate
		}
	}
}

// startDownload shows the progress dialog and downloads off the UI
// goroutine; overwrite is the person's answer to "replace it?".
func (h *historyTab) startDownload(e history.Entry, o arrivals.Object, dest string, overwrite bool) {
	ctx, cancel := context.WithCancel(context.Background())
	dl := &download{entry: e, object: o, dest: dest, cancel: cancel, bar: widget.NewProgressBar(),
		text: &widget.Label{Text: fmt.Sprintf(lang.L("Downloading %s to %s…"), o.Name(), dest), Wrapping: textWrap()}}
	dl.bar.Max = float64(max(o.Size, 1))
	stop := &widget.Button{Text: lang.L("Cancel"), Icon: theme.CancelIcon(), OnTapped: cancel}
	custom := dialog.NewCustomWithoutButtons(lang.L("Download"), container.NewVBox(dl.text, dl.bar), h.win)
	custom.SetButtons([]fyne.CanvasObject{stop})
	dl.dialog = custom
	fitDialog(dl.dialog, h.win, 520)
	dl.dialog.Show()
	h.background(func() {
		res, err := h.runDownload(ctx, dl, overwrite)
		toUI(func() { h.downloaded(dl, res, err) })
	})
}

// runDownload fetches the object with the link's profile; off the UI goroutine.
func (h *historyTab) runDownload(ctx context.Context, dl *download, overwrite bool) (*bucket.Downloaded, error) {
	c, err := h.clientFor(dl.entry, dl.object)
	if err != nil {
		return nil, err
	}
	var last time.Time
	res, err := c.Download(ctx, dl.object.Key, dl.dest, bucket.DownloadOptions{Overwrite: overwrite, Progress: func(written, total int64) {
		if now := time.Now(); now.Sub(last) >= progressEvery || written == total {
			last = now
			toUI(func() { dl.progress(written, total) })
		}
	}})
	if err == nil && h.store != nil {
		if serr := h.store.SetDownload(dl.object.ID(), res.Path, time.Now()); serr != nil {
			fyne.LogError("remember the download", serr) // the file itself is saved
		}
	}
	return res, err
}

// targetFor is where requests about o go, signed by the profile that
// signed e; it reads the keychain, so off the UI goroutine.
func (h *historyTab) targetFor(e history.Entry, o arrivals.Object) (bucket.Target, error) {
	if h.lookup == nil {
		return bucket.Target{}, errors.New("no profile to sign with")
	}
	a, err := h.lookup(e.Profile)
	if err != nil {
		return bucket.Target{}, err
	}
	t := arrivals.TargetFor(e, a)
	t.Bucket, t.Key = o.Bucket, o.Key
	return t, nil
}

// clientFor is an SDK client for the bucket o is in; off the UI goroutine.
func (h *historyTab) clientFor(e history.Entry, o arrivals.Object) (*bucket.Client, error) {
	t, err := h.targetFor(e, o)
	if err != nil {
		return nil, err
	}
	return bucket.New(t)
}

func (dl *download) progress(written, total int64) {
	dl.bar.Max = float64(max(total, 1))
	dl.bar.SetValue(float64(written))
	dl.text.SetText(fmt.Sprintf(lang.L("%s of %s"), formatSize(written), formatSize(total)))
}

// downloaded ends a download; on the UI goroutine.
func (h *historyTab) downloaded(dl *download, res *bucket.Downloaded, err error) {
	dl.cancel()
	dl.dialog.Hide()
	switch {
	case errors.Is(err, context.Canceled):
		h.status.SetText(fmt.Sprintf(lang.L("The download of %s was cancelled: nothing was saved."), dl.object.Name()))
	case err != nil:
		h.status.SetText(checkFailure(err))
	case res.CRCChecked:
		h.status.SetText(fmt.Sprintf(lang.L("Saved %s (%s) as %s: its CRC-64 matches the server's."), dl.object.Name(), formatSize(res.Size), res.Path))
	default:
		h.status.SetText(fmt.Sprintf(lang.L("Saved %s (%s) as %s; the server sent no CRC-64 to compare."), dl.object.Name(), formatSize(res.Size), res.Path))
	}
	h.list.Refresh()
}

// checkFailure is an owner request's failure with its hint, for the
// status line above the list.
func checkFailure(err error) string {
	switch {
	case errors.Is(err, errSandboxStopped):
		return lang.L("Start the local sandbox (Try it locally) first: its links are signed with a key that lives only while it runs.")
	case errors.Is(err, arrivals.ErrNoEnvironment), errors.Is(err, arrivals.ErrNoEnvironmentSecret):
		return lang.L("This link was signed with the variables OSS_ACCESS_KEY_ID and OSS_ACCESS_KEY_SECRET, which OSS Drop was not started with: start it from a shell where both are set, or use ossdrop download there.")
	case errors.Is(err, arrivals.ErrProfileGone):
		return lang.L("The profile that signed this link is gone: add it again to download.")
	}
	return ownerErrorText(err, true)
}

// downloadedAs is where o was last saved, if that file is still there.
func (h *historyTab) downloadedAs(o arrivals.Object) (string, bool) {
	if h.store == nil {
		return "", false
	}
	path, ok := h.store.Download(o.ID())
	if !ok {
		return "", false
	}
	if _, err := os.Stat(path); err != nil {
		return "", false
	}
	return path, true
}

// onReveal shows the downloaded copy of o in the file manager.
func (h *historyTab) onReveal(o arrivals.Object) {
	path, ok := h.downloadedAs(o)
	if !ok {
		h.status.SetText(fmt.Sprintf(lang.L("%s has not been downloaded, or its copy was moved."), o.Name()))
		return
	}
	if h.svc.Reveal == nil {
		h.status.SetText(path)
		return
	}
	if err := h.svc.Reveal(path); err != nil {
		h.status.SetText(errorSentence(err))
		return
	}
	h.status.SetText(fmt.Sprintf(lang.L("The downloaded copy is %s."), path))
}

// onDownloadLink asks how long a download link for o should work, then
// signs one with the link's profile and copies it.
func (h *historyTab) onDownloadLink(e history.Entry, o arrivals.Object) {
	var labels []string
	for _, p := range expiryPresets[:len(expiryPresets)-1] {
		labels = append(labels, lang.L(p.label))
	}
	expiry := widget.NewSelect(labels, nil)
	expiry.SetSelectedIndex(1)
	text := &widget.Label{Text: fmt.Sprintf(lang.L("Anyone with the link can download %s until it expires."), o.Name()), Wrapping: textWrap()}
	content := container.NewVBox(text, widget.NewForm(widget.NewFormItem(lang.L("Expires in"), expiry)))
	d := dialog.NewCustomConfirm(lang.L("Copy a download link"), lang.L("Copy link"), lang.L("Cancel"), content, func(ok bool) {
		if ok && expiry.SelectedIndex() >= 0 {
			h.signDownloadLink(e, o, expiryPresets[expiry.SelectedIndex()].d)
		}
	}, h.win)
	fitDialog(d, h.win, 460)
	d.Show()
}

// signDownloadLink signs a GET link for o off the UI goroutine, records it
// in the history as every issued link is, and copies it.
func (h *historyTab) signDownloadLink(e history.Entry, o arrivals.Object, valid time.Duration) {
	h.background(func() {
		link, err := h.presignGet(e, o, valid)
		toUI(func() { h.downloadLinkReady(o, link, err) })
	})
}

func (h *historyTab) presignGet(e history.Entry, o arrivals.Object, valid time.Duration) (*signing.Link, error) {
	req, err := h.targetFor(e, o)
	if err != nil {
		return nil, err
	}
	req.Method, req.Expires = signing.MethodGet, valid
	link, _, err := h.svc.presignAndRecord(credentials.Profile{Name: e.Profile}, req, keyCheck{})
	return link, err
}

func (h *historyTab) downloadLinkReady(o arrivals.Object, link *signing.Link, err error) {
	if err != nil {
		h.status.SetText(checkFailure(err))
		return
	}
	fyne.CurrentApp().Clipboard().SetContent(link.URL)
	h.reload(fmt.Sprintf(lang.L("Copied a download link for %s, valid until %s."), o.Name(), formatDateTime(link.ExpiresAt, h.svc.Now())))
	if h.onHistoryChanged != nil {
		h.onHistoryChanged()
	}
}
