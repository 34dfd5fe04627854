package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/ossdrop/ossdrop/app/credentials"
	"github.com/ossdrop/ossdrop/signing"
)

// TestProfileFormAccessKeyID: the form refuses an AccessKey ID no OSS
// account has (a space, a slash) with the same rule and sentence as
// 'ossdrop profile add' (signing.ValidateAccessKeyID), and takes a real one.
func TestProfileFormAccessKeyID(t *testing.T) {
	svc, _, _ := newFakeServices()
	test.NewTempApp(t)
	w := test.NewTempWindow(t, widget.NewLabel(""))
	d := showProfilesDialog(w, svc, nil)
	waitFor(t, "the profiles", func() bool { return len(d.profiles) == 1 })
	f := d.add()
	test.Type(f.name, "home")
	test.Type(f.secret, "pasted-secret")
	tests := []struct {
		id, says string
	}{
		{"has space", "a space or line break at character 4"},
		{"TESTKY/EXAMPLE", `"/" at character 7`},
		{"TESTKYEXAMPLE", ""},
		{"STS.NTestAccessKeyID", ""},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			f.keyID.SetText("")
			test.Type(f.keyID, tt.id)
			msg := f.errors[pfKeyID]
			if tt.says == "" {
				if msg.Visible() || f.save.Disabled() {
					t.Fatalf("a real ID refused: %q", msg.Text)
				}
				return
			}
			if !msg.Visible() || !strings.Contains(msg.Text, tt.says) || !f.save.Disabled() {
				t.Fatalf("ID %q: message %q (shown %v), Save disabled %v", tt.id, msg.Text, msg.Visible(), f.save.Disabled())
			}
			fe := signing.ValidateAccessKeyID(tt.id)
			p := credentials.Profile{Name: "home", AccessKeyID: tt.id, Kind: credentials.KindPermanent, Region: "cn-hangzhou"}
			if err := p.Validate(); fe == nil || err == nil || !strings.Contains(err.Error(), fe.Msg) || msg.Text != fe.Msg {
				t.Errorf("the form and the store disagree: form %q, store %v, rule %v", msg.Text, err, fe)
			}
		})
	}
}
