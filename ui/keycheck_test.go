package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/ossdrop/ossdrop/app/arrivals"
	"github.com/ossdrop/ossdrop/app/credentials"
	"github.com/ossdrop/ossdrop/app/upload"
	"github.com/ossdrop/ossdrop/signing"
)

// TestSandboxKeyMovesOn is the QA walk-through of the sandbox: Try it
// locally, Create, upload through the link in the Upload tab. The form's
// key moves on to a free one, History says the file arrived without
// waiting for the next minute, and Create for the used key makes no
// link: it says why and offers the free key. A link that may replace the
// file is made, and History does not take the file for its arrival.
func TestSandboxKeyMovesOn(t *testing.T) {
	svc, profiles, hist := newFakeServices()
	profiles.profiles = nil
	m := newSandboxWindow(t, svc)
	m.start(Options{})
	defer m.close()
	m.onTryLocally()
	waitFor(t, "the sandbox", func() bool { return m.createTab.key.Text == "hello.txt" })
	test.Tap(m.createTab.create)
	waitFor(t, "the link", func() bool { return m.createTab.result.container.Visible() })
	entries, _ := hist.List()
	if len(entries) != 1 || !entries[0].KeyChecked || entries[0].Existing != nil {
		t.Fatalf("the first link's entry: %+v", entries)
	}
	first := entries[0]
	waitFor(t, "the first check", func() bool { return m.history.statuses[first.ID].State == arrivals.Waiting })

	// Test upload, as the QA tester did.
	m.createTab.onTestUpload(m.createTab.result.link.ShareLink())
	m.upload.setFile(tempFile(t, "hello.txt", "hello, sandbox"))
	test.Tap(m.upload.upload)
	waitFor(t, "the upload", func() bool { return m.upload.result.Visible() })
	if m.upload.result.Title != "Uploaded" {
		t.Fatalf("%s: %s", m.upload.result.Title, m.upload.resultText.Text)
	}
	// The link was checked a moment ago; the app's own upload is seen now.
	waitFor(t, "History to see the upload", func() bool { return m.history.statuses[first.ID].State == arrivals.Received })
	waitFor(t, "the key to move on", func() bool { return m.createTab.key.Text == "hello-2.txt" })

	// The used key again: no dead link, a sentence and the free key.
	m.createTab.key.SetText("hello.txt")
	test.Tap(m.createTab.create)
	waitFor(t, "the note", func() bool { return m.createTab.taken.shown() })
	if entries, _ := hist.List(); len(entries) != 1 {
		t.Fatalf("a protected link for a taken key was made: %d entries", len(entries))
	}
	note := m.createTab.taken.text.Text
	if !strings.Contains(note, "demo/hello.txt already holds a file (14 bytes") || !strings.Contains(note, "use hello-2.txt, which is free") ||
		m.createTab.taken.useFree.Text != "Use hello-2.txt" || m.createTab.result.container.Visible() {
		t.Fatalf("note %q, button %q", note, m.createTab.taken.useFree.Text)
	}
	test.Tap(m.createTab.taken.useFree)
	if m.createTab.key.Text != "hello-2.txt" || m.createTab.taken.shown() {
		t.Fatalf("Use the free key: key %q, note for %q", m.createTab.key.Text, m.createTab.taken.form)
	}

	// Protection off: the link may replace the file, and is made.
	m.createTab.key.SetText("hello.txt")
	m.createTab.protect.SetChecked(false)
	test.Tap(m.createTab.create)
	waitFor(t, "the second link", func() bool { return m.createTab.result.container.Visible() })
	entries, _ = hist.List()
	if len(entries) != 2 || entries[0].Existing == nil || entries[0].Existing.Size != 14 || !entries[0].KeyChecked {
		t.Fatalf("the replacing link's entry: %+v", entries[0])
	}
	second := entries[0]
	waitFor(t, "the second link's check", func() bool { _, ok := m.history.statuses[second.ID]; return ok })
	if st := m.history.statuses[second.ID]; st.State != arrivals.Waiting || len(st.Objects) != 0 {
		t.Fatalf("a link made after the file took it for its arrival: %+v", st)
	}

	// Protected again, and made anyway (the owner will free the key):
	// History says the key was taken when the link was made.
	m.createTab.protect.SetChecked(true)
	test.Tap(m.createTab.create)
	waitFor(t, "the note", func() bool { return m.createTab.taken.shown() })
	test.Tap(m.createTab.taken.anyway)
	waitFor(t, "the third link", func() bool { entries, _ := hist.List(); return len(entries) == 3 })
	entries, _ = hist.List()
	third := entries[0]
	waitFor(t, "the third link's check", func() bool { _, ok := m.history.statuses[third.ID]; return ok })
	st := m.history.statuses[third.ID]
	if st.State != arrivals.Taken || third.Existing == nil || m.createTab.taken.shown() || !m.createTab.result.container.Visible() {
		t.Fatalf("a protected link made anyway for a taken key: %+v, entry %+v", st, third)
	}
	if v := viewOf(third, &st, time.Now()); !strings.Contains(v.state, "Key already taken when the link was made") {
		t.Fatalf("its row says %q", v.state)
	}
}

