//go:build !windows

package privatefile

import (
	"os"
	"testing"
)

// loosen makes path readable by everyone, the Unix way.
func loosen(t *testing.T, path string) {
	t.Helper()
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
}
