package arrivals

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/ossdrop/ossdrop/app/privatefile"
)

// FileName is the state file, beside the history in the config directory.
const FileName = "arrivals.json"

// stateVersion is bumped when the file's shape changes incompatibly.
const stateVersion = 1

// forgetAnnouncedAfter is how long an announcement is remembered: past
// every link's life (7 days) and RecheckWindow, so no object is announced
// twice, while the file stays small.
const forgetAnnouncedAfter = 30 * 24 * time.Hour

// maxDownloads caps the remembered local copies; the oldest go first.
const maxDownloads = 500

// stateFile is the on-disk form. It holds object keys, sizes, checksums
// and local paths: nothing secret.
type stateFile struct {
	Version int `json:"version"`
	// Announced maps Object.ID to when it was announced.
	Announced map[string]time.Time `json:"announced"`
	// Seen is the last status found for each link, by history entry ID.
	Seen map[string]savedStatus `json:"seen"`
	// Downloads maps Object.ID to the file it was last saved as.
	Downloads map[string]savedDownload `json:"downloads"`
}

type savedStatus struct {
	State     State     `json:"state"`
	Objects   []Object  `json:"objects,omitempty"`
	Truncated bool      `json:"truncated,omitempty"`
	CheckedAt time.Time `json:"checked_at"`
}

type savedDownload struct {
	Path string    `json:"path"`
	At   time.Time `json:"at"`
}

// parseState reads a state file; an error says it cannot be used.
func parseState(data []byte) (*stateFile, error) {
	var f stateFile
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, err
	}
	if f.Version != stateVersion {
		return nil, fmt.Errorf("version %d, not %d", f.Version, stateVersion)
	}
	for id, s := range f.Seen {
		switch s.State {
		case Waiting, Received, Expired, Taken, Unknown:
		default:
			delete(f.Seen, id)
		}
	}
	return &f, nil
}

// Store remembers which objects were announced, the last status of each
// link and where downloads went, in memory and (when it has a directory)
// in FileName. It is safe for concurrent use.
type Store struct {
	path  string
	mu    sync.Mutex
	state stateFile
	dirty bool
}

// Open reads the state kept in dir (the config directory). A missing file
// is a fresh start; so is a damaged one, which is only a cache: the worst
// loss is an object announced a second time. dir "" keeps the state in
// memory only.
func Open(dir string) (*Store, error) {
	s := &Store{state: stateFile{Version: stateVersion}}
	if dir == "" {
		return s, nil
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("open the arrivals state: %w", err)
	}
	s.path = filepath.Join(dir, FileName)
	data, err := os.ReadFile(s.path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return nil, fmt.Errorf("open the arrivals state: %w", err)
	default:
		if f, err := parseState(data); err == nil {
			s.state = *f
		}
	}
	return s, nil
}

// Path is the state file, or "" for a store in memory.
func (s *Store) Path() string { return s.path }

// announce marks the objects announced at now and returns those that were
// not yet: each object is announced once, whichever link it came through.
func (s *Store) announce(objects []Object, now time.Time) []Object {
	s.mu.Lock()
	defer s.mu.Unlock()
	var fresh []Object
	for _, o := range objects {
		if _, done := s.state.Announced[o.ID()]; done {
			continue
		}
		if s.state.Announced == nil {
			s.state.Announced = map[string]time.Time{}
		}
		s.state.Announced[o.ID()] = now
		s.dirty = true
		fresh = append(fresh, o)
	}
	return fresh
}

// Status returns the last status remembered for a link.
func (s *Store) Status(entryID string) (Status, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	saved, ok := s.state.Seen[entryID]
	if !ok {
		return Status{}, false
	}
	return Status{EntryID: entryID, State: saved.State, Objects: saved.Objects, Truncated: saved.Truncated, CheckedAt: saved.CheckedAt}, true
}

// setStatus remembers a link's status; errors are not kept, they are
// about this moment.
func (s *Store) setStatus(st Status) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.state.Seen == nil {
		s.state.Seen = map[string]savedStatus{}
	}
	saved := savedStatus{State: st.State, Objects: st.Objects, Truncated: st.Truncated, CheckedAt: st.CheckedAt}
	if old, ok := s.state.Seen[st.EntryID]; ok && equalSaved(old, saved) {
		return
	}
	s.state.Seen[st.EntryID] = saved
	s.dirty = true
}

func equalSaved(a, b savedStatus) bool {
	if a.State != b.State || a.Truncated != b.Truncated || !a.CheckedAt.Equal(b.CheckedAt) || len(a.Objects) != len(b.Objects) {
		return false
	}
	for i := range a.Objects {
		if a.Objects[i] != b.Objects[i] {
			return false
		}
	}
	return true
}

// forget drops the statuses of links for which keep is false (links no
// longer in the history).
func (s *Store) forget(keep func(entryID string) bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for id := range s.state.Seen {
		if !keep(id) {
			delete(s.state.Seen, id)
			s.dirty = true
		}
	}
}

// Download returns the local file an object was last saved as, if any.
func (s *Store) Download(objectID string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d, ok := s.state.Downloads[objectID]
	return d.Path, ok
}

// SetDownload remembers where an object was saved, for "Reveal", and
// writes the state file.
func (s *Store) SetDownload(objectID, path string, now time.Time) error {
	s.mu.Lock()
	if s.state.Downloads == nil {
		s.state.Downloads = map[string]savedDownload{}
	}
	s.state.Downloads[objectID] = savedDownload{Path: path, At: now}
	for len(s.state.Downloads) > maxDownloads {
		oldest := ""
		for id, d := range s.state.Downloads {
			if oldest == "" || d.At.Before(s.state.Downloads[oldest].At) {
				oldest = id
			}
		}
		delete(s.state.Downloads, oldest)
	}
	s.dirty = true
	s.mu.Unlock()
	return s.Save(now)
}

// Save writes the state file if anything changed, dropping announcements
// older than a month.
func (s *Store) Save(now time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for id, at := range s.state.Announced {
		if now.Sub(at) > forgetAnnouncedAfter {
			delete(s.state.Announced, id)
			s.dirty = true
		}
	}
	if !s.dirty || s.path == "" {
		return nil
	}
	s.state.Version = stateVersion
	data, err := json.MarshalIndent(s.state, "", "  ")
	if err != nil {
		return fmt.Errorf("save the arrivals state: %w", err)
	}
	if err := privatefile.Write(s.path, append(data, '\n')); err != nil {
		return fmt.Errorf("save the arrivals state: %w", err)
	}
	s.dirty = false
	return nil
}
