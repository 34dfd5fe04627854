package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// formGrid is a two-column form, labels right-aligned beside their fields
// as in widget.Form, whose rows can be hidden and relabelled: widget.Form
// cannot hide a row, so a row that applies only sometimes (the STS token,
// a custom endpoint, a request link's sizes) would need a second form
// whose label column does not line up with the first.
type formGrid struct {
	box *fyne.Container
}

// formRow is one label and its field.
type formRow struct {
	label *widget.Label
	field fyne.CanvasObject
}

func newFormGrid() *formGrid {
	return &formGrid{box: container.New(layout.NewFormLayout())}
}

// add appends a row; an empty label leaves the label cell blank.
func (g *formGrid) add(label string, field fyne.CanvasObject) *formRow {
	r := &formRow{label: &widget.Label{Text: label, TextStyle: fyne.TextStyle{Bold: true}, Alignment: fyne.TextAlignTrailing}, field: field}
	g.box.Add(r.label)
	g.box.Add(field)
	return r
}

// setVisible shows or hides the whole row; the form layout skips a row
// whose two cells are hidden.
func (r *formRow) setVisible(visible bool) {
	if visible {
		r.label.Show()
		r.field.Show()
		return
	}
	r.label.Hide()
	r.field.Hide()
}

// setLabel relabels the row.
func (r *formRow) setLabel(text string) { r.label.SetText(text) }

// withMessage stacks a field and the label for its message in a cell that
// always has room for one line of message under the field, shown or not:
// a message appearing as the user types then leaves every other field
// where it was, so a click aimed at the next one lands on it. A message
// of more lines still takes the room it needs.
func withMessage(field fyne.CanvasObject, msg *widget.Label) *fyne.Container {
	return container.New(messageLayout{}, field, msg)
}

// messageLayout places a field and its message label (withMessage). The
// label's text sits right under the field: the label's own padding above
// its text overlaps the field's cell, its padding below the gap to the
// next row.
type messageLayout struct{}

// messageGap is the space between a field and its message's text.
const messageGap = 2

// messageText is the height of the message's text: at least one line.
func (messageLayout) messageText(msg fyne.CanvasObject) float32 {
	line := fyne.MeasureText("M", theme.TextSize(), fyne.TextStyle{}).Height
	if !msg.Visible() {
		return line
	}
	return max(line, msg.MinSize().Height-2*theme.InnerPadding())
}

func (l messageLayout) MinSize(objects []fyne.CanvasObject) fyne.Size {
	field, msg := objects[0].MinSize(), objects[1].MinSize()
	return fyne.NewSize(max(field.Width, msg.Width), field.Height+messageGap+l.messageText(objects[1]))
}

func (l messageLayout) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	field, msg := objects[0], objects[1]
	h := field.MinSize().Height
	field.Move(fyne.NewPos(0, 0))
	field.Resize(fyne.NewSize(size.Width, h))
	msg.Move(fyne.NewPos(0, h+messageGap-theme.InnerPadding()))
	msg.Resize(fyne.NewSize(size.Width, l.messageText(msg)+2*theme.InnerPadding()))
}
