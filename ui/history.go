package ui

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/ossdrop/ossdrop/app/arrivals"
	"github.com/ossdrop/ossdrop/app/credentials"
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
	// onUnchecked is told when the list shows upload links that have no
	// status yet (made by the command line while the app runs).
	onUnchecked func()

	list   *widget.List
	status *widget.Label
	// empty stands in the list's place while it has no links: an empty
	// list said nothing at all.
	empty   *widget.Label
	content fyne.CanvasObject
	// undo brings back the link removed last; hidden when there is none.
	undo    *widget.Button
	removed *removedLink
	// tips is the window's tooltip layer, for the rows' icon buttons.
	tips *tipLayer
	// ticker keeps the rows' countdowns live while the tab shows.
	ticker ticker

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
		func() fyne.CanvasObject { return newHistoryRow(h.tips) },
		func(i widget.ListItemID, obj fyne.CanvasObject) {
			if i < len(h.entries) { // a row laid out as the list shrinks
				h.fillRow(h.entries[i], obj.(*historyRow))
			}
		})
	h.list.OnSelected = func(id widget.ListItemID) {
		h.list.Unselect(id)
		if id < len(h.entries) {
			h.showDetails(h.entries[id])
		}
	}
	clear := &widget.Button{Text: lang.L("Clear expired"), Icon: theme.DeleteIcon(), OnTapped: h.onClearExpired}
	h.undo = &widget.Button{Text: lang.L("Undo"), Icon: theme.ContentUndoIcon(), OnTapped: h.onUndo}
	h.undo.Hide()
	h.empty = &widget.Label{Text: lang.L("No links yet. The links you create appear here, with what arrives through each of them."), Wrapping: textWrap(), Importance: widget.LowImportance}
	h.empty.Hide()
	h.content = container.NewBorder(container.NewBorder(nil, nil, nil, h.undo, h.status), container.NewHBox(clear), nil, nil,
		container.NewStack(h.list, container.NewVBox(h.empty)))
	return h
}

// shown starts or stops the rows' countdowns as the tab shows or hides.
func (h *historyTab) shown(visible bool) {
	if !visible {
		h.ticker.cancel()
		return
	}
	h.ticker.start(h.list.Refresh)
}

func (h *historyTab) fillRow(e history.Entry, row *historyRow) {
	var st *arrivals.Status
	if s, ok := h.statuses[e.ID]; ok {
		st = &s
	}
	row.show(viewOf(e, st, h.svc.Now()))
	row.copyLink.OnTapped = func() { h.withLink(e, h.copied(e)) }
	row.qr.OnTapped = func() { h.withLink(e, func(share string) { showQRDialog(h.win, e, share) }) }
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

// setStatus takes one link's status as soon as its check ended, before
// the round's others; on the UI goroutine.
func (h *historyTab) setStatus(st arrivals.Status) {
	s := maps.Clone(h.statuses) // the map the last round handed over is its own
	if s == nil {
		s = map[string]arrivals.Status{}
	}
	s[st.EntryID] = st
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
		toUI(func() { h.showEntries(entries, err, note) })
	})
}

// showEntries takes a freshly read history; on the UI goroutine.
func (h *historyTab) showEntries(entries []history.Entry, err error, note []string) {
	h.entries = entries
	h.list.Refresh()
	now := h.svc.Now()
	if h.onUnchecked != nil && slices.ContainsFunc(entries, func(e history.Entry) bool {
		_, known := h.statuses[e.ID]
		return !known && arrivals.Due(e, now)
	}) {
		h.onUnchecked()
	}
	if len(entries) == 0 && err == nil {
		h.empty.Show()
	} else {
		h.empty.Hide()
	}
	switch {
	case err != nil:
		setOrHide(h.status, errorSentence(err))
	case len(note) > 0:
		setOrHide(h.status, note[0])
	case len(entries) == 0:
		h.status.Hide() // the empty list says it
	default:
		setOrHide(h.status, lang.L("Upload links are checked every minute while OSS Drop runs: you get a notification when a file arrives."))
	}
}

// withLink hands e's share link to use on the UI goroutine; a link signed
// with STS credentials is read from the keychain first, off it.
func (h *historyTab) withLink(e history.Entry, use func(share string)) {
	if !e.STS {
		use(e.ShareLink)
		return
	}
	h.background(func() {
		share, err := h.svc.shareLinkOf(e)
		toUI(func() {
			if err != nil {
				h.status.SetText(linkNotKeptText(e, err))
				return
			}
			use(share)
		})
	})
}

// copied copies the link people open: the page link when the link had
// one, else the share link.
func (h *historyTab) copied(e history.Entry) func(string) {
	return func(share string) {
		text, what := entryQRText(e, share)
		fyne.CurrentApp().Clipboard().SetContent(text)
		h.status.SetText(fmt.Sprintf(lang.L("Copied the %s for %s."), what, e.Bucket+"/"+e.Key+e.Prefix))
	}
}

// linkNotKeptText says why an STS-signed link cannot be shown again.
func linkNotKeptText(e history.Entry, err error) string {
	if errors.Is(err, errLinkNotKept) {
		return fmt.Sprintf(lang.L("The link for %s was not kept: it carries an STS token, which OSS Drop keeps only in the OS keychain, and the keychain was not available when it was made."), e.Bucket+"/"+e.Key+e.Prefix)
	}
	return errorSentence(err)
}

