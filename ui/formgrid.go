package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
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
