package cli

import (
	"cmp"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ossdrop/ossdrop/app/arrivals"
	"github.com/ossdrop/ossdrop/app/history"
	"github.com/ossdrop/ossdrop/app/sandbox"
	"github.com/ossdrop/ossdrop/app/upload"
)

// ownerWorld is a sandbox on 127.0.0.1 and an owner whose credentials are
// in OSS_ACCESS_KEY_*, with a fresh config directory for the history.
type ownerWorld struct {
	t    *testing.T
	srv  *sandbox.Server
	vars map[string]string
	now  time.Time
	ctx  context.Context
}

var ownerKey = sandbox.Key{ID: "AKIDCLIOWNER01", Secret: testSecret}

func newOwnerWorld(t *testing.T) *ownerWorld {
	t.Helper()
	profileHome(t)
	srv, err := sandbox.New(sandbox.Config{Dir: t.TempDir(), Keys: []sandbox.Key{ownerKey}, Buckets: []string{"demo"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return &ownerWorld{t: t, srv: srv, now: time.Now(),
		vars: map[string]string{envAccessKeyID: ownerKey.ID, envAccessKeySecret: ownerKey.Secret}}
}

func (w *ownerWorld) env(stdout, stderr *lockedBuffer) *Env {
	return &Env{Stdin: strings.NewReader(""), Stdout: stdout, Stderr: stderr, Context: w.ctx,
		Getenv: func(k string) string { return w.vars[k] }, Now: func() time.Time { return w.now }}
}

func (w *ownerWorld) run(args ...string) (int, string, string) {
	w.t.Helper()
	var stdout, stderr lockedBuffer
	code := Run(args, w.env(&stdout, &stderr))
	if strings.Contains(stdout.String()+stderr.String(), testSecret) {
		w.t.Fatalf("the secret was printed:\n%s%s", stdout.String(), stderr.String())
	}
	return code, stdout.String(), stderr.String()
}

// presign makes a link to the sandbox and returns its share link.
func (w *ownerWorld) presign(key string, extra ...string) string {
	w.t.Helper()
	args := append([]string{"presign", "--json", "--endpoint", w.srv.URL(), "--path-style", "--region", "cn-hangzhou",
		"--bucket", "demo", "--key", key, "--expires", "1h"}, extra...)
	code, stdout, stderr := w.run(args...)
	if code != ExitOK {
		w.t.Fatalf("presign: exit %d\n%s", code, stderr)
	}
	var out presignOutput
	if err := json.Unmarshal([]byte(stdout), &out); err != nil {
		w.t.Fatal(err)
	}
	return out.ShareLink
}

func (w *ownerWorld) upload(shareLink, content string) {
	w.t.Helper()
	path := filepath.Join(w.t.TempDir(), "f")
	os.WriteFile(path, []byte(content), 0o600)
	if _, err := upload.Upload(context.Background(), upload.Request{LinkText: shareLink, File: path}); err != nil {
		w.t.Fatal(err)
	}
}

func (w *ownerWorld) status(args ...string) (int, []statusOutput) {
	w.t.Helper()
	code, stdout, stderr := w.run(append([]string{"status", "--json"}, args...)...)
	var out []statusOutput
	if err := json.Unmarshal([]byte(stdout), &out); err != nil {
		w.t.Fatalf("status --json printed %q (%v); stderr %s", stdout, err, stderr)
	}
	return code, out
}

// TestPresignRecordsHistory: presign adds its link to the app's history,
// without the secret, unless --no-history.
func TestPresignRecordsHistory(t *testing.T) {
	w := newOwnerWorld(t)
	share := w.presign("in/q3.pdf")
	w.presign("in/unrecorded.pdf", "--no-history")
	// An STS link carries its token: it stays out of the history file.
	w.vars[envSessionToken] = "sts-token-never-in-a-file"
	code, _, stderr := w.run("presign", "--endpoint", w.srv.URL(), "--region", "cn-hangzhou", "--bucket", "demo", "--key", "in/sts.pdf")
	if code != ExitOK || !strings.Contains(stderr, "not recorded in the history") {
		t.Fatalf("STS presign: exit %d\n%s", code, stderr)
	}
	delete(w.vars, envSessionToken)
	h, err := openHistory()
	if err != nil {
		t.Fatal(err)
	}
	entries, _ := h.List()
	if len(entries) != 1 || entries[0].Key != "in/q3.pdf" || entries[0].ShareLink != share || entries[0].Profile != "environment" || entries[0].Method != "PUT" {
		t.Fatalf("history %+v", entries)
	}
	raw, _ := os.ReadFile(h.Path())
	if strings.Contains(string(raw), testSecret) || strings.Contains(string(raw), "sts-token-never") {
		t.Fatal("the history holds the secret")
	}
}

// TestPresignFailureRecordsNothing: a link whose --qr file already exists
// is refused before it is printed, so it is never handed to anyone and must
// not wait in the history (a request link was recorded before its QR code
// was written); the failure says what to do on a hint line.
func TestPresignFailureRecordsNothing(t *testing.T) {
	w := newOwnerWorld(t)
	qr := filepath.Join(t.TempDir(), "taken.png")
	if err := os.WriteFile(qr, []byte("another link's code"), 0o600); err != nil {
		t.Fatal(err)
	}
	common := []string{"presign", "--endpoint", w.srv.URL(), "--path-style", "--region", "cn-hangzhou", "--bucket", "demo", "--qr", qr}
	for _, tt := range []struct {
		name string
		args []string
	}{
		{"PUT link", []string{"--key", "in/q3.pdf"}},
		{"request link", []string{"--request", "--prefix", "in/acme/"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := w.run(append(common, tt.args...)...)
			if code != ExitFailed || stdout != "" || stderr != "error: The file "+qr+" already exists.\nhint: Choose another --qr path, or remove the file.\n" {
				t.Fatalf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
			}
			h, err := openHistory()
			if err != nil {
				t.Fatal(err)
			}
			if entries, _ := h.List(); len(entries) != 0 {
				t.Fatalf("a link that was never printed is in the history: %+v", entries)
			}
			if got, _ := os.ReadFile(qr); string(got) != "another link's code" {
				t.Fatal("the existing file was changed")
			}
		})
	}
}

// TestStatusCommand walks a link from waiting to received, and another to
// expired, as 'ossdrop status --json' reports them.
func TestStatusCommand(t *testing.T) {
	w := newOwnerWorld(t)
	share := w.presign("in/q3.pdf")
	w.presign("in/never.pdf", "--expires", "2m")

	code, out := w.status()
	if code != ExitOK || len(out) != 2 {
		t.Fatalf("exit %d, %+v", code, out)
	}
	for _, o := range out {
		if o.State != "waiting" || o.Size != nil || o.ETag != "" || o.Objects == nil || o.Profile != "environment" {
			t.Errorf("before any upload: %+v", o)
		}
	}

	content := "numbers, numbers"
	w.upload(share, content)
	w.now = w.now.Add(5 * time.Minute) // past the second link's expiry
	code, out = w.status()
	byKey := map[string]statusOutput{}
	for _, o := range out {
		byKey[o.Key] = o
	}
	got := byKey["in/q3.pdf"]
	if code != ExitOK || got.State != "received" || got.Size == nil || *got.Size != int64(len(content)) || len(got.ETag) != 32 ||
		len(got.Objects) != 1 || got.Objects[0].CRC64 == "" || got.Objects[0].Key != "in/q3.pdf" {
		t.Fatalf("after the upload: exit %d, %+v", code, got)
	}
	if never := byKey["in/never.pdf"]; never.State != "expired" || len(never.Objects) != 0 {
		t.Fatalf("unused and past its expiry: %+v", never)
	}

	// The human table says the same.
	code, stdout, _ := w.run("status")
	if code != ExitOK || !strings.Contains(stdout, "received  demo/in/q3.pdf") || !strings.Contains(stdout, "expired   demo/in/never.pdf") || !strings.Contains(stdout, "CRC-64 ") {
		t.Fatalf("status:\n%s", stdout)
	}

	// A day later the expired link is no longer listed, unless --all.
	w.now = w.now.Add(25 * time.Hour)
	if _, out := w.status(); len(out) != 0 {
		t.Fatalf("a day after expiry: %+v", out)
	}
	if _, out := w.status("--all"); len(out) != 2 {
		t.Fatalf("--all: %+v", out)
	}
}

// TestStatusCommandErrors: a check that fails is a sentence on the link
// and exit 1; a link whose profile is gone is listed, not checked.
func TestStatusCommandErrors(t *testing.T) {
	w := newOwnerWorld(t)
	w.presign("in/q3.pdf")
	h, _ := openHistory()
	if err := h.Add(history.Entry{Profile: "removed-profile", Bucket: "demo", Key: "in/old.pdf", Method: "PUT",
		Created: w.now, Expires: w.now.Add(time.Hour), ShareLink: w.srv.URL() + "/demo/in/old.pdf"}); err != nil {
		t.Fatal(err)
	}

	w.vars[envAccessKeySecret] = "rotated-meanwhile"
	code, out := w.status()
	if code != ExitFailed || len(out) != 2 {
		t.Fatalf("exit %d, %+v", code, out)
	}
	for _, o := range out {
		switch o.Key {
		case "in/q3.pdf":
			// Signed with OSS_ACCESS_KEY_*: the fix is there, not in a profile.
			if o.State != "unknown" || o.Error != "OSS refused the AccessKey secret in OSS_ACCESS_KEY_SECRET." ||
				o.Hint != "Set OSS_ACCESS_KEY_SECRET to the current secret of the AccessKey in OSS_ACCESS_KEY_ID." {
				t.Errorf("wrong secret: %+v", o)
			}
		case "in/old.pdf":
			if o.State != "unknown" || o.Error != "Not checked: signed with the profile removed-profile, which no longer exists." || o.Hint == "" {
				t.Errorf("profile gone: %+v", o)
			}
		}
	}
	code, _, _ = w.run("status", "--watch", "--interval", "10ms")
	if code != ExitInvalid {
		t.Errorf("--interval 10ms: exit %d", code)
	}
	code, stdout, stderr := w.run("status", "--interval", "5s")
	if code != ExitInvalid || stdout != "" || !strings.Contains(stderr, "error: --interval 5s goes with --watch") || !strings.Contains(stderr, "hint: Add --watch to check every 5s") {
		t.Errorf("--interval without --watch: exit %d\n%s%s", code, stdout, stderr)
	}
}

// TestStatusWatch: --watch prints a round at once and stops when asked.
func TestStatusWatch(t *testing.T) {
	w := newOwnerWorld(t)
	w.presign("in/q3.pdf")
	ctx, cancel := context.WithCancel(context.Background())
	w.ctx = ctx
	var stdout, stderr lockedBuffer
	done := make(chan int)
	go func() { done <- Run([]string{"status", "--watch", "--json"}, w.env(&stdout, &stderr)) }()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(stdout.String(), "\n") {
		if time.Now().After(deadline) {
			t.Fatalf("no round printed; stderr %s", stderr.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	if code := <-done; code != ExitOK {
		t.Fatalf("exit %d", code)
	}
	var round []statusOutput
	if err := json.Unmarshal([]byte(strings.SplitN(stdout.String(), "\n", 2)[0]), &round); err != nil || len(round) != 1 || round[0].State != "waiting" {
		t.Fatalf("first round %q: %v", stdout.String(), err)
	}
}

// TestDownloadCommand fetches through the link the owner sent and by key,
// checks the CRC-64, never replaces a file unasked, and explains failures.
func TestDownloadCommand(t *testing.T) {
	w := newOwnerWorld(t)
	share := w.presign("in/报告 q3.pdf")
	content := strings.Repeat("figures ", 10000)
	w.upload(share, content)
	dir := t.TempDir()

	code, stdout, stderr := w.run("download", "--json", share, dir)
	var out downloadOutput
	if code != ExitOK || json.Unmarshal([]byte(stdout), &out) != nil {
		t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
	}
	want := filepath.Join(dir, "报告 q3.pdf")
	if got, _ := os.ReadFile(want); out.Path != want || string(got) != content || !out.CRCVerified || out.Size != int64(len(content)) || out.Key != "in/报告 q3.pdf" {
		t.Fatalf("download: %+v", out)
	}

	code, _, stderr = w.run("download", share, want)
	if code != ExitFailed || !strings.Contains(stderr, "already exists") || !strings.Contains(stderr, "hint: Add --force") {
		t.Fatalf("over an existing file: exit %d\n%s", code, stderr)
	}
	os.WriteFile(want, []byte("mine"), 0o600)
	code, stdout, stderr = w.run("download", "--force", "--endpoint", w.srv.URL(), "--path-style", "--region", "cn-hangzhou", "--bucket", "demo", "in/报告 q3.pdf", want)
	if got, _ := os.ReadFile(want); code != ExitOK || string(got) != content || !strings.Contains(stdout, "CRC-64 matches") {
		t.Fatalf("by key with --force: exit %d\n%s%s", code, stdout, stderr)
	}

	code, stdout, stderr = w.run("presign", "--json", "--request", "--endpoint", w.srv.URL(), "--region", "cn-hangzhou", "--bucket", "demo", "--prefix", "in/acme/")
	var req requestOutput
	if code != ExitOK || json.Unmarshal([]byte(stdout), &req) != nil {
		t.Fatalf("presign --request: exit %d\n%s%s", code, stdout, stderr)
	}
	requestShare := req.ShareLink

	tests := []struct {
		name, secret string
		args         []string
		code         int
		says         string
	}{
		{name: "wrong secret", secret: "wrong", args: []string{share, filepath.Join(dir, "x")}, code: ExitFailed,
			says: "error: OSS refused the AccessKey secret in OSS_ACCESS_KEY_SECRET.\nhint: Set OSS_ACCESS_KEY_SECRET to the current secret of the AccessKey in OSS_ACCESS_KEY_ID.\n"},
		{name: "missing bucket", args: []string{"--endpoint", w.srv.URL(), "--path-style", "--region", "cn-hangzhou", "--bucket", "nobody-here", "k.txt", filepath.Join(dir, "y")}, code: ExitFailed, says: "error: The bucket does not exist."},
		{name: "missing object", args: []string{strings.Replace(share, "q3.pdf", "q4.pdf", 1), filepath.Join(dir, "z")}, code: ExitFailed,
			says: "error: There is no object in/报告 q4.pdf in the bucket demo yet.\nhint: Check the key; an object appears once its upload has finished.\n"},
		{name: "a folder", args: []string{"--bucket", "demo", "in/"}, code: ExitInvalid, says: "names a folder"},
		{name: "not a link", args: []string{"ftp://x/y"}, code: ExitInvalid, says: "error: "},
		// Signed with OSS_ACCESS_KEY_*: there is no profile to set a region or bucket in.
		{name: "no region", args: []string{"--bucket", "demo", "k"}, code: ExitInvalid, says: "error: No region to sign the download with.\nhint: Add --region, such as cn-hangzhou.\n"},
		{name: "no bucket for a key", args: []string{"--region", "cn-hangzhou", "k"}, code: ExitInvalid, says: "error: No bucket to download k from.\nhint: Add --bucket B.\n"},
		{name: "custom domain", args: []string{"https://files.example.com/in/q3.pdf?x=1"}, code: ExitInvalid,
			says: "error: The link is on the custom domain https://files.example.com, which does not say which bucket it serves."},
		{name: "a request link", args: []string{requestShare}, code: ExitInvalid,
			says: "error: This request link takes many files into demo/in/acme/, so it names no one object to download.\nhint: 'ossdrop status' lists the files received"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w.vars[envAccessKeySecret] = ownerKey.Secret
			if tc.secret != "" {
				w.vars[envAccessKeySecret] = tc.secret
			}
			code, stdout, stderr := w.run(append([]string{"download"}, tc.args...)...)
			if code != tc.code || !strings.Contains(stderr, tc.says) {
				t.Fatalf("exit %d, want %d with %q\n%s%s", code, tc.code, tc.says, stdout, stderr)
			}
			if len(tc.args) > 0 && len(tc.args[0]) > 80 && strings.Contains(stderr, tc.args[0]) {
				t.Errorf("the whole link is echoed:\n%s", stderr)
			}
		})
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Fatalf("%s holds %d files: a failed download left something behind", dir, len(entries))
	}
}

// TestStatusOfARequestLink: 'presign --request' records the link, and
// status lists every file posted under its prefix.
func TestStatusOfARequestLink(t *testing.T) {
	w := newOwnerWorld(t)
	share := w.presign("", "--request", "--prefix", "in/photos/", "--max-size", "1MB")
	dir := t.TempDir()
	for _, name := range []string{"a.jpg", "b.jpg"} {
		os.WriteFile(filepath.Join(dir, name), []byte("pixels of "+name), 0o600)
	}
	if code, stdout, stderr := w.run("upload", share, filepath.Join(dir, "a.jpg"), filepath.Join(dir, "b.jpg")); code != ExitOK {
		t.Fatalf("upload: exit %d\n%s%s", code, stdout, stderr)
	}
	code, out := w.status()
	if code != ExitOK || len(out) != 1 {
		t.Fatalf("exit %d, %+v", code, out)
	}
	got := out[0]
	if got.Prefix != "in/photos/" || got.Key != "" || got.Method != "POST" || got.State != "received" || len(got.Objects) != 2 ||
		got.Objects[0].Key != "in/photos/a.jpg" || got.Objects[1].Size != int64(len("pixels of b.jpg")) {
		t.Fatalf("request link: %+v", got)
	}
}

// TestStatusTakenLink: a link the app made for a key that already held a
// file is shown as taken, with what was there, never as received.
func TestStatusTakenLink(t *testing.T) {
	now := time.Date(2026, 11, 26, 20, 13, 51, 0, time.UTC)
	e := history.Entry{ID: "t", Bucket: "demo", Key: "hello.txt", Method: "PUT", Created: now, Expires: now.Add(time.Hour),
		KeyChecked: true, Existing: &history.ExistingObject{ETag: "ABC", Size: 12, LastModified: now.Add(-time.Minute)}}
	var out strings.Builder
	printStatus(&out, []statusRow{{entry: e, status: arrivals.Status{EntryID: "t", State: arrivals.Taken}}}, now)
	if text := out.String(); !strings.Contains(text, "taken") || !strings.Contains(text, "already held a file") || !strings.Contains(text, "12 bytes") || strings.Contains(text, "received") {
		t.Errorf("status table:\n%s", text)
	}
	var rows []statusOutput
	if err := json.Unmarshal(mustJSON(t, statusJSON([]statusRow{{entry: e, status: arrivals.Status{EntryID: "t", State: arrivals.Taken}}})), &rows); err != nil || len(rows) != 1 || rows[0].State != "taken" {
		t.Errorf("--json: %+v, %v", rows, err)
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestEnvironmentHints: with the credentials in OSS_ACCESS_KEY_*, every
// command that reaches the bucket says to fix those variables (or give a
// flag), never to change a profile that is not in use.
func TestEnvironmentHints(t *testing.T) {
	w := newOwnerWorld(t)
	share := w.presign("in/q3.pdf")
	at := []string{"--endpoint", w.srv.URL(), "--path-style", "--region", "cn-hangzhou", "--bucket", "demo"}
	const wrongSecret = "error: OSS refused the AccessKey secret in OSS_ACCESS_KEY_SECRET.\nhint: Set OSS_ACCESS_KEY_SECRET to the current secret of the AccessKey in OSS_ACCESS_KEY_ID.\n"
	tests := []struct {
		name, secret string
		args         []string
		says         string
	}{
		{"cors show, wrong secret", "wrong", append([]string{"cors", "show"}, at...), wrongSecret},
		{"cors allow, wrong secret", "wrong", append([]string{"cors", "allow", "https://files.example.com"}, at...), wrongSecret},
		{"page publish, wrong secret", "wrong", append([]string{"page", "publish"}, at...), wrongSecret},
		{"download, wrong secret", "wrong", []string{"download", share, filepath.Join(t.TempDir(), "x")}, wrongSecret},
		{"cors show, no bucket", "", []string{"cors", "show", "--endpoint", w.srv.URL(), "--region", "cn-hangzhou"}, "hint: Give --region and --bucket.\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w.vars[envAccessKeySecret] = cmp.Or(tc.secret, ownerKey.Secret)
			code, stdout, stderr := w.run(tc.args...)
			if code == ExitOK || !strings.Contains(stderr, tc.says) || strings.Contains(stderr, "profile") {
				t.Errorf("exit %d, want %q and no profile\n%s%s", code, tc.says, stdout, stderr)
			}
		})
	}
}
