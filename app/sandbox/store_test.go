package sandbox

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"unicode"

	"github.com/ossdrop/ossdrop/signing"
)

// fullDisk is a temporary file that refuses to grow past limit bytes, as a
// file on a full disk does.
type fullDisk struct {
	*os.File
	limit, written int
}

func (f *fullDisk) Write(p []byte) (int, error) {
	if f.written+len(p) > f.limit {
		n := f.limit - f.written
		f.written += n
		f.File.Write(p[:n])
		return n, &os.PathError{Op: "write", Path: f.Name(), Err: syscall.ENOSPC}
	}
	f.written += len(p)
	return f.File.Write(p)
}

// TestFullDiskIsTheServersFault: a write error on the server is a 500
// InternalError logged at ERROR, not the uploader's IncompleteBody.
func TestFullDiskIsTheServersFault(t *testing.T) {
	env := startSandbox(t, nil)
	env.srv.store.createTemp = func(dir, pattern string) (tempFile, error) {
		f, err := os.CreateTemp(dir, pattern)
		if err != nil {
			return nil, err
		}
		return &fullDisk{File: f, limit: 1000}, nil
	}
	link := env.link(t, signing.Request{Key: "full.bin"})
	resp, body := env.put(t, link, randomBody(1, 64<<10))
	ossError(t, resp, body, http.StatusInternalServerError, CodeInternalError)
	logs := env.logs.String()
	if !strings.Contains(logs, "level=ERROR") || !strings.Contains(logs, "no space left on device") {
		t.Errorf("no ERROR line naming the cause:\n%s", logs)
	}
	if strings.Contains(logs, CodeIncompleteBody) {
		t.Errorf("the uploader was blamed:\n%s", logs)
	}
	if left, _ := os.ReadDir(filepath.Join(env.dir, "tmp")); len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}

	// A body that really is short is still the uploader's.
	conn := rawRequest(t, env, env.link(t, signing.Request{Key: "short.bin"}), 100)
	conn.Write([]byte("only this"))
	conn.(interface{ CloseWrite() error }).CloseWrite()
	waitForLog(t, env, "key=short.bin")
	if !strings.Contains(env.logs.String(), "key=short.bin status=400") || !strings.Contains(env.logs.String(), "code=IncompleteBody") {
		t.Errorf("short body:\n%s", env.logs.String())
	}
}

func waitForLog(t *testing.T, env *sandboxEnv, s string) {
	t.Helper()
	waitFor(t, func() string { return fmt.Sprintf("a log line with %q:\n%s", s, env.logs.String()) },
		func() bool { return strings.Contains(env.logs.String(), s) })
}

// TestStartupCleansCrashLeftovers: what a killed sandbox leaves behind (an
// upload's temporary file, a sidecar being written, a data file moved into
// place before its sidecar, an old data file that could not be removed)
// is gone when the next sandbox starts on the directory; objects stay.
func TestStartupCleansCrashLeftovers(t *testing.T) {
	dir := t.TempDir()
	srv, err := New(Config{Dir: dir, Keys: []Key{testKey}})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	link := presign(t, signing.Request{EndpointKind: signing.EndpointCustom, Endpoint: srv.URL(), Bucket: "demo", Key: "kept.txt", AllowOverwrite: true})
	req, _ := http.NewRequest(http.MethodPut, link.URL, strings.NewReader("kept"))
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 200 {
		t.Fatalf("put: %v %v", resp, err)
	}
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}

	bucket := filepath.Join(dir, "buckets", "demo")
	orphanHash := keyHash("orphan.txt")
	leftovers := []string{
		filepath.Join(dir, "tmp", "put-123456"), // fresh: a crash a moment ago
		filepath.Join(dir, "tmp", "meta-654321"),
		filepath.Join(bucket, orphanHash+".0123456789abcdef"),          // data without a sidecar
		filepath.Join(bucket, keyHash("kept.txt")+".fedcba9876543210"), // an old version's data
	}
	for _, p := range leftovers {
		if err := os.WriteFile(p, []byte("leftover"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	os.MkdirAll(filepath.Join(dir, "cors"), 0o700)
	leftovers = append(leftovers, filepath.Join(dir, "cors", ".demo.xml.123.tmp")) // CORS rules being written
	for _, p := range leftovers[len(leftovers)-1:] {
		if err := os.WriteFile(p, []byte("leftover"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	foreign := filepath.Join(bucket, "README")
	os.WriteFile(foreign, []byte("not ours"), 0o600)

	srv, err = New(Config{Dir: dir, Keys: []Key{testKey}})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	for _, p := range leftovers {
		if _, err := os.Stat(p); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s survived the start-up: %v", strings.TrimPrefix(p, dir), err)
		}
	}
	if _, err := os.Stat(foreign); err != nil {
		t.Errorf("a file the sandbox did not write was removed: %v", err)
	}
	info, err := srv.Stat("demo", "kept.txt")
	if err != nil || info.Size != 4 {
		t.Fatalf("the stored object did not survive: %v %v", info, err)
	}
}

// TestDirectoryLock: a second sandbox on the same directory is refused with
// a sentence naming the first (its process and address), whether the first
// is in this process or another; once the first stops, the directory is free.
func TestDirectoryLock(t *testing.T) {
	dir := t.TempDir()
	first, err := New(Config{Dir: dir, Keys: []Key{testKey}})
	if err != nil {
		t.Fatal(err)
	}
	if err := first.Start(); err != nil {
		t.Fatal(err)
	}
	_, err = New(Config{Dir: dir, Keys: []Key{testKey}})
	if !errors.Is(err, ErrDirInUse) {
		t.Fatalf("second New = %v, want ErrDirInUse", err)
	}
	for _, want := range []string{"process " + strconv.Itoa(os.Getpid()), first.URL(), dir} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%q does not name %q", err, want)
		}
	}
	// The lock is the kernel's, not the file's: a stale file from a killed
	// holder (this one, once shut down) does not block.
	if err := first.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	second, err := New(Config{Dir: dir, Keys: []Key{testKey}})
	if err != nil {
		t.Fatalf("New after the first stopped: %v", err)
	}
	second.Close()
}

// FuzzParseHolder: whatever a lock file holds, the phrase naming the
// holder is one printable line and never empty.
func FuzzParseHolder(f *testing.F) {
	for _, s := range []string{"pid=12\naddr=http://127.0.0.1:9000\n", "pid=12\n", "", "garbage", "addr=x", "pid=1\x1b[2J\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, content string) {
		got := parseHolder(content)
		if got == "" || strings.ContainsFunc(got, unicode.IsControl) {
			t.Fatalf("parseHolder(%q) = %q", content, got)
		}
	})
}
