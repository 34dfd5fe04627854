package ui

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/ossdrop/ossdrop/app/credentials"
	"github.com/ossdrop/ossdrop/app/history"
	"github.com/ossdrop/ossdrop/app/upload"
	"github.com/ossdrop/ossdrop/signing"
)

// TestSandboxComesBackAsItWas: the app's sandbox keeps its address and
// key pair (the secret in the keychain) across a restart, so a link made
// before works after; a key taken by an earlier try is not suggested
// again.
func TestSandboxComesBackAsItWas(t *testing.T) {
	test.NewTempApp(t)
	keychain := &memKeychain{items: map[string]string{}}
	starter := sandboxStarter{dir: t.TempDir(), prefs: fyne.CurrentApp().Preferences(), keychain: keychain}
	first, err := starter.start()
	if err != nil {
		t.Fatal(err)
	}
	if !first.Kept || first.Moved != "" || first.freeSampleKey() != sampleKey || strings.Contains(sandboxNote(first), "memory") {
		t.Fatalf("first run: kept %v, moved %q, sample %q", first.Kept, first.Moved, first.freeSampleKey())
	}
	if secret, _ := keychain.Get(credentials.SandboxSecretItem); secret != first.Credentials.AccessKeySecret {
		t.Fatal("the secret is not in the keychain")
	}
	for _, pref := range []string{prefSandboxAddr, prefSandboxKeyID} {
		if v := starter.prefs.String(pref); strings.Contains(v, first.Credentials.AccessKeySecret) || v == "" {
			t.Fatalf("preference %s = %q", pref, v)
		}
	}
	req := signing.Request{Region: "cn-hangzhou", EndpointKind: signing.EndpointCustom, Endpoint: first.Profile.Endpoint, PathStyle: true,
		Bucket: sandboxBucket, Key: first.freeSampleKey(), Expires: time.Hour, Credentials: first.Credentials}
	link, err := signing.Presign(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	first.Stop()

	second, err := starter.start()
	if err != nil {
		t.Fatal(err)
	}
	defer second.Stop()
	if second.Profile.Endpoint != first.Profile.Endpoint || second.Credentials != first.Credentials || !second.Kept {
		t.Fatalf("after a restart: %s %s, want %s %s", second.Profile.Endpoint, second.Credentials.AccessKeyID, first.Profile.Endpoint, first.Credentials.AccessKeyID)
	}
	file := t.TempDir() + "/hello.txt"
	writeFile(t, file, "made before the restart")
	if _, err := upload.Upload(context.Background(), upload.Request{LinkText: link.ShareLink(), File: file}); err != nil {
		t.Fatalf("a link made before the restart: %v", err)
	}
	second.Stop()
	third, err := starter.start()
	if err != nil {
		t.Fatal(err)
	}
	defer third.Stop()
	if got := third.freeSampleKey(); got != "hello-2.txt" {
		t.Errorf("sample key with hello.txt taken: %q", got)
	}
}

// TestSandboxWithoutKeychain: no keychain, a pair in memory, and the
// status line says its links end with the app; an address another program
// took is said too.
func TestSandboxWithoutKeychain(t *testing.T) {
	test.NewTempApp(t)
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	prefs := fyne.CurrentApp().Preferences()
	prefs.SetString(prefSandboxAddr, busy.Addr().String())
	starter := sandboxStarter{dir: t.TempDir(), prefs: prefs, keychain: &memKeychain{items: map[string]string{}, err: errors.New("no Secret Service")}}
	sb, err := starter.start()
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Stop()
	note := sandboxNote(sb)
	if sb.Kept || prefs.String(prefSandboxKeyID) != "" || !strings.Contains(note, "stop working when OSS Drop closes") {
		t.Errorf("kept %v, key ID pref %q, note %q", sb.Kept, prefs.String(prefSandboxKeyID), note)
	}
	if sb.Moved != busy.Addr().String() || !strings.Contains(note, "Another program uses "+busy.Addr().String()) || sb.Profile.Endpoint == "http://"+busy.Addr().String() {
		t.Errorf("moved %q, endpoint %s, note %q", sb.Moved, sb.Profile.Endpoint, note)
	}
}

func TestFreeKey(t *testing.T) {
	taken := map[string]bool{"hello.txt": true, "hello-2.txt": true, "notes": true, ".env": true, "in.v2/notes": true, "in/.env": true,
		"photo.jpg": true, "photo-12.jpg": true, "q3-26.csv": true, "in/-2.txt": true}
	exists := func(k string) (bool, error) { return taken[k], nil }
	for in, want := range map[string]string{"hello.txt": "hello-3.txt", "notes": "notes-2", "new.pdf": "new.pdf", "in/a.b.txt": "in/a.b.txt",
		".env": ".env-2", "in.v2/notes": "in.v2/notes-2", "in/.env": "in/.env-2",
		// a key already numbered goes on counting, unless nothing says it was numbered
		"hello-2.txt": "hello-3.txt", "photo-12.jpg": "photo-13.jpg", "q3-26.csv": "q3-26-2.csv", "in/-2.txt": "in/-2-2.txt"} {
		t.Run(in, func(t *testing.T) {
			if got, err := freeKey(exists, in); got != want || err != nil {
				t.Errorf("freeKey(%q) = %q, %v; want %q", in, got, err, want)
			}
		})
	}
	everything := func(string) (bool, error) { return true, nil }
	if got, err := freeKey(everything, "full.txt"); err == nil {
		t.Errorf("every key taken: %q, no error", got)
	}
	broken := errors.New("the bucket did not answer")
	if _, err := freeKey(func(string) (bool, error) { return false, broken }, "a.txt"); !errors.Is(err, broken) {
		t.Errorf("a failing probe: %v", err)
	}
}

// TestSandboxResumesForItsOpenLinks: after a restart, the app starts its
// sandbox by itself when History holds links it signed that still work,
// so that they meet their sandbox; not for expired ones or others' links.
func TestSandboxResumesForItsOpenLinks(t *testing.T) {
	now := time.Now()
	link := func(profile string, expires time.Duration) history.Entry {
		return history.Entry{Profile: profile, Created: now.Add(-2 * time.Hour), Expires: now.Add(expires)}
	}
	for _, tt := range []struct {
		name    string
		entries []history.Entry
		want    bool
	}{
		{"open sandbox link", []history.Entry{link("work", time.Hour), link(SandboxProfileName, time.Hour)}, true},
		{"expired sandbox link", []history.Entry{link(SandboxProfileName, -time.Hour)}, false},
		{"another profile's link", []history.Entry{link("work", time.Hour)}, false},
	} {
		if got := hasOpenSandboxLinks(tt.entries, now); got != tt.want {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}

	svc, _, hist := newFakeServices()
	svc.Now = time.Now
	test.NewTempApp(t)
	fyne.CurrentApp().Preferences().SetString(prefSandboxKeyID, "SANDBOXKEPT")
	started := make(chan struct{}, 1)
	svc.StartSandbox = func() (*Sandbox, error) {
		started <- struct{}{}
		return nil, errors.New("not in this test")
	}
	hist.entries = []history.Entry{link(SandboxProfileName, time.Hour)}
	m := newMainWindow(test.NewTempWindow(t, widget.NewLabel("")), svc)
	m.resumeSandbox()
	waitFor(t, "the sandbox to start for its open link", func() bool { return len(started) == 1 })
}
