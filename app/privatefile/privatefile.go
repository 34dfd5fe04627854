// Package privatefile writes files only their owner may read (profiles,
// history) so that a crash, a full disk or a kill never leaves a half-written
// file: the data goes to a temporary file in the same directory, is synced,
// and is renamed over the old file.
package privatefile

import (
	"os"
	"path/filepath"
)

// Write replaces path with data, atomically, readable by its owner only
// (mode 0600 on Unix, an access list of the owner on Windows).
func Write(path string, data []byte) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err = restrict(tmp); err != nil {
		return err
	}
	if _, err = tmp.Write(data); err != nil {
		return err
	}
	if err = tmp.Sync(); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	// Persist the rename itself; not every system can sync a directory.
	if d, derr := os.Open(filepath.Dir(path)); derr == nil {
		d.Sync()
		d.Close()
	}
	return nil
}
