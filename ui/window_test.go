package ui

import (
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/ossdrop/ossdrop/app/appinfo"
	"github.com/ossdrop/ossdrop/app/upload"
)

// TestFirstRunSandbox walks a new user's first minute: no profile, the
// welcome card, "Try it locally" starts the real embedded sandbox, Create
// makes a link, and an upload through it lands (real HTTP on 127.0.0.1).
func TestFirstRunSandbox(t *testing.T) {
	svc, profiles, _ := newFakeServices()
	profiles.profiles = nil
	m := newSandboxWindow(t, svc)
	m.start(Options{})
	waitFor(t, "the welcome card", func() bool { return m.welcome.Visible() })
	if m.createTab.content.Visible() {
		t.Error("the form shows before there is anything to sign with")
	}

	m.onTryLocally()
	// setSandbox fills in the sample key last, after the sandbox is set
	// and the form shown: waiting for it sees the whole change.
	waitFor(t, "the sandbox", func() bool { return m.createTab.key.Text == "hello.txt" })
	defer m.close()
	if m.welcome.Visible() || !m.createTab.content.Visible() || m.createTab.profile.Selected != SandboxProfileName {
		t.Fatalf("after Try it locally: welcome %v, form %v, profile %q", m.welcome.Visible(), m.createTab.content.Visible(), m.createTab.profile.Selected)
	}
	if m.createTab.create.Disabled() {
		t.Fatalf("Create disabled in the sandbox: %v", visibleErrors(m.createTab))
	}
	// The sandbox's objects (in the cache directory) outlive the test.
	m.createTab.key.SetText(fmt.Sprintf("first-run-%d.txt", time.Now().UnixNano()))
	test.Tap(m.createTab.create)
	waitFor(t, "the link", func() bool { return m.createTab.result.container.Visible() })
	share := m.createTab.result.link.ShareLink()
	if !strings.HasPrefix(share, "http://127.0.0.1:") {
		t.Fatalf("share link %q does not point at the sandbox", share)
	}

	file := t.TempDir() + "/hello.txt"
	writeFile(t, file, "hello from the first-run test")
	res, err := upload.Upload(t.Context(), upload.Request{LinkText: share, File: file, HTTPClient: http.DefaultClient})
	if err != nil || !res.Verified() {
		t.Fatalf("upload through the new link: %v %+v", err, res)
	}

	// "Test upload" carries the link to the Upload tab.
	m.createTab.onTestUpload(share)
	if m.tabs.SelectedIndex() != 1 || m.upload.paste.Text != share {
		t.Errorf("Test upload: tab %d, paste %q", m.tabs.SelectedIndex(), m.upload.paste.Text)
	}
}

// newSandboxWindow is the main window in a test window, on the wall
// clock (the SDK signs with it), with svc starting a real sandbox in a
// directory of the test's (useTestSandbox).
func newSandboxWindow(t *testing.T, svc *Services) *mainWindow {
	t.Helper()
	svc.Now = time.Now
	test.NewTempApp(t)
	useTestSandbox(t, svc)
	return newMainWindow(test.NewTempWindow(t, widget.NewLabel("")), svc)
}

// TestWheelScrollsTheFormOverEntries: the mouse wheel over an entry of
// the Create form scrolls the form (the entry's own scroller used to take
// the event and do nothing with it).
func TestWheelScrollsTheFormOverEntries(t *testing.T) {
	svc, _, _ := newFakeServices()
	test.NewTempApp(t)
	w := test.NewTempWindow(t, widget.NewLabel(""))
	m := newMainWindow(w, svc)
	m.loadProfiles()
	waitFor(t, "the form", func() bool { return m.createTab.content.Visible() })
	w.Resize(fyne.NewSize(800, 400))
	d := fyne.CurrentApp().Driver()
	over := d.AbsolutePositionForObject(m.createTab.bucket).Add(fyne.NewPos(20, 10))
	test.Scroll(w.Canvas(), over, 0, -120)
	if m.createScroll.Offset.Y <= 0 {
		t.Errorf("the wheel over the Bucket entry left the form at offset %v", m.createScroll.Offset.Y)
	}
	// Taps, hovers, drags and clicks still reach the entries under the
	// layer only as long as it takes none of them.
	var layer any = &wheelForwarder{}
	for name, takes := range map[string]bool{
		"taps": is[fyne.Tappable](layer), "hovers": is[desktop.Hoverable](layer), "drags": is[fyne.Draggable](layer),
		"clicks": is[desktop.Mouseable](layer), "focus": is[fyne.Focusable](layer), "secondary taps": is[fyne.SecondaryTappable](layer),
	} {
		if takes {
			t.Errorf("the wheel layer takes %s from the form", name)
		}
	}
}

func is[T any](v any) bool { _, ok := v.(T); return ok }

