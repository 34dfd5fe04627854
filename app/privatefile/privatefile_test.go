package privatefile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWriteIsPrivate(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "ossdrop")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "profiles.json")
	for _, content := range []string{"one", "two, replacing one"} {
		if err := Write(path, []byte(content)); err != nil {
			t.Fatal(err)
		}
		if got, err := os.ReadFile(path); err != nil || string(got) != content {
			t.Errorf("read %q, %v; want %q", got, err, content)
		}
	}
	for _, p := range []string{path, dir} {
		if err := Check(p); err != nil {
			t.Error(err)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("temporary files left behind: %v", entries)
	}
}

// TestCheckAndLooserFiles: Check sees a file opened to others (mode bits
// on Unix, an access list entry for Everyone on Windows), and Write
// replaces it with a private one.
func TestCheckAndLooserFiles(t *testing.T) {
	path := filepath.Join(t.TempDir(), "profiles.json")
	if err := Write(path, []byte("x")); err != nil {
		t.Fatal(err)
	}
	loosen(t, path)
	if err := Check(path); err == nil || !strings.Contains(err.Error(), "is open to") {
		t.Errorf("Check of a loosened file = %v", err)
	}
	if err := Write(path, []byte("y")); err != nil {
		t.Fatal(err)
	}
	if err := Check(path); err != nil {
		t.Errorf("after Write: %v", err)
	}
}
