package ui

import (
	"context"
	"time"

	"fyne.io/fyne/v2"

	"github.com/ossdrop/ossdrop/app/arrivals"
	"github.com/ossdrop/ossdrop/app/bucket"
	"github.com/ossdrop/ossdrop/app/credentials"
	"github.com/ossdrop/ossdrop/app/history"
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
}

// BucketAdmin is the part of bucket.Client the Browser uploads dialog uses.
type BucketAdmin interface {
	CORSRules(ctx context.Context) ([]bucket.CORSRule, error)
	AllowOrigin(ctx context.Context, origin string) (*bucket.AllowResult, error)
	PublishPage(ctx context.Context, page []byte, contentType string) (*bucket.Published, error)
}

// Sandbox is a running local OSS endpoint and the in-memory key pair that
// signs for it; the secret never reaches the keychain or a file.
type Sandbox struct {
	Profile     credentials.Profile
	Credentials signing.Credentials
	Dir         string
	Stop        func()
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
}

// presignAndRecord signs req and records the link in the history, as
// every link the app issues is; off the UI goroutine.
func (s *Services) presignAndRecord(profile string, req signing.Request) (*signing.Link, error) {
	link, err := s.Presign(context.Background(), req)
	if err != nil {
		return nil, err
	}
	if s.History != nil {
		if err := s.History.Add(history.NewEntry(profile, req, link, s.Now())); err != nil {
			fyne.LogError("record the link in the history", err) // the link itself is fine
		}
	}
	return link, nil
}
