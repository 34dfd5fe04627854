package ui

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/ossdrop/ossdrop/app/history"
	"github.com/ossdrop/ossdrop/app/upload"
	"github.com/ossdrop/ossdrop/signing"
)

// historyTab lists every issued link, newest first; expired ones are greyed.
type historyTab struct {
	win     fyne.Window
	svc     *Services
	entries []history.Entry
	list    *widget.List
	status  *widget.Label
	content fyne.CanvasObject
}

func newHistoryTab(win fyne.Window, svc *Services) *historyTab {
	h := &historyTab{win: win, svc: svc}
	h.status = &widget.Label{Wrapping: fyne.TextWrapWord}
	h.list = widget.NewList(
		func() int { return len(h.entries) },
		func() fyne.CanvasObject {
			return container.NewBorder(nil, nil, nil,
				container.NewHBox(
					&widget.Button{Icon: theme.ContentCopyIcon(), Importance: widget.LowImportance},
					&widget.Button{Text: "QR", Importance: widget.LowImportance},
					&widget.Button{Icon: theme.DeleteIcon(), Importance: widget.LowImportance}),
				container.NewVBox(&widget.Label{TextStyle: fyne.TextStyle{Bold: true}, Truncation: fyne.TextTruncateEllipsis},
					&widget.Label{Truncation: fyne.TextTruncateEllipsis}))
		},
		func(i widget.ListItemID, obj fyne.CanvasObject) {
			// Fyne's test driver runs fyne.Do on the calling goroutine, so two
			// reloads can replace the list under a refresh (seen under load).
			if i < len(h.entries) {
				h.fillRow(h.entries[i], obj.(*fyne.Container))
			}
		})
	clear := &widget.Button{Text: lang.L("Clear expired"), Icon: theme.DeleteIcon(), OnTapped: h.onClearExpired}
	h.content = container.NewBorder(container.NewVBox(h.status), container.NewHBox(clear), nil, nil, h.list)
	return h
}

func (h *historyTab) fillRow(e history.Entry, row *fyne.Container) {
	now := h.svc.Now()
	texts := row.Objects[0].(*fyne.Container).Objects
	title, detail := texts[0].(*widget.Label), texts[1].(*widget.Label)
	title.SetText(e.Bucket + "/" + e.Key)
	state := untilText(e.Expires, now)
	options := e.Options
	if e.IsRequestLink() {
		title.SetText(e.Bucket + "/" + e.Key + e.Prefix) // one of them is set
		options += " · " + fmt.Sprintf(lang.L("up to %s"), upload.FormatSize(e.MaxSize))
	}
	detail.SetText(fmt.Sprintf("%s · %s · %s · %s", e.Profile, e.Created.Local().Format("2006-01-02 15:04"), state, options))
	importance := widget.MediumImportance
	if e.Expired(now) {
		importance = widget.LowImportance
	}
	title.Importance, detail.Importance = importance, importance
	title.Refresh()
	detail.Refresh()
	buttons := row.Objects[1].(*fyne.Container).Objects
	buttons[0].(*widget.Button).OnTapped = func() {
		fyne.CurrentApp().Clipboard().SetContent(e.ShareLink)
		h.status.SetText(fmt.Sprintf(lang.L("Copied the share link for %s."), e.Key))
	}
	buttons[1].(*widget.Button).OnTapped = func() { showQRDialog(h.win, e.ShareLink) }
	buttons[2].(*widget.Button).OnTapped = func() { h.onDelete(e) }
}

// reload reads the history off the UI goroutine; note, if set, is shown
// above the list once it is read.
func (h *historyTab) reload(note ...string) {
	if h.svc.History == nil {
		return
	}
	go func() {
		entries, err := h.svc.History.List()
		fyne.Do(func() { h.showEntries(entries, err, note) })
	}()
}

// showEntries takes a freshly read history; on the UI goroutine.
func (h *historyTab) showEntries(entries []history.Entry, err error, note []string) {
	h.entries = entries
	h.list.Refresh()
	switch {
	case err != nil:
		h.status.SetText(errorSentence(err))
	case len(note) > 0:
		h.status.SetText(note[0])
	case len(entries) == 0:
		h.status.SetText(lang.L("Links you create appear here."))
	default:
		h.status.SetText("")
	}
}

func (h *historyTab) onDelete(e history.Entry) {
	h.change(func() (string, error) { return "", h.svc.History.Delete(e.ID) })
}

func (h *historyTab) onClearExpired() {
	h.change(func() (string, error) {
		n, err := h.svc.History.ClearExpired(h.svc.Now())
		return fmt.Sprintf(lang.L("Removed %d expired links."), n), err
	})
}

// change runs a history change off the UI goroutine, then reloads the list
// with the change's note, or shows why it failed.
func (h *historyTab) change(work func() (note string, err error)) {
	go func() {
		note, err := work()
		fyne.Do(func() { h.changed(note, err) })
	}()
}

func (h *historyTab) changed(note string, err error) {
	if err != nil {
		h.status.SetText(errorSentence(err))
		return
	}
	if note == "" {
		h.reload()
		return
	}
	h.reload(note)
}

// showQRDialog shows a share link's QR code again.
func showQRDialog(win fyne.Window, shareLink string) {
	qr, err := signing.EncodeQR(shareLink)
	if err != nil {
		dialog.ShowError(err, win)
		return
	}
	img := canvasQR(qr)
	d := dialog.NewCustom(lang.L("QR code"), lang.L("Close"), img, win)
	d.Show()
}
