// Package history records every link OSS Drop issues, so the desktop app's
// History list and the command line can show, share again and tidy them.
//
// The record is one JSON file, history.json, in a directory the caller
// chooses (the app uses os.UserConfigDir()/ossdrop). It holds no AccessKey
// secret, but it does hold working links: anyone who can read it can upload
// with them until they expire, so the file is written with mode 0600.
//
// A damaged or unknown file is never overwritten: every call that reads it
// returns an error matching ErrCorrupt, Add refuses, and only Reset, which
// the person asks for, moves the file aside and starts a new history.
package history

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/ossdrop/ossdrop/signing"
)

// MaxEntries caps the history so the file stays small (about a megabyte)
// and quick to rewrite on every change; Add drops the oldest entries beyond it.
const MaxEntries = 1000

// Sentinel errors for the conditions callers test with errors.Is.
var (
	// ErrNotFound: no entry has that ID.
	ErrNotFound = errors.New("no such history entry")
	// ErrCorrupt: history.json cannot be read (damaged JSON or a version this
	// OSS Drop does not know). The file is left alone until Reset.
	ErrCorrupt = errors.New("history file unreadable")
)

// Entry is one issued link.
type Entry struct {
	// ID is random, so two processes adding at once never pick the same one.
	ID string `json:"id"`
	// Profile is the credentials profile's name; never a secret.
	Profile string    `json:"profile,omitempty"`
	Bucket  string    `json:"bucket"`
	Key     string    `json:"key"`
	Method  string    `json:"method"`
	Created time.Time `json:"created"`
	Expires time.Time `json:"expires"`
	// Options is the English summary older versions of OSS Drop wrote
	// ("PUT · text/plain · overwrite protected"). It is read, never written:
	// an entry now keeps the facts below, which each reader words in its
	// own language.
	Options string `json:"options,omitempty"`
	// ShareLink is the link as it was shared (signing.Link.ShareLink): the
	// AccessKey ID and the signature, never a secret. A link signed with
	// STS credentials carries the security token, so such an entry keeps
	// no link at all (STS is set): the app puts its share link in the OS
	// keychain (credentials.LinkItem) instead.
	ShareLink string `json:"share_link,omitempty"`
	// STS says the link was signed with STS credentials; ShareLink is then
	// empty.
	STS bool `json:"sts,omitempty"`
	// PageURL is the upload page the link's page link opens (the profile's
	// page, or the sandbox's own); empty when the link had none. The page
	// link is signing.BuildPageLink(PageURL, kind, share link).
	PageURL string `json:"page_url,omitempty"`

	// What the owner bound into the link, as facts: the storage class, the
	// ACL, how many metadata fields, whether a callback and an MD5 are
	// signed in, and whether the link may replace an existing object.
	// ContentType (below) is the content type of a PUT link too.
	StorageClass   string `json:"storage_class,omitempty"`
	ACL            string `json:"acl,omitempty"`
	Metadata       int    `json:"metadata,omitempty"`
	Callback       bool   `json:"callback,omitempty"`
	MD5Pinned      bool   `json:"md5_pinned,omitempty"`
	AllowOverwrite bool   `json:"allow_overwrite,omitempty"`

	// Request links (Method "POST") take many files: Prefix is the folder
	// they arrive under (Key is then empty, or the one key a single-file
	// request link takes), and the limits its policy sets are kept as
	// facts: MinSize and MaxSize in bytes, ContentType (one exact type) or
	// ContentTypePrefix ("image/"). Arrivals of a request link are the
	// objects listed under Prefix.
	Prefix            string `json:"prefix,omitempty"`
	MinSize           int64  `json:"min_size,omitempty"`
	MaxSize           int64  `json:"max_size,omitempty"`
	ContentType       string `json:"content_type,omitempty"`
	ContentTypePrefix string `json:"content_type_prefix,omitempty"`

	// KeyChecked says the owner's bucket was asked, just before the link
	// was signed, whether an object was stored at Key; Existing is that
	// object, nil when the key was free. Without the check (a link made by
	// the command line, or a bucket that could not be asked) an object
	// found later may have been there before the link: only its time can
	// tell, within the clocks' skew.
	KeyChecked bool            `json:"key_checked,omitempty"`
	Existing   *ExistingObject `json:"existing,omitempty"`
}

// ExistingObject is the object a key held when a link for it was made:
// enough to know it again (its ETag and time), and its size to say so.
type ExistingObject struct {
	ETag         string    `json:"etag"`
	Size         int64     `json:"size"`
	LastModified time.Time `json:"last_modified"`
}

// SameObject reports whether an object with this ETag and time is the one
// that was there when the link was made. An upload through the link gives
// the object a new time, to the second (what HeadObject's Last-Modified
// tells): only the same bytes stored again within the same second would
// pass for the old object.
func (x *ExistingObject) SameObject(etag string, lastModified time.Time) bool {
	return x != nil && strings.EqualFold(strings.Trim(x.ETag, `"`), strings.Trim(etag, `"`)) &&
		x.LastModified.Truncate(time.Second).Equal(lastModified.Truncate(time.Second))
}

// Protected reports whether the link refuses to replace an existing
// object (x-oss-forbid-overwrite), the default for every upload link.
func (e Entry) Protected() bool { return e.Method != signing.MethodGet && !e.AllowOverwrite }

// NewEntry records link, signed for req by profile, as issued at now. link
// must be the result of signing req; its method and expiry win over req's
// because they are what OSS will check.
func NewEntry(profile string, req signing.Request, link *signing.Link, now time.Time) Entry {
	method := link.Method
	if method == "" {
		method = req.Method
	}
	if method == "" {
		method = signing.MethodPut
	}
	e := Entry{
		ID:      newID(),
		Profile: profile,
		Bucket:  req.Bucket,
		Key:     req.Key,
		Method:  method,
		Created: now.Round(0), // drop the monotonic reading, which a file cannot keep
		Expires: link.ExpiresAt,
	}
	e.setFacts(req, link.ShareLink())
	return e
}