// TestDropHint: while files are dragged over the window it says a drop is
// taken and where it goes; a drag of something else is told it is not;
// the drop (or leaving) takes the hint away. The X11 messages that call
// these are driven for real by scripts/gui-drag.
func TestDropHint(t *testing.T) {
	svc, _, _ := newFakeServices()
	test.NewTempApp(t)
	w := test.NewTempWindow(t, widget.NewLabel(""))
	m := newMainWindow(w, svc)
	if m.drop.overlay.Visible() {
		t.Fatal("the drop hint shows with nothing dragged")
	}
	m.onDragEnter(true)
	if !m.drop.overlay.Visible() || !strings.Contains(m.drop.text.Text, "Drop the file to upload it") {
		t.Errorf("a file over the window: shown %v, %q", m.drop.overlay.Visible(), m.drop.text.Text)
	}
	m.onDragLeave()
	m.onDragEnter(false)
	if !strings.Contains(m.drop.text.Text, "Only files") {
		t.Errorf("text dragged: %q", m.drop.text.Text)
	}
	m.onDropped(fyne.NewPos(1, 1), nil)
	if m.drop.overlay.Visible() {
		t.Error("the hint stays after the drop")
	}
}

// TestAboutShowsFyneAppVersion: the About dialog and Fyne's metadata say
// the version FyneApp.toml says, as 'ossdrop version' does.
func TestAboutShowsFyneAppVersion(t *testing.T) {
	data, err := os.ReadFile("../FyneApp.toml")
	if err != nil {
		t.Fatal(err)
	}
	appinfo.Load(data)
	version := appinfo.Get().Details.Version
	if meta := metadata(appinfo.Get()); meta.Version != version || meta.ID != AppID || meta.Name != "OSS Drop" {
		t.Errorf("metadata %+v, want version %s and ID %s", meta, version, AppID)
	}
	svc, _, _ := newFakeServices()
	test.NewTempApp(t)
	w := test.NewTempWindow(t, widget.NewLabel(""))
	m := newMainWindow(w, svc)
	m.onAbout()
	var texts []string
	for _, o := range test.LaidOutObjects(w.Canvas().Overlays().Top()) {
		if l, ok := o.(*widget.Label); ok {
			texts = append(texts, l.Text)
		}
	}
	if !strings.Contains(strings.Join(texts, "\n"), "OSS Drop "+version+"\n") {
		t.Errorf("the About dialog does not say version %s: %q", version, texts)
	}
}

// TestNoKeychainWelcome: with no OS keychain (no Secret Service), the
// welcome card says so and leads with Try it locally; Profiles… says it
// too and opens no form whose Save can only fail. A keychain that comes
// back gives Add back.
func TestNoKeychainWelcome(t *testing.T) {
	svc, profiles, _ := newFakeServices()
	profiles.profiles = nil
	keychain := &memKeychain{items: map[string]string{}, err: errors.New("the name org.freedesktop.secrets was not provided by any .service files")}
	svc.Keychain = keychain
	m := newSandboxWindow(t, svc)
	m.start(Options{})
	waitFor(t, "the welcome card", func() bool { return m.welcome.Visible() && m.keychainAway })
	if !strings.Contains(m.welcomeText.Text, "keychain is not available") || !strings.Contains(m.welcomeText.Text, "Try it locally") ||
		!m.welcomeAdd.Disabled() || m.welcomeLocal.Importance != widget.HighImportance || m.welcomeAdd.Importance == widget.HighImportance {
		t.Fatalf("welcome %q, Add disabled %v (importance %v), Try it locally importance %v",
			m.welcomeText.Text, m.welcomeAdd.Disabled(), m.welcomeAdd.Importance, m.welcomeLocal.Importance)
	}
	d := showProfilesDialog(m.win, svc, m.loadProfiles)
	waitFor(t, "the keychain check", func() bool { return d.away })
	if !d.addBtn.Disabled() || !strings.Contains(d.note.Text, "GNOME Keyring") || d.add() != nil {
		t.Fatalf("Profiles: Add disabled %v, note %q", d.addBtn.Disabled(), d.note.Text)
	}
	if strings.Contains(d.status.Text, "add an AccessKey") && d.status.Visible() {
		t.Errorf("Profiles invites an AccessKey it cannot keep: %q", d.status.Text)
	}

	// A keyring started: Profiles… again finds it, and so does the card.
	keychain.mu.Lock()
	keychain.err = nil
	keychain.mu.Unlock()
	d.dialog.Hide()
	d = showProfilesDialog(m.win, svc, m.loadProfiles)
	waitFor(t, "the keychain", func() bool { return !d.away && !d.addBtn.Disabled() })
	waitFor(t, "the welcome card", func() bool { return !m.keychainAway && !m.welcomeAdd.Disabled() })
	if strings.Contains(m.welcomeText.Text, "not available") || m.welcomeAdd.Importance != widget.HighImportance {
		t.Errorf("welcome with a keychain: %q", m.welcomeText.Text)
	}
	if f := d.add(); f == nil {
		t.Error("Add opens no form with a keychain")
	}
}
