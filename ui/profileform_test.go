package ui

import (
	"fmt"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/ossdrop/ossdrop/signing"
)

// TestProfileFormLayout: in English and Chinese, in the smallest window
// and a common one, the Add an AccessKey form keeps Cancel and Save
// inside the dialog and the window whatever messages show (they were
// pushed under its bottom edge), leaves every field where it was when a
// one-line message appears under the one being typed in (a click aimed at
// the next field landed elsewhere), draws no text over other text (a
// Chinese hint lay over the last row), and has no empty band under its
// buttons.
func TestProfileFormLayout(t *testing.T) {
	for _, locale := range []string{"C", "zh_CN.UTF-8"} {
		for _, size := range []fyne.Size{smallest, fyne.NewSize(1280, 800)} {
			t.Run(fmt.Sprintf("%s %vx%v", locale, size.Width, size.Height), func(t *testing.T) {
				inLanguage(t, locale)
				svc, _, _ := newFakeServices()
				test.NewTempApp(t)
				fyne.CurrentApp().Settings().SetTheme(newAppTheme())
				w := test.NewTempWindow(t, widget.NewLabel(""))
				w.Resize(size)
				d := showProfilesDialog(w, svc, nil)
				waitFor(t, "the profiles", func() bool { return len(d.profiles) == 1 })
				f := d.add()
				checkDialog(t, w, f, "a fresh form")

				next := absolute(f.keyID).Y
				test.Type(f.name, "my profile")
				if msg := f.errors[pfName]; !msg.Visible() || msg.Text == "" {
					t.Fatalf("no message for a name with a space: %q", msg.Text)
				}
				if got := absolute(f.keyID).Y; got != next {
					t.Errorf("the AccessKey ID field moved from y=%.0f to y=%.0f when the name's message appeared", next, got)
				}
				checkDialog(t, w, f, "a bad name")

				// Every message the form can show at once.
				f.keyID.SetText("TESTKYEXAMPLE")
				f.secret.SetText("x")
				f.sts.SetChecked(true)
				f.expires.SetText("tomorrow")
				f.endpointKind.SetSelectedIndex(int(signing.EndpointCustom))
				f.endpoint.SetText("ftp://files example com")
				f.bucket.SetText("Bad_Bucket")
				f.pageURL.SetText("not a page")
				shown := 0
				for _, l := range f.errors {
					if l.Visible() {
						shown++
					}
				}
				if shown < 5 {
					t.Fatalf("only %d messages show", shown)
				}
				checkDialog(t, w, f, "every message")
			})
		}
	}
}

// checkDialog checks that the form's buttons lie inside its dialog and the
// window, that nothing under its fields is drawn over another, and that
// the dialog ends right under its buttons.
func checkDialog(t *testing.T, w fyne.Window, f *profileForm, state string) {
	t.Helper()
	pop, ok := w.Canvas().Overlays().Top().(*widget.PopUp)
	if !ok {
		t.Fatalf("%s: no dialog", state)
	}
	box := pop.Content
	top, bottom := absolute(box).Y, absolute(box).Y+box.Size().Height
	win := w.Canvas().Size()
	for _, b := range []*widget.Button{f.save} {
		pos := absolute(b)
		if pos.Y < top || pos.Y+b.Size().Height > bottom || pos.Y+b.Size().Height > win.Height || pos.X+b.Size().Width > win.Width {
			t.Errorf("%s: %s spans y=%.0f to %.0f, the dialog %.0f to %.0f, the window %.0f high", state, b.Text, pos.Y, pos.Y+b.Size().Height, top, bottom, win.Height)
		}
		// The body ends right above the buttons: nothing empty between.
		if body := absolute(f.body.box).Y + f.body.box.Size().Height; pos.Y-body > 2*theme.Padding()+16 {
			t.Errorf("%s: %.0f pixels of empty dialog between the form (down to y=%.0f) and its buttons", state, pos.Y-body, body)
		}
		if gap := bottom - (pos.Y + b.Size().Height); gap > 20 { // the dialog's own margin is 16
			t.Errorf("%s: %.0f pixels of empty dialog under the buttons", state, gap)
		}
	}
	type drawn struct {
		what     string
		from, to fyne.Position
	}
	var all []drawn
	collect(f.body.scroll.Content, func(o fyne.CanvasObject, what string) {
		pos, size := absolute(o), o.Size()
		if _, ok := o.(*widget.Label); ok { // its text, inside its padding
			pos.Y += theme.InnerPadding()
			size.Height -= 2 * theme.InnerPadding()
		}
		all = append(all, drawn{what, pos, pos.Add(size)})
	})
	for i, a := range all {
		for _, b := range all[i+1:] {
			if a.from.X < b.to.X && b.from.X < a.to.X && a.from.Y < b.to.Y && b.from.Y < a.to.Y {
				t.Errorf("%s: %s (y=%.0f to %.0f) and %s (y=%.0f to %.0f) overlap", state, a.what, a.from.Y, a.to.Y, b.what, b.from.Y, b.to.Y)
			}
		}
	}
}

// collect visits the visible fields and texts under o, without looking
// inside them.
func collect(o fyne.CanvasObject, visit func(fyne.CanvasObject, string)) {
	if !o.Visible() {
		return
	}
	switch x := o.(type) {
	case *widget.Label:
		if x.Text != "" {
			visit(o, fmt.Sprintf("the text %q", x.Text))
		}
	case *widget.Entry:
		visit(o, fmt.Sprintf("the entry %q", x.PlaceHolder+x.Text))
	case *widget.SelectEntry, *widget.Select, *widget.Check:
		visit(o, fmt.Sprintf("the %T", o))
	case *fyne.Container:
		for _, c := range x.Objects {
			collect(c, visit)
		}
	}
}

// absolute is where o is in its window.
func absolute(o fyne.CanvasObject) fyne.Position {
	return fyne.CurrentApp().Driver().AbsolutePositionForObject(o)
}
