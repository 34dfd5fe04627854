package ui

import (
	"fmt"
	"time"
	"unicode/utf8"

	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/ossdrop/ossdrop/signing"
)

// takenNote is the Create form's row under the key when Create found the
// key already holding a file: a link with overwrite protection could only
// be refused there. It says what is stored, offers the free key the check
// found, and lets an owner who will free the key create the link anyway.
// It goes as soon as the form describes another link.
type takenNote struct {
	row     *formRow
	text    *widget.Label
	useFree *widget.Button
	anyway  *widget.Button
	// free is the key useFree takes into the form.
	free string
	// form is the form the note was said about (formPrint); "" when hidden.
	form string
}

// maxKeyInButton is the longest free key the button names itself.
const maxKeyInButton = 24

// newTakenNote adds the (hidden) row to grid; use takes the free key into
// the form, anyway creates the link as it is.
func newTakenNote(grid *formGrid, use func(key string), anyway func()) *takenNote {
	n := &takenNote{
		text:    &widget.Label{Wrapping: textWrap(), Importance: widget.WarningImportance},
		useFree: &widget.Button{Importance: widget.HighImportance},
		// History then says the key was taken when the link was made.
		anyway: &widget.Button{Text: lang.L("Create it anyway"), Importance: widget.LowImportance, OnTapped: anyway},
	}
	n.useFree.OnTapped = func() { use(n.free) }
	n.row = grid.add("", container.NewVBox(n.text, container.NewHBox(n.useFree, n.anyway)))
	n.row.setVisible(false)
	return n
}

// shown reports whether the note is up.
func (n *takenNote) shown() bool { return n.form != "" }

// show says that req's key holds the file check found, for the form form.
func (n *takenNote) show(form string, req signing.Request, check keyCheck, now time.Time) {
	x := check.existing
	stored := fmt.Sprintf(lang.L("%s already holds a file (%s, stored %s)."), req.Bucket+"/"+req.Key, formatSize(x.Size), formatDateTime(x.LastModified, now))
	n.free = check.free
	if n.free == "" {
		n.text.SetText(stored + "\n" + lang.L("With overwrite protection on, a link for it could only be refused: choose another key, or turn overwrite protection off to replace the file."))
		n.useFree.Hide()
	} else {
		n.text.SetText(stored + "\n" + fmt.Sprintf(lang.L("With overwrite protection on, a link for it could only be refused: use %s, which is free, or turn overwrite protection off to replace the file."), n.free))
		// A long key is named in the sentence above: a button as wide as
		// it would widen the whole form.
		n.useFree.SetText(lang.L("Use the free key"))
		if utf8.RuneCountInString(n.free) <= maxKeyInButton {
			n.useFree.SetText(fmt.Sprintf(lang.L("Use %s"), n.free))
		}
		n.useFree.Show()
	}
	n.form = form
	n.row.setVisible(true)
}

// formChanged hides the note once the form no longer reads as it did.
func (n *takenNote) formChanged(form string) {
	if n.form != "" && n.form != form {
		n.hide()
	}
}

func (n *takenNote) hide() {
	n.form = ""
	n.row.setVisible(false)
}
