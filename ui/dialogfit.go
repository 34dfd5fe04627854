package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
)

// dialogMargin is the least room between a dialog and the window's edges.
const dialogMargin = 20

// fitDialog sizes d to width (less where the window is narrower) and to
// the height its content asks for. Dialogs were given a fixed height, which
// left a band of empty space under short content (The file exists, Add an
// AccessKey) and cut long content off at 800 by 600; content that may not
// fit the window scrolls inside a dialogBody.
func fitDialog(d dialog.Dialog, win fyne.Window, width float32) {
	if w := win.Canvas().Size().Width; w > 0 {
		width = min(width, w-2*dialogMargin)
	}
	d.Resize(fyne.NewSize(width, 0))
}

// dialogBody is the content of a dialog that may be taller than the
// window: a part that scrolls, and a foot under it that stays in view (a
// message about the dialog's buttons). It asks for the whole height of the
// scrolled part up to what the window leaves, so the dialog is as tall as
// what it shows and scrolls only what the window cannot hold, and its
// buttons never leave it.
type dialogBody struct {
	win    fyne.Window
	scroll *container.Scroll
	foot   fyne.CanvasObject
	// chrome is the height of the dialog around the body: title, padding
	// and its own buttons (measured by fit).
	chrome float32
	box    *fyne.Container
	// dialog is the dialog the body is in, once fit knows it.
	dialog dialog.Dialog
}

// newDialogBody scrolls content above foot (which may be nil) in win.
func newDialogBody(win fyne.Window, content, foot fyne.CanvasObject) *dialogBody {
	b := &dialogBody{win: win, scroll: container.NewVScroll(content), foot: foot}
	objects := []fyne.CanvasObject{b.scroll}
	if foot != nil {
		objects = append(objects, foot)
	}
	b.box = container.New(b, objects...)
	return b
}

// fit measures the dialog around the body and sizes it as fitDialog does.
// Call it once the dialog holds the body.
func (b *dialogBody) fit(d dialog.Dialog, width float32) {
	b.dialog = d
	b.chrome = 0
	b.chrome = d.MinSize().Height - b.box.MinSize().Height
	fitDialog(d, b.win, width)
}

// relayout lays the body and its dialog out again after the content
// changed; call it after every change that may change its size. Fyne
// lays a container out again when a child's minimum size changes, but it
// keeps one such container per frame: when a field's message appeared and
// a label further down changed its text in the same frame, the form grew
// and the lines under it stayed where they were, drawn over its last row.
// And a dialog that grows sizes its content by where its buttons were
// before it grew, until it is laid out once more: the form ended a band
// of empty dialog above the buttons. Refreshing the dialog lays it out
// twice.
func (b *dialogBody) relayout() {
	b.scroll.Content.Refresh()
	b.scroll.Refresh()
	b.box.Refresh()
	if b.dialog != nil {
		b.dialog.Refresh()
	}
}

// footHeight is the height the foot asks for, and the padding above it.
func (b *dialogBody) footHeight() float32 {
	if b.foot == nil || !b.foot.Visible() {
		return 0
	}
	return b.foot.MinSize().Height + theme.Padding()
}

// MinSize is as wide as the widest part, and as high as all of the content
// and the foot, or as the window leaves when that is less.
func (b *dialogBody) MinSize([]fyne.CanvasObject) fyne.Size {
	content, scroll := b.scroll.Content.MinSize(), b.scroll.MinSize()
	width := max(content.Width, scroll.Width)
	if b.foot != nil && b.foot.Visible() {
		width = max(width, b.foot.MinSize().Width)
	}
	height := content.Height
	if room := b.win.Canvas().Size().Height - b.chrome - 2*dialogMargin - b.footHeight(); room > 0 {
		height = min(height, room)
	}
	return fyne.NewSize(width, max(height, scroll.Height)+b.footHeight())
}

// Layout gives the foot its height at the bottom and the scroll the rest.
func (b *dialogBody) Layout(_ []fyne.CanvasObject, size fyne.Size) {
	foot := b.footHeight()
	b.scroll.Move(fyne.NewPos(0, 0))
	b.scroll.Resize(fyne.NewSize(size.Width, size.Height-foot))
	if foot > 0 {
		b.foot.Move(fyne.NewPos(0, size.Height-foot+theme.Padding()))
		b.foot.Resize(fyne.NewSize(size.Width, foot-theme.Padding()))
	}
}
