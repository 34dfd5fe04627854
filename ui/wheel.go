package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// wheelScroll is a vertical scroll whose mouse wheel works over the whole
// of its content. Fyne gives a wheel event to the innermost scrollable
// object under the pointer, and every entry holds a scroller of its own:
// over a form, whose entries cover most of its width, the wheel did
// nothing. A transparent layer above the scroll takes the wheel events
// (the last object drawn is the innermost) and hands them to the scroll;
// taps, hovers and drags still reach the entries, because the layer takes
// none of them.
func wheelScroll(content fyne.CanvasObject) (scroll *container.Scroll, view fyne.CanvasObject) {
	scroll = container.NewVScroll(content)
	w := &wheelForwarder{to: scroll}
	w.ExtendBaseWidget(w)
	return scroll, container.NewStack(scroll, w)
}

// wheelForwarder passes wheel events to a scroll and is otherwise not there.
type wheelForwarder struct {
	widget.BaseWidget
	to fyne.Scrollable
}

// Scrolled hands the event on.
func (w *wheelForwarder) Scrolled(ev *fyne.ScrollEvent) { w.to.Scrolled(ev) }

// CreateRenderer draws nothing.
func (w *wheelForwarder) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(canvas.NewRectangle(color.Transparent))
}
