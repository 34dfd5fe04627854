package sandbox

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// dataFilePattern is the name of an object's data file: the key's hash and
// a random suffix (store.commit). Only such files are ever removed from a
// bucket directory; anything else there is not the sandbox's.
var dataFilePattern = regexp.MustCompile(`^[0-9a-f]{64}\.[0-9a-f]{16}$`)

// cleanup removes what a killed server left half-done. It runs while the
// directory lock is held and before serving, when nothing can be writing:
//
//   - every file in tmp/: uploads and sidecars being written;
//   - every data file no sidecar names: moved into place just before a
//     crash and never committed, or an old version whose removal failed
//     (on Windows, while a reader had it open);
//   - a bucket's CORS rules being written (privatefile's ".name.*.tmp").
//
// It returns how many files it removed.
func (s *store) cleanup() (int, error) {
	removed := 0
	var errs []error
	remove := func(path string) {
		if err := os.Remove(path); err == nil {
			removed++
		} else if !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	entries, err := os.ReadDir(s.tmpDir())
	if err != nil {
		return 0, fmt.Errorf("clean up %s: %w", s.tmpDir(), err)
	}
	for _, e := range entries {
		remove(filepath.Join(s.tmpDir(), e.Name()))
	}
	cors := filepath.Join(s.dir, "cors")
	if entries, err := os.ReadDir(cors); err == nil {
		for _, e := range entries {
			if strings.HasPrefix(e.Name(), ".") && strings.HasSuffix(e.Name(), ".tmp") {
				remove(filepath.Join(cors, e.Name()))
			}
		}
	}

	names, err := s.bucketNames()
	if err != nil {
		return removed, fmt.Errorf("clean up buckets: %w", err)
	}
	for _, name := range names {
		dir := filepath.Join(s.dir, "buckets", name)
		files, err := os.ReadDir(dir)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		named, unreadable := map[string]bool{}, map[string]bool{}
		for _, f := range files {
			hash, ok := strings.CutSuffix(f.Name(), ".json")
			if !ok {
				continue
			}
			meta, err := readSidecar(filepath.Join(dir, f.Name()))
			if err != nil {
				// Keep its data: a person may still recover the object.
				unreadable[hash] = true
				continue
			}
			named[filepath.Base(meta.Data)] = true
		}
		for _, f := range files {
			name := f.Name()
			hash, _, _ := strings.Cut(name, ".")
			if dataFilePattern.MatchString(name) && !named[name] && !unreadable[hash] {
				remove(filepath.Join(dir, name))
			}
		}
	}
	return removed, errors.Join(errs...)
}
