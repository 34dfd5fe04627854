package history

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/ossdrop/ossdrop/app/privatefile"
)

// FileName is the history file inside the store's directory.
const FileName = "history.json"

// fileVersion is bumped when the file's shape changes incompatibly; a file
// with another version is treated like a damaged one, so an older OSS Drop
// never rewrites a newer one's history.
const fileVersion = 1

// historyFile is the on-disk form, entries newest first.
type historyFile struct {
	Version int     `json:"version"`
	Entries []Entry `json:"entries"`
}

// CorruptError says that the history file cannot be read and what to do.
// It matches ErrCorrupt and the underlying cause with errors.Is.
type CorruptError struct {
	Path string
	// Reason is what is wrong, e.g. "written by a newer OSS Drop (version 2)".
	Reason string
	cause  error
}

// Error is a sentence a person can act on.
func (e *CorruptError) Error() string {
	return fmt.Sprintf("the history file %s cannot be read: %s; it is left untouched, and Reset keeps it aside and starts a new history", e.Path, e.Reason)
}

// Unwrap lets errors.Is see both ErrCorrupt and the cause.
func (e *CorruptError) Unwrap() []error {
	if e.cause == nil {
		return []error{ErrCorrupt}
	}
	return []error{ErrCorrupt, e.cause}
}

// Path returns the history file's path, for messages.
func (s *Store) Path() string { return filepath.Join(s.dir, FileName) }

// Reset moves the history file aside as history.json.corrupt-<UTC time of
// now> and starts an empty history. It is the way out of ErrCorrupt, and
// keeps the old file so nothing is lost without the person's say. movedTo
// is empty when there was no file.
func (s *Store) Reset(now time.Time) (movedTo string, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	movedTo = s.Path() + ".corrupt-" + now.UTC().Format("20060102T150405Z")
	// Rename would replace an earlier copy made in the same second.
	if _, err := os.Lstat(movedTo); err == nil {
		return "", fmt.Errorf("reset history: %s already exists: try again in a second", movedTo)
	}
	if err := os.Rename(s.Path(), movedTo); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return "", nil
		}
		return "", fmt.Errorf("reset history: %w", err)
	}
	return movedTo, nil
}

// read returns the stored entries; a missing file is an empty history.
func (s *Store) read() ([]Entry, error) {
	data, err := os.ReadFile(s.Path())
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", s.Path(), err)
	}
	var f historyFile
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, &CorruptError{Path: s.Path(), Reason: fmt.Sprintf("it is damaged (%v)", err), cause: err}
	}
	if f.Version != fileVersion {
		return nil, &CorruptError{Path: s.Path(), Reason: fmt.Sprintf("it is version %d and this OSS Drop reads version %d", f.Version, fileVersion)}
	}
	// Keep the order promise even if someone edited the file by hand.
	sortNewestFirst(f.Entries)
	return f.Entries, nil
}

// write replaces the history file atomically: a crash leaves either the old
// file or the new one, never a damaged one.
func (s *Store) write(entries []Entry) error {
	if entries == nil {
		entries = []Entry{} // "entries": [] reads better than null
	}
	data, err := json.MarshalIndent(historyFile{Version: fileVersion, Entries: entries}, "", "  ")
	if err != nil {
		return err
	}
	// The directory may have been removed since Open.
	if err := mkdir(s.dir); err != nil {
		return err
	}
	return privatefile.Write(s.Path(), append(data, '\n'))
}

func mkdir(dir string) error { return os.MkdirAll(dir, 0o700) }
