//go:build windows

package sandbox

import (
	"errors"
	"os"

	"golang.org/x/sys/windows"
)

// lockedRange is the byte range LockFileEx locks: far past the holder's
// text, because a Windows lock is mandatory and the next server must still
// read who holds the directory.
func lockedRange() *windows.Overlapped {
	return &windows.Overlapped{Offset: 0, OffsetHigh: 0x7fffffff}
}

// tryLock takes an exclusive lock on f without waiting; held is false when
// another handle (in any process, this one included) has it.
func tryLock(f *os.File) (held bool, err error) {
	err = windows.LockFileEx(windows.Handle(f.Fd()), windows.LOCKFILE_EXCLUSIVE_LOCK|windows.LOCKFILE_FAIL_IMMEDIATELY, 0, 1, 0, lockedRange())
	if errors.Is(err, windows.ERROR_LOCK_VIOLATION) {
		return false, nil
	}
	return err == nil, err
}

func unlockFile(f *os.File) error {
	return windows.UnlockFileEx(windows.Handle(f.Fd()), 0, 1, 0, lockedRange())
}
