package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// dropHint covers the window while files are dragged over it, saying that
// a drop will be taken and where it goes: Fyne tells a window only about
// the drop itself, so the hint comes from the platform's drag messages
// (drag_x11.go; elsewhere it never shows).
type dropHint struct {
	text    *widget.Label
	overlay *fyne.Container
}

func newDropHint() *dropHint {
	h := &dropHint{text: &widget.Label{TextStyle: fyne.TextStyle{Bold: true}, Alignment: fyne.TextAlignCenter, Wrapping: textWrap()}}
	primary := theme.Color(theme.ColorNamePrimary)
	r, g, b, _ := primary.RGBA()
	veil := canvas.NewRectangle(color.NRGBA{R: uint8(r >> 8), G: uint8(g >> 8), B: uint8(b >> 8), A: 0x30})
	veil.StrokeColor, veil.StrokeWidth, veil.CornerRadius = primary, 3, theme.InputRadiusSize()
	card := container.NewStack(canvas.NewRectangle(theme.Color(theme.ColorNameOverlayBackground)),
		container.NewPadded(container.NewVBox(widget.NewIcon(theme.UploadIcon()), h.text)))
	h.overlay = container.NewStack(veil, container.NewCenter(container.NewGridWrap(fyne.NewSize(420, 110), card)))
	h.overlay.Hide()
	return h
}

// onDragEnter shows the hint: files dragged over the window are taken
// (accepted), or this drag holds no file and would be refused.
func (m *mainWindow) onDragEnter(accepted bool) {
	text := lang.L("Drop the file to upload it (the Upload tab takes it).")
	switch {
	case !accepted:
		text = lang.L("Only files can be dropped here.")
	case m.upload.isRequestLink():
		text = lang.L("Drop files or folders to add them to the upload queue.")
	}
	m.drop.text.SetText(text)
	m.drop.overlay.Show()
}

// onDragLeave takes the hint away (the drag left, or ended in a drop).
func (m *mainWindow) onDragLeave() {
	m.drop.overlay.Hide()
}
