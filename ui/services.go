package ui

import (
	"context"
	"errors"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"github.com/ossdrop/ossdrop/app/arrivals"
	"github.com/ossdrop/ossdrop/app/bucket"
	"github.com/ossdrop/ossdrop/app/credentials"
	"github.com/ossdrop/ossdrop/app/history"
	"github.com/ossdrop/ossdrop/app/sandbox"
	"github.com/ossdrop/ossdrop/signing"
)

// Services is everything the UI asks of the rest of the program. Run wires
// the real ones; tests pass fakes. Every call may block (keychain, disk,
// network), so the UI makes them off the UI goroutine.
type Services struct {
	Profiles Profiles
	History  History
	// Presign signs a link (signing.Presign in production).
	Presign func(context.Context, signing.Request) (*signing.Link, error)
	// StartSandbox starts the embedded local OSS endpoint and returns the
	// profile and credentials that sign for it (nil when unavailable).
	StartSandbox func() (*Sandbox, error)
	// Now is the clock for expiry times and countdowns.
	Now func() time.Time
	// Bucket makes the owner's own requests to a bucket: its CORS rules and
	// the upload page (bucket.New in production).
	Bucket func(bucket.Target) (BucketAdmin, error)
	// Arrivals remembers which arrivals were announced, each link's last
	// status and where downloads went; nil keeps them in memory only.
	Arrivals *arrivals.Store
	// Reveal shows a downloaded file in the system's file manager.
	Reveal func(path string) error
	// Getenv reads the environment the app was started with (os.Getenv in
	// production; nil: none): links made with 'ossdrop presign' and the
	// OSS_ACCESS_KEY_* variables are checked with those variables, as
	// 'ossdrop status' checks them in its shell.
	Getenv func(string) string
	// Keychain keeps the secrets that belong to no profile: the sandbox's
	// key pair and the share links of links signed with STS credentials
	// (credentials.SystemItems() in production); nil keeps none.
	Keychain Keychain
}

// Keychain is credentials.Items: secrets in the OS keychain by item name.
type Keychain interface {
	Get(name string) (string, error)
	Set(name, value string) error
	Delete(name string) error
}

// keychainAway reports whether the OS keychain cannot be reached, so
// that no form asks for a secret it cannot keep. As the sandbox's key
// does, it takes any answer but "not found" to mean the keychain is away
// (on Linux: no Secret Service). Off the UI goroutine; a nil keychain
// (tests) is never away.
func keychainAway(k Keychain) bool {
	if k == nil {
		return false
	}
	_, err := k.Get(credentials.ProbeItem)
	return err != nil && !errors.Is(err, credentials.ErrItemNotFound)
}

// keychainAwayText says, where an AccessKey would be added, why it cannot
// be and what to do.
func keychainAwayText() string {
	return lang.L("The OS keychain is not available (on Linux, no Secret Service such as GNOME Keyring or KWallet is running), so no AccessKey or new secret can be saved. Start a keyring and open Profiles… again, or use Try it locally, which needs none.")
}

// BucketAdmin is the part of bucket.Client the app uses for the owner's
// own requests: what a key holds before a link is made for it, and the
// Browser uploads dialog's CORS rules and page.
type BucketAdmin interface {
	Head(ctx context.Context, key string) (*bucket.ObjectInfo, error)
	CORSRules(ctx context.Context) ([]bucket.CORSRule, error)
	AllowOrigin(ctx context.Context, origin string) (*bucket.AllowResult, error)
	PublishPage(ctx context.Context, page []byte, contentType string) (*bucket.Published, error)
}

// Sandbox is a running local OSS endpoint and the key pair that signs for
// it; its secret is in the OS keychain (or in memory only), never in a file.
type Sandbox struct {
	Profile     credentials.Profile
	Credentials signing.Credentials
	Dir         string
	Stop        func()
	// Kept says the key pair is in the keychain and comes back after a
	// restart; false: it lives in memory, and its links end with the app.
	Kept bool
	// Moved is the address of the last run when another program took it.
	Moved string
	// stat reads an object's information from the sandbox's own store (an
	// error wrapping sandbox.ErrNotFound when there is none); nil in tests
	// that fake a sandbox.
	stat func(bucket, key string) (*sandbox.ObjectInfo, error)
}

// Profiles is the part of credentials.Store the UI uses.
type Profiles interface {
	List() ([]credentials.Profile, error)
	Add(credentials.Profile, credentials.Secrets) error
	Update(credentials.Profile) error
	Rotate(credentials.Profile, credentials.Secrets) error
	Remove(name string) error
	Load(name string) (credentials.Profile, signing.Credentials, error)
}

// History is the part of history.Store the UI uses.
type History interface {
	Add(history.Entry) error
	List() ([]history.Entry, error)
	Delete(id string) error
	ClearExpired(now time.Time) (int, error)
	MoveTokens(keep func(id, shareLink string)) (int, error)
}

// presignAndRecord signs req with profile's credentials (already in req)
// and records the link in the history, as every link the app issues is,
// with what its key held when it was made (check); off the UI goroutine.
// kept is false when the history could not keep the link itself (see
// record).
func (s *Services) presignAndRecord(profile credentials.Profile, req signing.Request, check keyCheck) (link *signing.Link, kept bool, err error) {
	link, err = s.Presign(context.Background(), req)
	if err != nil {
		return nil, false, err
	}
	e := history.NewEntry(profile.Name, req, link, s.Now())
	check.record(&e)
	if link.Method == signing.MethodPut && profile.PageURL != "" {
		if _, err := signing.BuildPageLink(profile.PageURL, signing.PageKindPut, link.ShareLink()); err == nil {
			e.PageURL = profile.PageURL
		}
	}
	return link, s.record(e, link.ShareLink()), nil
}

// record adds e to the history. A link signed with STS credentials carries
// its security token, which never goes to a file: its entry holds the
// facts only, and its share link goes to the OS keychain under the entry's
// ID. kept is false when that failed (no keychain): the History tab then
// says the link was not kept. Off the UI goroutine.
func (s *Services) record(e history.Entry, share string) (kept bool) {
	if s.History == nil {
		return true
	}
	kept = true
	if e.STS {
		kept = s.Keychain != nil && s.Keychain.Set(credentials.LinkItem(e.ID), share) == nil
	}
	if err := s.History.Add(e); err != nil {
		fyne.LogError("record the link in the history", err) // the link itself is fine
	}
	return kept
}

// shareLinkOf is the share link of a history entry: its own, or for a link
// signed with STS credentials the one in the keychain. Off the UI goroutine.
func (s *Services) shareLinkOf(e history.Entry) (string, error) {
	if !e.STS {
		return e.ShareLink, nil
	}
	if s.Keychain == nil {
		return "", errLinkNotKept
	}
	link, err := s.Keychain.Get(credentials.LinkItem(e.ID))
	if errors.Is(err, credentials.ErrItemNotFound) {
		return "", errLinkNotKept
	}
	return link, err
}

// errLinkNotKept: a link signed with STS credentials whose share link the
// keychain does not hold (there was none when it was made, or it was
// removed there).
var errLinkNotKept = errors.New("the link was not kept")
