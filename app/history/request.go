package history

import (
	"time"

	"github.com/ossdrop/ossdrop/signing"
)

// NewRequestEntry records a request link, signed for req by profile, as
// issued at now. Its folder and limits are read from the link, which holds
// what the signed policy allows.
func NewRequestEntry(profile string, req signing.Request, l *signing.RequestLink, now time.Time) Entry {
	e := Entry{
		ID:      newID(),
		Profile: profile,
		Bucket:  l.Bucket,
		Key:     l.Key,
		Method:  signing.MethodPost,
		Created: now.Round(0),
		Expires: l.ExpiresAt,
		Prefix:  l.Prefix,
		MinSize: l.MinSize,
		MaxSize: l.MaxSize,
	}
	e.setFacts(req, l.ShareLink())
	// The policy is what OSS checks: its types win over the form's.
	e.ContentType, e.ContentTypePrefix = l.ContentType, l.ContentTypePrefix
	e.AllowOverwrite = !l.ForbidOverwrite
	return e
}

// IsRequestLink reports whether the entry is a request link, whose
// arrivals are the objects under Prefix.
func (e Entry) IsRequestLink() bool { return e.Method == signing.MethodPost }
