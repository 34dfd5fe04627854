package ui

import (
	"errors"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/ossdrop/ossdrop/app/credentials"
)

// profileRowsShown are the labels and buttons of the Profiles dialog's
// rows as drawn, row by row in list order.
type profileRowShown struct {
	labels  []*widget.Label
	buttons []*widget.Button
}

func profileRows(d *profilesDialog) []profileRowShown {
	var rows []profileRowShown
	walk(d.list, func(o fyne.CanvasObject) {
		c, ok := o.(*fyne.Container)
		if !ok || !c.Visible() {
			return
		}
		var r profileRowShown
		for _, child := range c.Objects {
			if buttons, ok := child.(*fyne.Container); ok && len(buttons.Objects) == 3 {
				if _, ok := buttons.Objects[0].(*widget.Button); ok {
					for _, b := range buttons.Objects {
						r.buttons = append(r.buttons, b.(*widget.Button))
					}
					continue
				}
			}
			walk(child, func(o fyne.CanvasObject) {
				if l, ok := o.(*widget.Label); ok && l.Visible() {
					r.labels = append(r.labels, l)
				}
			})
		}
		if len(r.buttons) == 3 && len(r.labels) > 0 && r.labels[0].Text != "" {
			rows = append(rows, r)
		}
	})
	return rows
}

func (r profileRowShown) text() string {
	var parts []string
	for _, l := range r.labels {
		parts = append(parts, l.Text)
	}
	return strings.Join(parts, "\n")
}

// TestProfileRowSTS: the Profiles dialog's row of an STS profile says it
// is STS and when its token expires, in the app's date format and the
// UI's language, as 'ossdrop profile list' does; an expired token is red
// and says what to do. In the smallest window (800 by 600), English and
// Chinese, that line is whole, the names above it end in "…" if they must,
// and the buttons lie inside the window.
func TestProfileRowSTS(t *testing.T) {
	valid := fakeNow.Add(3*time.Hour + 20*time.Minute)
	expired := fakeNow.Add(-90 * time.Minute)
	for _, locale := range []string{"C", "zh_CN.UTF-8"} {
		t.Run(locale, func(t *testing.T) {
			inLanguage(t, locale)
			svc, profiles, _ := newFakeServices()
			profiles.profiles[0].Bucket = "reports-archive-2026-q3"
			profiles.profiles = append(profiles.profiles,
				credentials.Profile{Name: "partner-uploads-temporary", AccessKeyID: "STS.NUEXAMPLE0001", Kind: credentials.KindSTS, Region: "ap-southeast-1",
					Bucket: "acme-incoming-files-2026", STSExpires: valid},
				credentials.Profile{Name: "night-batch-temporary", AccessKeyID: "STS.NUEXAMPLE0002", Kind: credentials.KindSTS, Region: "cn-zhangjiakou",
					Bucket: "nightly-exports-archive", STSExpires: expired})
			test.NewTempApp(t)
			fyne.CurrentApp().Settings().SetTheme(newAppTheme())
			w := test.NewTempWindow(t, widget.NewLabel(""))
			w.Resize(smallest)
			d := showProfilesDialog(w, svc, nil)
			waitFor(t, "the profiles", func() bool { return len(d.profiles) == 3 })
			w.Content().Refresh()
			rows := profileRows(d)
			if len(rows) != 3 {
				t.Fatalf("%d rows show", len(rows))
			}
			tests := []struct {
				row       profileRowShown
				says, not []string
				red       bool
			}{
				{rows[0], []string{lang.L("Permanent AccessKey")}, []string{"STS"}, false},
				{rows[1], []string{"STS", formatDateTime(valid, fakeNow), untilText(valid, fakeNow)}, []string{lang.L("New secret…")}, false},
				{rows[2], []string{"STS", formatDateTime(expired, fakeNow), lang.L("New secret…")}, nil, true},
			}
			for _, tt := range tests {
				text := tt.row.text()
				for _, s := range tt.says {
					if !strings.Contains(text, s) {
						t.Errorf("row %q does not say %q", text, s)
					}
				}
				for _, s := range tt.not {
					if strings.Contains(text, s) {
						t.Errorf("row %q says %q", text, s)
					}
				}
				red := false
				for _, l := range tt.row.labels {
					red = red || l.Importance == widget.DangerImportance
					need := fyne.MeasureText(l.Text, theme.TextSize(), l.TextStyle).Width + 2*theme.InnerPadding()
					if l.Truncation == fyne.TextTruncateEllipsis && l == tt.row.labels[0] {
						continue // the names end in "…" rather than under the buttons
					}
					if got := l.Size().Width; need > got+0.5 {
						t.Errorf("%q needs %.0f px, the row gives it %.0f", l.Text, need, got)
					}
				}
				if red != tt.red {
					t.Errorf("row %q: red %v, want %v", text, red, tt.red)
				}
				for _, b := range tt.row.buttons {
					x := absolute(b).X + b.Size().Width
					if !b.Visible() || x > smallest.Width {
						t.Errorf("row %q: a button ends at x=%.0f in a window %.0f wide", text, x, smallest.Width)
					}
				}
			}
			if got := w.Canvas().Overlays().Top().MinSize().Width; got > smallest.Width {
				t.Errorf("the dialog needs %.0f px, more than %.0f", got, smallest.Width)
			}
		})
	}
}

