//go:build !linux

package sandbox

import (
	"errors"
	"os"
)

// setDirect leaves the file as it is where direct I/O is not offered the
// same way: uploads are written through the system's cache.
func setDirect(*os.File, bool) error { return errors.ErrUnsupported }

// startWriteback does nothing where the system has no way to start a
// range's writeback early: fsync does all of it before the commit.
func startWriteback(*os.File, int64, int64) {}
