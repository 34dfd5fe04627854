package ui

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// tipDelay is how long the pointer rests on a button before its tip
// shows; tests set 0.
var tipDelay = 600 * time.Millisecond

// tipLayer draws one tooltip above a window's content. Fyne 2.7 has no
// tooltips, and a pop-up would be an overlay that takes the next click
// away from the button under it; a label in a layer above the content
// takes no events, so the button still gets its click.
type tipLayer struct {
	text  *widget.Label
	box   *fyne.Container
	layer *fyne.Container
	// shown is the button whose tip shows, or is about to.
	shown *tipButton
}

func newTipLayer() *tipLayer {
	t := &tipLayer{text: &widget.Label{}}
	bg := canvas.NewRectangle(theme.Color(theme.ColorNameOverlayBackground))
	bg.StrokeColor, bg.StrokeWidth, bg.CornerRadius = theme.Color(theme.ColorNameShadow), 1, theme.InputRadiusSize()
	t.box = container.NewStack(bg, t.text)
	t.box.Hide()
	t.layer = container.NewWithoutLayout(t.box)
	return t
}

// show puts text under (or, at the window's bottom, above) anchor.
func (t *tipLayer) show(text string, anchor fyne.CanvasObject) {
	c := fyne.CurrentApp().Driver().CanvasForObject(anchor)
	if c == nil {
		return
	}
	t.text.SetText(text)
	size := t.box.MinSize()
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(anchor)
	win := c.Size()
	at := fyne.NewPos(pos.X+anchor.Size().Width/2-size.Width/2, pos.Y+anchor.Size().Height+theme.Padding())
	if at.Y+size.Height > win.Height {
		at.Y = pos.Y - size.Height - theme.Padding()
	}
	at.X = max(0, min(at.X, win.Width-size.Width))
	t.box.Move(at)
	t.box.Resize(size)
	t.box.Show()
	t.layer.Refresh()
}

func (t *tipLayer) hide() {
	t.shown = nil
	t.box.Hide()
}

// tipButton is a button that says what it does when the pointer rests on
// it: for buttons that show only an icon.
type tipButton struct {
	widget.Button
	tip  string
	tips *tipLayer
}

// newTipButton makes an icon button with a tooltip; tips may be nil (no
// window layer, as in dialogs), and then the tip never shows.
func newTipButton(icon fyne.Resource, tip string, tips *tipLayer, tapped func()) *tipButton {
	b := &tipButton{tip: tip, tips: tips}
	b.Icon, b.Importance, b.OnTapped = icon, widget.LowImportance, tapped
	b.ExtendBaseWidget(b)
	return b
}

// MouseIn shows the tip once the pointer has rested a moment.
func (b *tipButton) MouseIn(e *desktop.MouseEvent) {
	b.Button.MouseIn(e)
	if b.tips == nil || b.tip == "" {
		return
	}
	b.tips.shown = b
	if tipDelay == 0 {
		b.tips.show(b.tip, b)
		return
	}
	time.AfterFunc(tipDelay, func() {
		toUI(func() {
			if b.tips.shown == b {
				b.tips.show(b.tip, b)
			}
		})
	})
}

// MouseOut takes the tip away.
func (b *tipButton) MouseOut() {
	b.Button.MouseOut()
	if b.tips != nil && b.tips.shown == b {
		b.tips.hide()
	}
}

// Tapped takes the tip away too: it has been read, or was not needed.
func (b *tipButton) Tapped(e *fyne.PointEvent) {
	if b.tips != nil && b.tips.shown == b {
		b.tips.hide()
	}
	b.Button.Tapped(e)
}