// TestNoKeychainNewSecret: with no OS keychain, New secret… on every row
// is disabled (its form could only fail at Save) and the dialog says why
// once, above the rows; a keychain that comes back gives it back.
func TestNoKeychainNewSecret(t *testing.T) {
	svc, profiles, _ := newFakeServices()
	profiles.profiles = append(profiles.profiles, credentials.Profile{Name: "temp", AccessKeyID: "STS.NUEXAMPLE0001", Kind: credentials.KindSTS,
		Region: "cn-shanghai", STSExpires: fakeNow.Add(time.Hour)})
	keychain := &memKeychain{items: map[string]string{}, err: errors.New("the name org.freedesktop.secrets was not provided by any .service files")}
	svc.Keychain = keychain
	test.NewTempApp(t)
	w := test.NewTempWindow(t, widget.NewLabel(""))
	w.Resize(fyne.NewSize(1280, 800))
	d := showProfilesDialog(w, svc, nil)
	waitFor(t, "the keychain check", func() bool { return d.away && len(d.profiles) == 2 })
	w.Content().Refresh()
	newSecret := func() []*widget.Button {
		var out []*widget.Button
		for _, r := range profileRows(d) {
			out = append(out, r.buttons[1])
		}
		return out
	}
	buttons := newSecret()
	if len(buttons) != 2 {
		t.Fatalf("%d rows show", len(buttons))
	}
	for i, b := range buttons {
		if !b.Disabled() {
			t.Errorf("row %d: New secret… is enabled with no keychain", i)
		}
	}
	if f := d.rotate(d.profiles[0]); f != nil {
		t.Error("New secret… opened a form with no keychain")
	}
	said := 0
	for _, overlay := range w.Canvas().Overlays().List() {
		walk(overlay, func(o fyne.CanvasObject) {
			if l, ok := o.(*widget.Label); ok && l.Visible() && strings.Contains(l.Text, "keychain is not available") {
				said++
			}
		})
	}
	if said != 1 {
		t.Errorf("the dialog says %d times that the keychain is not available, want once", said)
	}

	keychain.mu.Lock()
	keychain.err = nil
	keychain.mu.Unlock()
	d.dialog.Hide()
	d = showProfilesDialog(w, svc, nil)
	waitFor(t, "the keychain", func() bool { return !d.away && len(d.profiles) == 2 })
	w.Content().Refresh()
	for i, b := range newSecret() {
		if b.Disabled() {
			t.Errorf("row %d: New secret… is disabled with a keychain", i)
		}
	}
	if f := d.rotate(d.profiles[0]); f == nil {
		t.Error("New secret… opens no form with a keychain")
	}
}
