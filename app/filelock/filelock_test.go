package filelock

import (
	"os"
	"path/filepath"
	"testing"
)

// TestTryLock: one holder at a time, this process included; the lock is
// free again once given up, or once its file is closed.
func TestTryLock(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.lock")
	open := func() *os.File {
		f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { f.Close() })
		return f
	}
	a, b := open(), open()
	for _, step := range []struct {
		name string
		f    *os.File
		want bool
		then func()
	}{
		{"first", a, true, nil},
		{"second while the first holds it", b, false, func() {
			if err := Unlock(a); err != nil {
				t.Fatal(err)
			}
		}},
		{"second after Unlock", b, true, func() { b.Close() }},
		{"a third after the holder's file closed", open(), true, nil},
	} {
		held, err := TryLock(step.f)
		if err != nil || held != step.want {
			t.Fatalf("%s: held %v, %v; want %v", step.name, held, err, step.want)
		}
		if step.then != nil {
			step.then()
		}
	}
}
