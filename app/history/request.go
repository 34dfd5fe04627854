package history

import (
	"strings"
	"time"

	"github.com/ossdrop/ossdrop/signing"
)

// NewRequestEntry records a request link, signed for req by profile, as
// issued at now. Its folder and limits are read from the link, which holds
// what the signed policy allows.
func NewRequestEntry(profile string, req signing.Request, l *signing.RequestLink, now time.Time) Entry {
	return Entry{
		ID:                newID(),
		Profile:           profile,
		Bucket:            l.Bucket,
		Key:               l.Key,
		Method:            signing.MethodPost,
		Created:           now.Round(0),
		Expires:           l.ExpiresAt,
		Options:           requestSummary(req, l),
		ShareLink:         l.ShareLink(),
		Prefix:            l.Prefix,
		MinSize:           l.MinSize,
		MaxSize:           l.MaxSize,
		ContentType:       l.ContentType,
		ContentTypePrefix: l.ContentTypePrefix,
	}
}

// IsRequestLink reports whether the entry is a request link, whose
// arrivals are the objects under Prefix.
func (e Entry) IsRequestLink() bool { return e.Method == signing.MethodPost }

// requestSummary is the History line's options: the method, then what the
// owner chose, as summary does for PUT links.
func requestSummary(req signing.Request, l *signing.RequestLink) string {
	parts := []string{signing.MethodPost, "many files"}
	if l.ContentTypePrefix != "" {
		parts = append(parts, l.ContentTypePrefix+"…")
	}
	rest := summary(req, signing.MethodPut)
	rest = strings.TrimPrefix(rest, signing.MethodPut)
	return strings.Join(parts, " · ") + rest
}
