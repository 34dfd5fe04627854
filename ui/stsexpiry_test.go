package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/ossdrop/ossdrop/app/credentials"
)

// TestProfileFormSTSExpiry: the STS expiry takes what the command line's
// --sts-expires takes (signing.ParseExpiry): a duration counted from Save,
// or an RFC 3339 time; anything else, a time past, or one further than an
// STS token lives (12 hours), is a sentence.
func TestProfileFormSTSExpiry(t *testing.T) {
	tests := []struct {
		typed string
		want  time.Time // zero: refused
		says  string
	}{
		{typed: "2h", want: fakeNow.Add(2 * time.Hour)},
		{typed: " 90m ", want: fakeNow.Add(90 * time.Minute)},
		{typed: "12h", want: fakeNow.Add(12 * time.Hour)},
		{typed: "9d", says: "at most 12 hours"},
		{typed: "1d12h", says: "at most 12 hours"},
		{typed: "13h", says: "at most 12 hours"},
		{typed: "2026-11-24T20:00:00+08:00", want: time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)},
		{typed: "soon", says: "a duration such as 2h"},
		{typed: "", says: "a duration such as 2h"},
		{typed: "2026-11-24T08:00:00Z", says: "has passed"},
	}
	for _, tt := range tests {
		t.Run(tt.typed, func(t *testing.T) {
			svc, profiles, _ := newFakeServices()
			f, _ := newAddForm(t, svc)
			f.name.SetText("temp")
			f.keyID.SetText("STS.EXAMPLE")
			f.secret.SetText("pasted-secret")
			f.sts.SetChecked(true)
			f.token.SetText("pasted-token")
			test.Type(f.expires, tt.typed)
			msg := f.errors[pfExpires]
			if tt.want.IsZero() {
				if !strings.Contains(msg.Text+f.pending.Text, tt.says) || !f.save.Disabled() {
					t.Fatalf("%q: message %q (shown %v), pending %q, Save disabled %v", tt.typed, msg.Text, msg.Visible(), f.pending.Text, f.save.Disabled())
				}
				return
			}
			if msg.Visible() || f.save.Disabled() {
				t.Fatalf("%q refused: %q", tt.typed, msg.Text)
			}
			test.Tap(f.save)
			waitFor(t, "the profile", func() bool { ps, _ := profiles.List(); return len(ps) == 2 })
			ps, _ := profiles.List()
			if p := ps[1]; p.Kind != credentials.KindSTS || !p.STSExpires.Equal(tt.want) {
				t.Errorf("%q saved as %+v, want it to expire at %v", tt.typed, p, tt.want)
			}
		})
	}
}
