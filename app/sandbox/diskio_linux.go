package sandbox

import (
	"os"

	"golang.org/x/sys/unix"
)

// setDirect turns direct I/O (O_DIRECT) on or off for f. Direct writes
// go from the upload's buffers to the disk without being copied into the
// page cache: the copy cost about as much as the socket read, and pages
// the kernel had to take fresh from a virtual machine's host cost several
// times that. A filesystem without direct I/O (tmpfs) refuses, and the
// upload is written through the page cache as before.
func setDirect(f *os.File, on bool) error {
	rc, err := f.SyscallConn()
	if err != nil {
		return err
	}
	cerr := rc.Control(func(fd uintptr) {
		var flags int
		if flags, err = unix.FcntlInt(fd, unix.F_GETFL, 0); err != nil {
			return
		}
		if on {
			flags |= unix.O_DIRECT
		} else {
			flags &^= unix.O_DIRECT
		}
		_, err = unix.FcntlInt(fd, unix.F_SETFL, flags)
	})
	if cerr != nil {
		return cerr
	}
	return err
}

// startWriteback asks the kernel to start writing a file's range to disk
// now, without waiting for it, so that the fsync before the commit finds
// most of an upload already written instead of all of it (for what was
// written through the page cache).
func startWriteback(f *os.File, off, n int64) {
	rc, err := f.SyscallConn()
	if err != nil {
		return
	}
	_ = rc.Control(func(fd uintptr) {
		// Only a hint: a system that cannot leaves the work to fsync.
		_ = unix.SyncFileRange(int(fd), off, n, unix.SYNC_FILE_RANGE_WRITE)
	})
}
