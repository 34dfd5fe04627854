package sandbox

import (
	"syscall"

	"golang.org/x/sys/unix"
)

// startWriteback asks the kernel to start writing a file's range to disk
// now, without waiting for it, so that the fsync before the commit finds
// most of an upload already written instead of all of it.
func startWriteback(f syscall.Conn, off, n int64) {
	rc, err := f.SyscallConn()
	if err != nil {
		return
	}
	_ = rc.Control(func(fd uintptr) {
		// Only a hint: a system that cannot leaves the work to fsync.
		_ = unix.SyncFileRange(int(fd), off, n, unix.SYNC_FILE_RANGE_WRITE)
	})
}
