package appprefs

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRead reads a preferences file as Fyne writes it (one JSON object of
// any values); a missing file is no preferences; a damaged one an error.
func TestRead(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "preferences.json")
	if err := os.WriteFile(path, []byte(`{"sandbox.addr":"127.0.0.1:41009","sandbox.keyID":"SANDBOX01","download.folder":"/tmp","n":3,"list":["a"]}`+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	p, err := Read(path)
	if err != nil || p.String(SandboxAddr) != "127.0.0.1:41009" || p.String(SandboxKeyID) != "SANDBOX01" || p.String("n") != "" || p.String("missing") != "" {
		t.Fatalf("Read = %v, %v", p, err)
	}
	if p, err := Read(filepath.Join(dir, "none.json")); err != nil || len(p) != 0 {
		t.Errorf("a missing file: %v, %v", p, err)
	}
	os.WriteFile(path, []byte("{"), 0o600)
	if _, err := Read(path); err == nil {
		t.Error("a damaged file was read")
	}
}

// TestPath: the file is where Fyne keeps this app's preferences, under its
// configuration directory and the app's ID.
func TestPath(t *testing.T) {
	root := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", root) // Linux and the BSDs
	t.Setenv("HOME", root)            // macOS
	t.Setenv("USERPROFILE", root)     // Windows
	got, err := Path()
	if err != nil {
		t.Fatal(err)
	}
	tail := filepath.Join("fyne", "io.github.ossdrop", "preferences.json")
	if !strings.HasPrefix(got, root+string(filepath.Separator)) || !strings.HasSuffix(got, string(filepath.Separator)+tail) {
		t.Errorf("Path = %q, want %s/…/%s", got, root, tail)
	}
}
