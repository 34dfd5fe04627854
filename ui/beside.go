package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// besideLayout puts a side panel (the result card's QR code) to the right
// of a main column when the two fit side by side, and under it, centred,
// when they do not. A border layout kept the panel beside the column at
// every width, so the window could not be narrower than the column's
// widest line plus the panel: 960 pixels once a link was made, and at 800
// the QR code was cut in half.
//
// Its objects are the main column and the panel, in that order.
type besideLayout struct {
	// width is the width of the last layout: the height the layout asks
	// for is that of the arrangement this width gives, as a wrapping
	// label's height is that of its last width.
	width float32
}

// minMainWidth is the narrowest the main column gets beside the panel,
// whatever its own minimum: narrower, a link wraps into a long thin
// column and the panel goes under it instead.
const minMainWidth = 400

// beside reports whether, at width, the panel goes beside the main column.
func (l *besideLayout) beside(width float32, main, side fyne.Size) bool {
	return width >= max(main.Width, minMainWidth)+theme.Padding()+side.Width
}

// MinSize is as wide as the wider of the two objects (the panel goes under
// the column when the window is narrow), and as high as the arrangement of
// the last layout.
func (l *besideLayout) MinSize(objects []fyne.CanvasObject) fyne.Size {
	main, side := objects[0].MinSize(), objects[1].MinSize()
	if !objects[1].Visible() {
		return main
	}
	if l.beside(l.width, main, side) {
		return fyne.NewSize(max(main.Width, side.Width), max(main.Height, side.Height))
	}
	return fyne.NewSize(max(main.Width, side.Width), main.Height+theme.Padding()+side.Height)
}

// Layout places the panel beside the column, at its top right, or under it,
// centred.
func (l *besideLayout) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	l.width = size.Width
	mainObj, sideObj := objects[0], objects[1]
	if !sideObj.Visible() {
		mainObj.Move(fyne.NewPos(0, 0))
		mainObj.Resize(size)
		return
	}
	main, side := mainObj.MinSize(), sideObj.MinSize()
	if l.beside(size.Width, main, side) {
		mainObj.Move(fyne.NewPos(0, 0))
		mainObj.Resize(fyne.NewSize(size.Width-side.Width-theme.Padding(), size.Height))
		sideObj.Move(fyne.NewPos(size.Width-side.Width, 0))
		sideObj.Resize(side)
		return
	}
	mainHeight := max(main.Height, size.Height-side.Height-theme.Padding())
	mainObj.Move(fyne.NewPos(0, 0))
	mainObj.Resize(fyne.NewSize(size.Width, mainHeight))
	sideObj.Move(fyne.NewPos((size.Width-side.Width)/2, mainHeight+theme.Padding()))
	sideObj.Resize(side)
}
