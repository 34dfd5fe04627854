package ui

import (
	"fmt"
	"strings"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/ossdrop/ossdrop/app/arrivals"
	"github.com/ossdrop/ossdrop/app/history"
	"github.com/ossdrop/ossdrop/signing"
)

// maxMenuFiles is how many of a request link's files the Get menu lists.
const maxMenuFiles = 20

// historyTab lists every issued link, newest first, with what arrived
// through each upload link; expired ones are greyed.
type historyTab struct {
	win      fyne.Window
	svc      *Services
	entries  []history.Entry
	statuses map[string]arrivals.Status
	// lookup finds the account that signs for a profile, and store
	// remembers downloads: both the window's arrivalWatch's.
	lookup arrivals.Lookup
	store  *arrivals.Store
	// onHistoryChanged is told when this tab added a link (a download link).
	onHistoryChanged func()

	list    *widget.List
	status  *widget.Label
	content fyne.CanvasObject

	// work counts the goroutines this tab started (reads, changes,
	// downloads, signing), so that a test can wait for them to finish.
	work sync.WaitGroup
}

// background runs f off the UI goroutine, counted in h.work.
func (h *historyTab) background(f func()) {
	h.work.Add(1)
	go func() {
		defer h.work.Done()
		f()
	}()
}

func newHistoryTab(win fyne.Window, svc *Services) *historyTab {
	h := &historyTab{win: win, svc: svc, statuses: map[string]arrivals.Status{}}
	h.status = &widget.Label{Wrapping: textWrap()}
	h.list = widget.NewList(
		func() int { return len(h.entries) },
		func() fyne.CanvasObject { return newHistoryRow() },
		func(i widget.ListItemID, obj fyne.CanvasObject) {
			if i < len(h.entries) { // a row laid out as the list shrinks
				h.fillRow(h.entries[i], obj.(*historyRow))
			}
		})
	clear := &widget.Button{Text: lang.L("Clear expired"), Icon: theme.DeleteIcon(), OnTapped: h.onClearExpired}
	h.content = container.NewBorder(container.NewVBox(h.status), container.NewHBox(clear), nil, nil, h.list)
	return h
}

func (h *historyTab) fillRow(e history.Entry, row *historyRow) {
	var st *arrivals.Status
	if s, ok := h.statuses[e.ID]; ok {
		st = &s
	}
	row.show(viewOf(e, st, h.svc.Now()))
	row.copyLink.OnTapped = func() {
		fyne.CurrentApp().Clipboard().SetContent(e.ShareLink)
		h.status.SetText(fmt.Sprintf(lang.L("Copied the share link for %s."), e.Key))
	}
	row.qr.OnTapped = func() { showQRDialog(h.win, e.ShareLink) }
	row.drop.OnTapped = func() { h.onDelete(e) }
	row.get.OnTapped = func() {
		if st == nil {
			return
		}
		menu := h.getMenu(e, *st)
		c := fyne.CurrentApp().Driver().CanvasForObject(row.get)
		widget.ShowPopUpMenuAtRelativePosition(menu, c, fyne.NewPos(0, row.get.Size().Height), row.get)
	}
}

// getMenu offers what can be done with the files that arrived through e:
// for one file, its actions; for a request link, a submenu per file.
func (h *historyTab) getMenu(e history.Entry, st arrivals.Status) *fyne.Menu {
	if e.Prefix == "" && len(st.Objects) == 1 {
		return fyne.NewMenu("", h.objectItems(e, st.Objects[0])...)
	}
	var items []*fyne.MenuItem
	for i, o := range st.Objects {
		if i == maxMenuFiles {
			more := fyne.NewMenuItem(fmt.Sprintf(lang.L("%d more: use ossdrop download"), len(st.Objects)-maxMenuFiles), nil)
			more.Disabled = true
			items = append(items, more)
			break
		}
		item := fyne.NewMenuItem(strings.TrimPrefix(o.Key, e.Prefix), nil)
		item.ChildMenu = fyne.NewMenu("", h.objectItems(e, o)...)
		items = append(items, item)
	}
	return fyne.NewMenu("", items...)
}

// objectItems are the actions on one arrived file.
func (h *historyTab) objectItems(e history.Entry, o arrivals.Object) []*fyne.MenuItem {
	download := fyne.NewMenuItem(lang.L("Download…"), func() { h.onDownload(e, o) })
	download.Icon = theme.DownloadIcon()
	link := fyne.NewMenuItem(lang.L("Copy a download link…"), func() { h.onDownloadLink(e, o) })
	link.Icon = theme.ContentCopyIcon()
	reveal := fyne.NewMenuItem(lang.L("Show the downloaded copy"), func() { h.onReveal(o) })
	reveal.Icon = theme.FolderOpenIcon()
	if _, ok := h.downloadedAs(o); !ok {
		reveal.Disabled = true
	}
	return []*fyne.MenuItem{download, link, reveal}
}

// setStatuses takes the watcher's latest findings; on the UI goroutine.
func (h *historyTab) setStatuses(s map[string]arrivals.Status) {
	h.statuses = s
	h.list.Refresh()
}

// reload reads the history off the UI goroutine; note, if set, is shown
// above the list once it is read.
func (h *historyTab) reload(note ...string) {
	if h.svc.History == nil {
		return
	}
	h.background(func() {
		entries, err := h.svc.History.List()
		fyne.Do(func() { h.showEntries(entries, err, note) })
	})
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
		h.status.SetText(lang.L("Upload links are checked every minute while OSS Drop runs: you get a notification when a file arrives."))
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
	h.background(func() {
		note, err := work()
		fyne.Do(func() { h.changed(note, err) })
	})
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