// removedLink is the last link removed, kept so that Undo can bring it
// back: the entry and, for an STS-signed link, its share link, which left
// the keychain with it.
type removedLink struct {
	entry history.Entry
	share string
}

// onDelete removes e at once and offers Undo: a question for every row
// would slow down tidying, and nothing is lost.
func (h *historyTab) onDelete(e history.Entry) {
	h.change(func() (string, error) {
		share, _ := h.svc.shareLinkOf(e) // an STS link's share link, from the keychain
		if err := h.svc.History.Delete(e.ID); err != nil {
			return "", err
		}
		h.forgetLink(e)
		toUI(func() { h.offerUndo(&removedLink{entry: e, share: share}) })
		return fmt.Sprintf(lang.L("Removed the link for %s."), e.Bucket+"/"+e.Key+e.Prefix), nil
	})
}

// forgetLink removes an STS-signed link's share link from the keychain;
// off the UI goroutine.
func (h *historyTab) forgetLink(e history.Entry) {
	if e.STS && h.svc.Keychain != nil {
		if err := h.svc.Keychain.Delete(credentials.LinkItem(e.ID)); err != nil {
			fyne.LogError("remove a link from the keychain", err)
		}
	}
}

func (h *historyTab) offerUndo(r *removedLink) {
	h.removed = r
	h.undo.Show()
}

// onUndo puts the link removed last back, as it was.
func (h *historyTab) onUndo() {
	r := h.removed
	h.removed = nil
	h.undo.Hide()
	if r == nil {
		return
	}
	h.change(func() (string, error) {
		if r.entry.STS && r.share != "" && h.svc.Keychain != nil {
			if err := h.svc.Keychain.Set(credentials.LinkItem(r.entry.ID), r.share); err != nil {
				fyne.LogError("put a link back in the keychain", err)
			}
		}
		if err := h.svc.History.Add(r.entry); err != nil {
			return "", err
		}
		return fmt.Sprintf(lang.L("The link for %s is back."), r.entry.Bucket+"/"+r.entry.Key+r.entry.Prefix), nil
	})
}

func (h *historyTab) onClearExpired() {
	h.removed = nil
	h.undo.Hide()
	h.change(func() (string, error) {
		before, _ := h.svc.History.List()
		n, err := h.svc.History.ClearExpired(h.svc.Now())
		if err == nil {
			for _, e := range before {
				if e.Expired(h.svc.Now()) {
					h.forgetLink(e)
				}
			}
		}
		return fmt.Sprintf(lang.L("Removed %d expired links."), n), err
	})
}

// moveTokens takes STS-signed links that an older OSS Drop kept in the
// history file out of it, into the keychain; off the UI goroutine.
func (h *historyTab) moveTokens() {
	if h.svc.History == nil {
		return
	}
	h.background(func() {
		n, err := h.svc.History.MoveTokens(func(id, share string) {
			if h.svc.Keychain != nil {
				if err := h.svc.Keychain.Set(credentials.LinkItem(id), share); err != nil {
					fyne.LogError("keep a link in the keychain", err)
				}
			}
		})
		if err != nil {
			fyne.LogError("move STS links out of the history", err)
		}
		if n > 0 {
			toUI(func() { h.reload() })
		}
	})
}

// change runs a history change off the UI goroutine, then reloads the list
// with the change's note, or shows why it failed.
func (h *historyTab) change(work func() (note string, err error)) {
	h.background(func() {
		note, err := work()
		toUI(func() { h.changed(note, err) })
	})
}

func (h *historyTab) changed(note string, err error) {
	if err != nil {
		setOrHide(h.status, errorSentence(err))
		return
	}
	if note == "" {
		h.reload()
		return
	}
	h.reload(note)
}

// entryQRText is what a phone needs for e: the page link when the link
// had an upload page (the phone's browser opens it), else the share link;
// what names it.
func entryQRText(e history.Entry, share string) (text, what string) {
	kind := signing.PageKindPut
	if e.IsRequestLink() {
		kind = signing.PageKindRequest
	}
	if e.PageURL != "" && e.Method != signing.MethodGet {
		if pl, err := signing.BuildPageLink(e.PageURL, kind, share); err == nil {
			return pl, lang.L("page link")
		}
	}
	if e.Method == signing.MethodGet {
		return share, lang.L("download link")
	}
	return share, lang.L("share link")
}

// showQRDialog shows the QR code of a history entry's link again, named by
// its key and saying what scanning it gives.
func showQRDialog(win fyne.Window, e history.Entry, share string) {
	text, _ := entryQRText(e, share)
	qr, err := signing.EncodeQR(text)
	if err != nil {
		dialog.ShowError(err, win)
		return
	}
	caption := lang.L("Scan to get the share link")
	switch {
	case text != share:
		caption = lang.L("Scan with a phone to open the upload page")
	case e.Method == signing.MethodGet:
		caption = lang.L("Scan to download the file")
	}
	note := &widget.Label{Text: caption, Alignment: fyne.TextAlignCenter, Importance: widget.LowImportance, Wrapping: textWrap()}
	d := dialog.NewCustom(fmt.Sprintf(lang.L("QR code for %s"), e.Bucket+"/"+e.Key+e.Prefix), lang.L("Close"), container.NewVBox(canvasQR(qr), note), win)
	d.Show()
}
