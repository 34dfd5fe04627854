package cli

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ossdrop/ossdrop/app/appprefs"
	"github.com/ossdrop/ossdrop/app/credentials"
	"github.com/ossdrop/ossdrop/app/history"
	"github.com/ossdrop/ossdrop/app/sandbox"
	"github.com/ossdrop/ossdrop/signing"
)

// TestStatusEnvironmentLinks: a link signed with OSS_ACCESS_KEY_* and
// checked in a shell without the variable says so, instead of calling its
// profile gone; with the variable set again it is checked.
func TestStatusEnvironmentLinks(t *testing.T) {
	w := newOwnerWorld(t)
	w.presign("in/env.pdf")
	delete(w.vars, envAccessKeyID)
	code, out := w.status()
	if code != ExitOK || len(out) != 1 || out[0].State != "unknown" || out[0].Profile != credentials.EnvironmentProfile ||
		out[0].Error != "Not checked: signed with OSS_ACCESS_KEY_ID, which is not set in this shell." || !strings.Contains(out[0].Hint, "Set OSS_ACCESS_KEY_ID and OSS_ACCESS_KEY_SECRET") {
		t.Fatalf("exit %d, %+v", code, out)
	}
	_, stdout, _ := w.run("status")
	if !strings.Contains(stdout, "not checked: signed with OSS_ACCESS_KEY_ID, which is not set in this shell;") || strings.Contains(stdout, "gone") {
		t.Errorf("table:\n%s", stdout)
	}
	w.vars[envAccessKeyID] = ownerKey.ID
	if code, out = w.status(); code != ExitOK || out[0].State != "waiting" {
		t.Fatalf("with the variable: exit %d, %+v", code, out)
	}
}

// TestStatusAppSandboxLinks: links of the app's local sandbox are checked
// while the app's sandbox runs at the address the app keeps in its
// preferences, with the key it keeps in the keychain; otherwise they are
// listed with what to do, never as "profile gone".
func TestStatusAppSandboxLinks(t *testing.T) {
	w := newOwnerWorld(t)
	credentials.MockInit()
	appKey := sandbox.Key{ID: "SANDBOXAPPKEPT01", Secret: "app-sandbox-secret-DO-NOT-PRINT"}
	app, err := sandbox.New(sandbox.Config{Dir: t.TempDir(), Keys: []sandbox.Key{appKey}})
	if err != nil {
		t.Fatal(err)
	}
	if err := app.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { app.Close() })
	link, err := signing.Presign(context.Background(), signing.Request{Region: "cn-hangzhou", EndpointKind: signing.EndpointCustom,
		Endpoint: app.URL(), PathStyle: true, Bucket: "demo", Key: "hello.txt", Expires: time.Hour,
		Credentials: signing.Credentials{AccessKeyID: appKey.ID, AccessKeySecret: appKey.Secret}})
	if err != nil {
		t.Fatal(err)
	}
	h, _ := openHistory()
	if err := h.Add(history.Entry{Profile: credentials.SandboxProfile, Bucket: "demo", Key: "hello.txt", Method: "PUT",
		Created: w.now, Expires: w.now.Add(time.Hour), ShareLink: link.ShareLink()}); err != nil {
		t.Fatal(err)
	}
	sandboxRow := func(want string) statusOutput {
		t.Helper()
		code, out := w.status()
		for _, o := range out {
			if o.Profile == credentials.SandboxProfile {
				if code != ExitOK || o.State != want {
					t.Fatalf("exit %d, %+v; want %s", code, o, want)
				}
				return o
			}
		}
		t.Fatalf("no sandbox link in %+v", out)
		return statusOutput{}
	}

	// The app has not kept its sandbox (first run, or no keychain).
	if o := sandboxRow("unknown"); !strings.Contains(o.Error, "the app's local sandbox, whose address and key the app has not kept") ||
		!strings.Contains(o.Hint, "History tab") {
		t.Errorf("nothing kept: %+v", o)
	}

	// The app keeps the address and ID in its preferences, the secret in
	// the keychain: the link is checked against the running sandbox.
	path, err := appprefs.Path()
	if err != nil {
		t.Fatal(err)
	}
	prefs, _ := json.Marshal(map[string]any{appprefs.SandboxAddr: strings.TrimPrefix(app.URL(), "http://"), appprefs.SandboxKeyID: appKey.ID, "download.folder": "/tmp"})
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, prefs, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := credentials.SystemItems().Set(credentials.SandboxSecretItem, appKey.Secret); err != nil {
		t.Fatal(err)
	}
	if o := sandboxRow("waiting"); o.Error != "" {
		t.Errorf("running: %+v", o)
	}
	w.upload(link.ShareLink(), "hello")
	if o := sandboxRow("received"); o.Size == nil || *o.Size != 5 {
		t.Errorf("after the upload: %+v", o)
	}

	// The app is closed: nothing answers at the address.
	app.Close()
	if o := sandboxRow("unknown"); !strings.Contains(o.Error, "which is not running (nothing answers at 127.0.0.1:") ||
		!strings.Contains(o.Hint, "Try it locally") {
		t.Errorf("stopped: %+v", o)
	}
	_, stdout, stderr := w.run("status")
	if strings.Contains(stdout+stderr, appKey.Secret) {
		t.Fatal("the sandbox's secret was printed")
	}
}
