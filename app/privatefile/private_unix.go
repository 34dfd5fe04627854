//go:build !windows

package privatefile

import (
	"fmt"
	"os"
)

// Check reports (as an error) whether others than the owner can reach
// path, a file Write made or the directory holding one: on Unix, whether
// any group or other permission bit is set.
func Check(path string) error {
	info, err := os.Stat(path)
	if err != nil {
		return err
	}
	if perm := info.Mode().Perm(); perm&0o077 != 0 {
		return fmt.Errorf("%s is open to others: mode %v", path, perm)
	}
	return nil
}

// restrict makes f readable by its owner only. CreateTemp already uses
// 0600; Chmod says so explicitly, whatever the umask.
func restrict(f *os.File) error { return f.Chmod(0o600) }
