package credentials

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/ossdrop/ossdrop/signing"
)

// Store is the set of profiles: settings in Dir()/profiles.json, secrets in
// a Keychain. Its methods are safe for concurrent use by one process; two
// processes writing at once keep the last write.
type Store struct {
	dir      string
	keychain Keychain
	// Now is the clock for STS expiry; nil means time.Now.
	Now func() time.Time

	mu sync.Mutex
}

// NewStore returns a store that keeps its file in dir and its secrets in kc.
// Nothing is read or created until a method needs it.
func NewStore(dir string, kc Keychain) *Store {
	return &Store{dir: dir, keychain: kc}
}

// DefaultDir is os.UserConfigDir()/ossdrop, e.g. ~/.config/ossdrop on Linux.
func DefaultDir() (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("find the config directory: %w", err)
	}
	return filepath.Join(dir, "ossdrop"), nil
}

// OpenDefault returns the store in DefaultDir backed by the OS keychain.
func OpenDefault() (*Store, error) {
	dir, err := DefaultDir()
	if err != nil {
		return nil, err
	}
	return NewStore(dir, SystemKeychain{}), nil
}

// Path is the profiles file.
func (s *Store) Path() string { return filepath.Join(s.dir, FileName) }

func (s *Store) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// List returns the stored profiles sorted by name. It does not touch the
// keychain, so it never prompts and works when the keychain is locked.
func (s *Store) List() ([]Profile, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ps, err := s.readFile()
	slices.SortFunc(ps, func(a, b Profile) int { return strings.Compare(a.Name, b.Name) })
	return ps, err
}

// Get returns the profile called name, without its secrets.
func (s *Store) Get(name string) (Profile, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ps, err := s.readFile()
	if err != nil {
		return Profile{}, err
	}
	i := index(ps, name)
	if i < 0 {
		return Profile{}, noProfile(name)
	}
	return ps[i], nil
}

// Default returns the default profile, or an error wrapping ErrNoDefault.
func (s *Store) Default() (Profile, error) {
	ps, err := s.List()
	if err != nil {
		return Profile{}, err
	}
	for _, p := range ps {
		if p.Default {
			return p, nil
		}
	}
	hint := "add one with 'ossdrop profile add NAME --access-key-id ID --region REGION --default'"
	if len(ps) > 0 {
		hint = "choose one with 'ossdrop profile default NAME'"
	}
	return Profile{}, newError("", ErrNoDefault, nil, "no profile is the default", hint)
}

func index(ps []Profile, name string) int {
	return slices.IndexFunc(ps, func(p Profile) bool { return p.Name == name })
}

// Load returns the profile called name with the credentials to sign with.
// It fails with ErrTokenExpired before asking the keychain, so an expired
// STS profile never triggers an unlock prompt.
func (s *Store) Load(name string) (Profile, signing.Credentials, error) {
	p, err := s.Get(name)
	if err != nil {
		return Profile{}, signing.Credentials{}, err
	}
	if p.Expired(s.now()) {
		return p, signing.Credentials{}, tokenExpired(p)
	}
	sec, err := s.getSecrets(p)
	if err != nil {
		return p, signing.Credentials{}, err
	}
	return p, signing.Credentials{
		AccessKeyID:     p.AccessKeyID,
		AccessKeySecret: sec.AccessKeySecret,
		SecurityToken:   sec.SecurityToken,
		TokenExpires:    p.STSExpires,
	}, nil
}

func (s *Store) getSecrets(p Profile) (Secrets, error) {
	var sec Secrets
	for _, it := range items(p.Kind) {
		v, err := s.keychain.Get(Service, it.user(p.Name))
		if err != nil {
			return Secrets{}, keychainError(p.Name, it, err)
		}
		sec.set(it, v)
	}
	return sec, nil
}

func (sec *Secrets) set(it secretItem, v string) {
	if it == itemToken {
		sec.SecurityToken = v
	} else {
		sec.AccessKeySecret = v
	}
}

func (sec Secrets) get(it secretItem) string {
	if it == itemToken {
		return sec.SecurityToken
	}
	return sec.AccessKeySecret
}

// putSecrets writes p's items; on failure it removes the ones it wrote, so
// a half-added profile leaves nothing in the keychain.
func (s *Store) putSecrets(p Profile, sec Secrets) error {
	var done []secretItem
	for _, it := range items(p.Kind) {
		if err := s.keychain.Set(Service, it.user(p.Name), sec.get(it)); err != nil {
			for _, d := range done {
				s.keychain.Delete(Service, d.user(p.Name))
			}
			return keychainError(p.Name, it, err)
		}
		done = append(done, it)
	}
	return nil
}

// deleteSecrets removes every item a profile called name may own; items
// already gone are fine.
func (s *Store) deleteSecrets(name string) error {
	for _, it := range []secretItem{itemSecret, itemToken} {
		if err := s.keychain.Delete(Service, it.user(name)); err != nil && !isNotFound(err) {
			return keychainError(name, it, err)
		}
	}
	return nil
}

// Check reports whether the profile's secrets are all in the keychain,
// without handing them out and whether or not an STS token has expired.
func (s *Store) Check(name string) error {
	p, err := s.Get(name)
	if err != nil {
		return err
	}
	_, err = s.getSecrets(p)
	return err
}