// setFacts keeps what the owner chose for req, and the share link unless
// the link carries an STS token.
func (e *Entry) setFacts(req signing.Request, share string) {
	e.ContentType, e.StorageClass, e.Metadata = req.ContentType, req.StorageClass, len(req.Metadata)
	// "default" means the bucket's ACL, which is what no ACL means too.
	if req.ACL != "default" {
		e.ACL = req.ACL
	}
	e.Callback, e.MD5Pinned, e.AllowOverwrite = req.Callback != nil, req.ContentMD5 != "", req.AllowOverwrite
	if req.Credentials.SecurityToken != "" || CarriesToken(share) {
		e.STS = true
		return
	}
	e.ShareLink = share
}

// CarriesToken reports whether a link holds an STS security token, in its
// query (a PUT or GET link) or its fragment (a request link's form fields).
func CarriesToken(link string) bool {
	return strings.Contains(strings.ToLower(link), "x-oss-security-token")
}

// Expired reports whether the link no longer works at now. An entry with no
// expiry is never reported expired, so ClearExpired cannot drop it by mistake.
func (e Entry) Expired(now time.Time) bool {
	return !e.Expires.IsZero() && !now.Before(e.Expires)
}

// newID returns 16 hex digits: short enough to type after "ossdrop history
// delete", random enough never to collide in a 1000-entry list.
func newID() string {
	var b [8]byte
	rand.Read(b[:]) // never fails since Go 1.24
	return hex.EncodeToString(b[:])
}

// Store is the history in one directory. It is safe for concurrent use
// within one process; use one Store per directory. Every call reads the file
// afresh, so the app sees links the command line added; two processes
// changing the file at the same instant can still lose one change, which a
// history can afford and a cross-platform file lock would not justify.
type Store struct {
	dir string
	mu  sync.Mutex
}

// Open returns the history kept in dir, creating dir (mode 0700) if needed.
// It does not read the file, so a damaged history never stops the app from
// starting; List reports it instead.
func Open(dir string) (*Store, error) {
	if dir == "" {
		return nil, errors.New("open history: no directory given")
	}
	if err := mkdir(dir); err != nil {
		return nil, fmt.Errorf("open history: %w", err)
	}
	return &Store{dir: dir}, nil
}

// List returns every entry, newest first.
func (s *Store) List() ([]Entry, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	entries, err := s.read()
	if err != nil {
		return nil, fmt.Errorf("list history: %w", err)
	}
	return entries, nil
}

// Add records e, giving it an ID if it has none. When the history is full
// the oldest entries are dropped. Add refuses to touch a damaged file, so
// the links in it are not lost.
func (s *Store) Add(e Entry) error {
	if e.ID == "" {
		e.ID = newID()
	}
	return s.update("add history entry "+e.ID, func(entries []Entry) ([]Entry, error) {
		if slices.ContainsFunc(entries, func(x Entry) bool { return x.ID == e.ID }) {
			return nil, errors.New("the ID is already in the history")
		}
		entries = slices.Insert(entries, 0, e)
		sortNewestFirst(entries)
		if len(entries) > MaxEntries {
			entries = entries[:MaxEntries]
		}
		return entries, nil
	})
}

// Delete removes the entry with the given ID, or returns ErrNotFound.
func (s *Store) Delete(id string) error {
	return s.update("delete history entry "+id, func(entries []Entry) ([]Entry, error) {
		i := slices.IndexFunc(entries, func(x Entry) bool { return x.ID == id })
		if i < 0 {
			return nil, ErrNotFound
		}
		return slices.Delete(entries, i, i+1), nil
	})
}

// ClearExpired removes the entries whose links no longer work at now and
// says how many went.
func (s *Store) ClearExpired(now time.Time) (removed int, err error) {
	err = s.update("clear expired history", func(entries []Entry) ([]Entry, error) {
		kept := slices.DeleteFunc(entries, func(x Entry) bool { return x.Expired(now) })
		removed = len(entries) - len(kept)
		return kept, nil
	})
	return removed, err
}

// MoveTokens takes out of the file every share link that carries an STS
// security token, which older versions of OSS Drop kept there: keep is
// given each such link (the app puts it in the OS keychain) and the entry
// keeps its facts only, whether or not keep managed. It says how many
// links it moved.
func (s *Store) MoveTokens(keep func(id, shareLink string)) (moved int, err error) {
	err = s.update("move STS links out of the history", func(entries []Entry) ([]Entry, error) {
		for i, e := range entries {
			if CarriesToken(e.ShareLink) {
				keep(e.ID, e.ShareLink)
				entries[i].ShareLink, entries[i].STS = "", true
				moved++
			}
		}
		return entries, nil
	})
	return moved, err
}

// Clear removes every entry. Like Add it refuses a damaged file; Reset is
// the way out of that.
func (s *Store) Clear() error {
	return s.update("clear history", func([]Entry) ([]Entry, error) { return nil, nil })
}

// update applies change to the stored entries under the lock and writes the
// result. what names the operation in errors.
func (s *Store) update(what string, change func([]Entry) ([]Entry, error)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	entries, err := s.read()
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if entries, err = change(entries); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if err := s.write(entries); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

// sortNewestFirst orders by creation time; the sort is stable, so of two
// entries created at the same instant the one added later stays in front.
func sortNewestFirst(entries []Entry) {
	slices.SortStableFunc(entries, func(a, b Entry) int { return b.Created.Compare(a.Created) })
}
