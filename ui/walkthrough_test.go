package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/ossdrop/ossdrop/app/credentials"
	"github.com/ossdrop/ossdrop/signing"
)

// TestModeSwitchKeepsEachKey: switching the Create form to Many files
// does not carry an object key into the Folder field (hello.txt there was
// met with a red error the user had not caused): the folder starts as
// the key's folder, and each mode gets back what it held.
func TestModeSwitchKeepsEachKey(t *testing.T) {
	svc, _, _ := newFakeServices()
	tests := []struct {
		key, folder string
	}{
		{"hello.txt", ""},
		{"in/acme/hello.txt", "in/acme/"},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			tab := newTestCreateTab(t, svc)
			tab.key.SetText(tt.key)
			tab.many.choice.SetSelected(tab.many.choice.Options[1])
			if tab.key.Text != tt.folder {
				t.Errorf("Folder holds %q, want %q", tab.key.Text, tt.folder)
			}
			if errs := visibleErrors(tab); len(errs) > 0 {
				t.Errorf("red after switching to Many files: %v", errs)
			}
			tab.key.SetText("in/partners/")
			tab.many.choice.SetSelected(tab.many.choice.Options[0])
			if tab.key.Text != tt.key {
				t.Errorf("back to One file: the key is %q, want %q", tab.key.Text, tt.key)
			}
			tab.many.choice.SetSelected(tab.many.choice.Options[1])
			if tab.key.Text != "in/partners/" {
				t.Errorf("back to Many files: the folder is %q", tab.key.Text)
			}
		})
	}
}

// TestUntilLineTicks: the "Until …" line under the expiry follows the
// clock while the Create tab shows (it was worked out once and went
// stale), and the clock stops when another tab shows.
func TestUntilLineTicks(t *testing.T) {
	svc, _, _ := newFakeServices()
	clock := &testClock{}
	svc.Now = clock.now
	test.NewTempApp(t)
	w := test.NewTempWindow(t, widget.NewLabel(""))
	m := newMainWindow(w, svc)
	m.start(Options{})
	defer m.close()
	waitFor(t, "the profiles", func() bool { return len(m.profiles) > 0 })
	c := m.createTab
	if c.clock.stop == nil {
		t.Fatal("no clock while the Create tab shows")
	}
	before := c.expiryAt.Text
	clock.advance(3 * time.Minute)
	waitFor(t, "the next tick", func() bool { return c.expiryAt.Text != before })
	want := "Until " + formatDateTime(clock.now().Add(time.Hour), clock.now())
	if !strings.HasPrefix(c.expiryAt.Text, want) {
		t.Errorf("after 3 minutes: %q, want %q…", c.expiryAt.Text, want)
	}
	m.tabs.SelectIndex(1)
	if c.clock.stop != nil {
		t.Error("the clock runs on with the Upload tab showing")
	}
}

// TestToolbarAndStatusLine: with a profile and nothing to report, the
// status line takes no room (it left a gap above One file / Many files),
// and once the sandbox runs the toolbar no longer offers Try it locally:
// the status line says it runs, and where.
func TestToolbarAndStatusLine(t *testing.T) {
	svc, _, _ := newFakeServices()
	test.NewTempApp(t)
	w := test.NewTempWindow(t, widget.NewLabel(""))
	w.Resize(smallest)
	m := newMainWindow(w, svc)
	defer m.close()
	m.loadProfiles()
	waitFor(t, "the profiles", func() bool { return len(m.profiles) > 0 })
	w.Content().Refresh()
	if m.status.Visible() {
		t.Errorf("an empty status line shows: %q", m.status.Text)
	}
	toolbar := fyne.CurrentApp().Driver().AbsolutePositionForObject(m.tryLocally).Y + m.tryLocally.Size().Height
	choice := fyne.CurrentApp().Driver().AbsolutePositionForObject(m.createTab.many.choice).Y
	if gap := choice - toolbar; gap > 2*theme.Padding() {
		t.Errorf("%.0f pixels between the toolbar and One file / Many files", gap)
	}
	if !m.tryLocally.Visible() {
		t.Fatal("Try it locally is not offered before the sandbox runs")
	}
	m.setSandbox(&Sandbox{Profile: credentials.Profile{Name: SandboxProfileName, Region: "cn-hangzhou", Bucket: "demo",
		EndpointKind: signing.EndpointCustom, Endpoint: "http://127.0.0.1:1"}, Dir: t.TempDir(), Kept: true}, nil, true)
	if m.tryLocally.Visible() || !m.status.Visible() {
		t.Errorf("with the sandbox running: Try it locally shown %v, status %q shown %v", m.tryLocally.Visible(), m.status.Text, m.status.Visible())
	}
}

// TestResultCardStaysInChinese: the card of a link made with the sandbox
// stays while the form is checked again (every second): in Chinese the
// sandbox's label is not its name, and the card went at the first check.
func TestResultCardStaysInChinese(t *testing.T) {
	inLanguage(t, "zh_CN.UTF-8")
	svc, _, _ := newFakeServices()
	svc.Now = time.Now // the SDK signs with the wall clock
	tab := newTestCreateTab(t, svc)
	sb := &Sandbox{Profile: credentials.Profile{Name: SandboxProfileName, AccessKeyID: "SANDBOXTEST", Region: "cn-hangzhou", Bucket: "demo",
		EndpointKind: signing.EndpointCustom, Endpoint: "http://127.0.0.1:1", PathStyle: true},
		Credentials: signing.Credentials{AccessKeyID: "SANDBOXTEST", AccessKeySecret: "sandbox-test-secret"}}
	ps, _ := svc.Profiles.List()
	tab.setProfiles(ps, sb)
	tab.selectProfile(SandboxProfileName)
	tab.key.SetText("hello.txt")
	if tab.create.Disabled() {
		t.Fatalf("Create disabled: %v %q", visibleErrors(tab), tab.pending.Text)
	}
	test.Tap(tab.create)
	defer tab.result.ticker.cancel()
	waitFor(t, "the result card", func() bool { return tab.result.container.Visible() || tab.formError.Visible() })
	if tab.formError.Visible() {
		t.Fatalf("Create failed: %s", tab.formError.Text)
	}
	tab.validate()
	if !tab.result.container.Visible() {
		t.Error("the card went at the next check of an unchanged form")
	}
}
