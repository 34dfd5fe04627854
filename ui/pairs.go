package ui

import (
	"fmt"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// pairList is an editable list of name/value rows with add and remove
// buttons, used for user metadata and custom callback variables.
type pairList struct {
	rows      []*pairRow
	box       *fyne.Container
	container *fyne.Container
	nameHint  string
	valueHint string
	onChanged func()
}

func newPairList(addLabel, nameHint, valueHint string, onChanged func()) *pairList {
	l := &pairList{box: container.NewVBox(), nameHint: nameHint, valueHint: valueHint, onChanged: onChanged}
	add := &widget.Button{Text: addLabel, Icon: theme.ContentAddIcon(), Importance: widget.LowImportance, OnTapped: func() { l.add("", "") }}
	l.container = container.NewVBox(l.box, container.NewHBox(add))
	return l
}

// pairRow is one name/value row and the box that shows it.
type pairRow struct {
	name, value *widget.Entry
	box         fyne.CanvasObject
}

// add appends a row, pre-filled.
func (l *pairList) add(name, value string) {
	changed := func(string) { l.onChanged() }
	n := &widget.Entry{PlaceHolder: l.nameHint, Text: name, OnChanged: changed}
	v := &widget.Entry{PlaceHolder: l.valueHint, Text: value, OnChanged: changed}
	row := &pairRow{name: n, value: v}
	remove := &widget.Button{Icon: theme.DeleteIcon(), Importance: widget.LowImportance, OnTapped: func() { l.remove(row) }}
	row.box = container.NewBorder(nil, nil, nil, remove, container.NewGridWithColumns(2, n, v))
	l.rows = append(l.rows, row)
	l.box.Add(row.box)
	l.onChanged()
}

func (l *pairList) remove(row *pairRow) {
	l.rows = slices.DeleteFunc(l.rows, func(r *pairRow) bool { return r == row })
	l.box.Remove(row.box)
	l.onChanged()
}

// values returns the rows as a map; empty rows are skipped, a value
// without a name or a name given twice is an error.
func (l *pairList) values() (map[string]string, error) {
	m := map[string]string{}
	for _, row := range l.rows {
		name, value := strings.TrimSpace(row.name.Text), row.value.Text
		switch {
		case name == "" && value == "":
			continue
		case name == "":
			return nil, fmt.Errorf(lang.L("The value %q has no name: type a name or remove the row."), value)
		}
		if _, dup := m[name]; dup {
			return nil, fmt.Errorf(lang.L("The name %q appears twice: remove one of the rows."), name)
		}
		m[name] = value
	}
	if len(m) == 0 {
		return nil, nil
	}
	return m, nil
}
