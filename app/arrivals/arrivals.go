// Package arrivals tells the owner whether the files they asked for have
// arrived. For each upload link in the history it asks the owner's bucket,
// with the SDK client of the profile that signed the link (app/bucket),
// whether the object is there (HeadObject) or, for a request link, which
// files are under its prefix (ListObjectsV2): waiting, received, or expired
// with nothing received. A Watcher checks the links still open while the
// program runs, with backoff on errors, announces each new object exactly
// once, and remembers what it saw in a small state file that holds no
// secret. The package never imports Fyne: the desktop app and the command
// line share it.
package arrivals

import (
	"path"
	"time"

	"github.com/ossdrop/ossdrop/app/history"
	"github.com/ossdrop/ossdrop/signing"
)

// State is what became of an upload link.
type State string

// States of a link. The JSON output of "ossdrop status" uses these words.
const (
	// Waiting: the link still works and nothing has arrived through it.
	Waiting State = "waiting"
	// Received: at least one object arrived (Status.Objects).
	Received State = "received"
	// Expired: the link stopped working and nothing arrived.
	Expired State = "expired"
	// Taken: the key already held an object when the link was made, and
	// the link refuses to replace it (overwrite protection), so nothing
	// can arrive through it while that object is there.
	Taken State = "taken"
	// Unknown: the link was not checked (its profile is gone) or the check
	// failed before anything was known; Status.Err says why.
	Unknown State = "unknown"
)

// RecheckWindow is how long after its expiry a link is still checked: an
// upload that started just before the end may finish after it, and the
// owner may look the next morning.
const RecheckWindow = 24 * time.Hour

// PreexistingSlack is how much older than its link an object may be and
// still count as arrived through it, for a link whose key was not checked
// when it was made (history.Entry.KeyChecked): the owner's clock and OSS's
// may differ, by up to the 15 minutes OSS itself tolerates. An object
// older than that was there before the link was made.
const PreexistingSlack = 15 * time.Minute

// Object is one file that arrived.
type Object struct {
	Bucket string `json:"bucket"`
	Key    string `json:"key"`
	Size   int64  `json:"size"`
	// ETag is without quotes.
	ETag string `json:"etag"`
	// CRC64 is decimal, as x-oss-hash-crc64ecma; empty until a HeadObject
	// told it (a listing does not).
	CRC64        string    `json:"crc64,omitempty"`
	ContentType  string    `json:"content_type,omitempty"`
	LastModified time.Time `json:"last_modified"`
}

// ID names one version of an object: the same key uploaded again is a new
// arrival, announced again.
func (o Object) ID() string { return o.Bucket + "/" + o.Key + "#" + o.ETag }

// Name is the object's file name, the last part of its key.
func (o Object) Name() string { return path.Base(o.Key) }

// Status is what is known about one link.
type Status struct {
	EntryID string
	State   State
	// Objects are the arrivals, by key: at most one for a PUT link, any
	// number for a request link.
	Objects []Object
	// Truncated says a request link's folder held more files than one
	// listing reads (bucket.MaxListed).
	Truncated bool
	// CheckedAt is when the bucket last answered; zero if it never did.
	CheckedAt time.Time
	// Err is why the last check failed or could not run (a *bucket.Error,
	// or one wrapping ErrProfileGone); the other fields keep what an
	// earlier check found.
	Err error
}

// Arrival is one new object, announced once.
type Arrival struct {
	Entry  history.Entry
	Object Object
}

// Watched reports whether e is an upload link, the kind whose arrivals
// are checked: a PUT link or a request (POST) link. Download links are not.
func Watched(e history.Entry) bool {
	return e.Method == signing.MethodPut || e.Method == methodPost
}

// methodPost is the method of a request link (a PostObject form).
const methodPost = "POST"

// Due reports whether e is checked at now: an upload link still open or
// expired less than RecheckWindow ago.
func Due(e history.Entry, now time.Time) bool {
	return Watched(e) && (e.Expires.IsZero() || now.Before(e.Expires.Add(RecheckWindow)))
}

// arrived keeps the objects that came after the link was made, so a file
// that was already there is not announced. Where the key was checked when
// the link was made, that is exact: any object but the one recorded then
// arrived. Elsewhere only the object's time tells, within PreexistingSlack.
func arrived(e history.Entry, objects []Object) []Object {
	var out []Object
	for _, o := range objects {
		if preexisting(e, o) {
			continue
		}
		out = append(out, o)
	}
	return out
}

// preexisting reports whether o was stored before e was made.
func preexisting(e history.Entry, o Object) bool {
	if e.KeyChecked && o.Key == e.Key {
		return e.Existing.SameObject(o.ETag, o.LastModified)
	}
	return o.LastModified.Before(e.Created.Add(-PreexistingSlack))
}

// stateOf is the state of e at now given what arrived; blocked says the
// object that held the key when e was made is still there.
func stateOf(e history.Entry, objects []Object, blocked bool, now time.Time) State {
	switch {
	case len(objects) > 0:
		return Received
	case blocked && e.Protected():
		return Taken
	case e.Expired(now):
		return Expired
	}
	return Waiting
}

// Settled reports whether s can no longer change: a PUT link that refuses
// to overwrite and has received its one object. Such links need no more
// checks.
func Settled(e history.Entry, s Status) bool {
	if s.State != Received || e.Method != signing.MethodPut {
		return false
	}
	in, err := signing.Inspect(e.ShareLink, time.Now())
	if err != nil {
		return false
	}
	v, _ := in.Headers.Get("x-oss-forbid-overwrite")
	return v == "true"
}
