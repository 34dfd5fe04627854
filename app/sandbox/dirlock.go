package sandbox

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"unicode"

	"github.com/ossdrop/ossdrop/app/filelock"
)

// ErrDirInUse says another sandbox holds the directory: two servers on one
// directory would each think they alone decide whether a key exists, so an
// overwrite-protected key could be stored twice.
var ErrDirInUse = errors.New("sandbox directory in use")

// lockFileName is the file in the directory that the OS lock is taken on.
// It also says who holds it, for the sentence the next server prints; the
// lock itself is the kernel's, so a holder that was killed holds nothing.
const lockFileName = "sandbox.lock"

// dirLock is an exclusive OS file lock on a sandbox directory (flock on
// Unix, LockFileEx on Windows: app/filelock).
type dirLock struct {
	f *os.File
}

// dirInUseError names the server that holds the directory.
type dirInUseError struct {
	dir    string
	holder string
}

func (e *dirInUseError) Error() string {
	return fmt.Sprintf("another sandbox (%s) is using the directory %s", e.holder, e.dir)
}

func (e *dirInUseError) Unwrap() error { return ErrDirInUse }

// lockDir creates dir if needed and takes its lock, or returns an error
// wrapping ErrDirInUse that names the holder.
func lockDir(dir string) (*dirLock, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("sandbox directory %s: %w", dir, err)
	}
	if err := os.MkdirAll(abs, 0o700); err != nil {
		return nil, fmt.Errorf("create sandbox directory: %w", err)
	}
	path := filepath.Join(abs, lockFileName)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open the directory lock: %w", err)
	}
	held, err := filelock.TryLock(f)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("lock the directory %s: %w", abs, err)
	}
	if !held {
		f.Close()
		return nil, &dirInUseError{dir: abs, holder: readHolder(path)}
	}
	l := &dirLock{f: f}
	l.describe("")
	return l, nil
}

// describe records who holds the lock: this process and, once it
// listens, its address. Best effort: the lock holds without it.
func (l *dirLock) describe(addr string) {
	text := "pid=" + strconv.Itoa(os.Getpid()) + "\n"
	if addr != "" {
		text += "addr=" + addr + "\n"
	}
	if err := l.f.Truncate(0); err == nil {
		_, _ = l.f.WriteAt([]byte(text), 0)
	}
}

// release gives the directory up (closing the file would too).
func (l *dirLock) release() {
	_ = filelock.Unlock(l.f)
	l.f.Close()
}

// readHolder says who holds a lock file, as "process 1234,
// http://127.0.0.1:9000".
func readHolder(path string) string {
	raw, _ := os.ReadFile(path)
	return parseHolder(string(raw))
}

// parseHolder reads what describe wrote; anything else says so.
func parseHolder(text string) string {
	var pid, addr string
	for line := range strings.Lines(text) {
		name, value, _ := strings.Cut(strings.TrimSpace(line), "=")
		// The file is anyone's to edit: keep only what describe writes.
		switch {
		case name == "pid" && value != "" && strings.Trim(value, "0123456789") == "":
			pid = value
		case name == "addr":
			addr = strings.Map(func(r rune) rune {
				if unicode.IsPrint(r) && r != ' ' {
					return r
				}
				return -1
			}, value)
		}
	}
	switch {
	case pid == "":
		return "a process that did not say which"
	case addr == "":
		return "process " + pid + ", not listening yet"
	}
	return "process " + pid + ", " + addr
}