// TestTryLocallyAfterRestart: the sandbox came back by itself for its
// open links, and a profile is selected; Try it locally then brings the
// sandbox's profile with a free key into the form, and says where it runs.
func TestTryLocallyAfterRestart(t *testing.T) {
	svc, _, _ := newFakeServices()
	m := newSandboxWindow(t, svc)
	m.loadProfiles()
	waitFor(t, "the profiles", func() bool { return len(m.profiles) == 1 })
	sb, err := svc.StartSandbox()
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Stop()
	m.tabs.SelectIndex(2)
	m.setSandbox(sb, nil, false) // resumed: the form is left as it is
	if m.createTab.key.Text != "" || m.tabs.SelectedIndex() != 2 {
		t.Fatalf("a resumed sandbox changed the form (key %q) or the tab (%d)", m.createTab.key.Text, m.tabs.SelectedIndex())
	}
	m.status.SetText("")
	m.onTryLocally()
	waitFor(t, "a key", func() bool { return m.createTab.key.Text != "" })
	if m.createTab.key.Text != "hello.txt" || m.createTab.profile.Selected != SandboxProfileName || m.tabs.SelectedIndex() != 0 ||
		!strings.Contains(m.status.Text, "Local sandbox running at "+sb.Profile.Endpoint) {
		t.Fatalf("Try it locally: key %q, profile %q, tab %d, status %q", m.createTab.key.Text, m.createTab.profile.Selected, m.tabs.SelectedIndex(), m.status.Text)
	}
}

// TestCreateChecksTheKeyWithTheProfile: with a real profile the key is
// asked of the bucket with the profile's credentials (HeadObject through
// Services.Bucket, here the SDK client against the sandbox); a bucket
// that cannot be asked leaves the link unchecked, and it is made.
func TestCreateChecksTheKeyWithTheProfile(t *testing.T) {
	sb := newTestSandbox(t)
	svc, profiles, hist := newFakeServices()
	svc.Now = time.Now
	svc.Bucket = newBucketAdmin
	profiles.profiles = []credentials.Profile{{Name: "local", AccessKeyID: sb.key.ID, Kind: credentials.KindPermanent, Region: "cn-hangzhou",
		EndpointKind: signing.EndpointCustom, Endpoint: sb.url, PathStyle: true, Bucket: "demo", Default: true}}
	profiles.secrets["local"] = credentials.Secrets{AccessKeySecret: sb.key.Secret}
	put := sb.link(t, "", "reports/q3.pdf", nil)
	if _, err := upload.Upload(context.Background(), upload.Request{LinkText: put.ShareLink(), File: tempFile(t, "q3.pdf", "stored before")}); err != nil {
		t.Fatal(err)
	}
	tab := newTestCreateTab(t, svc)
	tab.key.SetText("reports/q3.pdf")
	test.Tap(tab.create)
	waitFor(t, "the note", func() bool { return tab.taken.shown() })
	if !strings.Contains(tab.taken.text.Text, "use reports/q3-2.pdf, which is free") {
		t.Errorf("note %q", tab.taken.text.Text)
	}
	tab.key.SetText("reports/q4.pdf")
	test.Tap(tab.create)
	waitFor(t, "the link", func() bool { return tab.result.container.Visible() })
	if entries, _ := hist.List(); len(entries) != 1 || !entries[0].KeyChecked || entries[0].Existing != nil {
		t.Fatalf("entries %+v", entries)
	}

	// A bucket that refuses the question (the secret rotated meanwhile)
	// cannot say what the key holds: the link is made, unchecked.
	profiles.secrets["local"] = credentials.Secrets{AccessKeySecret: "rotated-meanwhile"}
	tab.key.SetText("reports/q5.pdf")
	test.Tap(tab.create)
	waitFor(t, "the link", func() bool { entries, _ := hist.List(); return len(entries) == 2 })
	if entries, _ := hist.List(); entries[0].KeyChecked || tab.taken.shown() {
		t.Fatalf("an unanswered check: %+v", entries[0])
	}
}
