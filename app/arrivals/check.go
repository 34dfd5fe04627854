package arrivals

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/ossdrop/ossdrop/app/bucket"
	"github.com/ossdrop/ossdrop/app/credentials"
	"github.com/ossdrop/ossdrop/app/history"
	"github.com/ossdrop/ossdrop/signing"
)

// ErrProfileGone is wrapped when a link's profile no longer exists (or,
// for the app's sandbox, is not running): its links are not checked.
var ErrProfileGone = errors.New("the link's profile is gone")

// Errors of EnvironmentAccount: the links signed with the OSS_ACCESS_KEY_*
// variables cannot be checked by a process that was not given them. Both
// wrap ErrProfileGone, so such links are listed as not checked.
var (
	ErrNoEnvironment       = fmt.Errorf("signed with %s, which is not set here: %w", credentials.EnvAccessKeyID, ErrProfileGone)
	ErrNoEnvironmentSecret = fmt.Errorf("signed with %s, but %s is empty here: %w", credentials.EnvAccessKeyID, credentials.EnvAccessKeySecret, ErrProfileGone)
)

// EnvironmentAccount is the account of links signed with the OSS_ACCESS_KEY_*
// variables (credentials.EnvironmentProfile), read through getenv: this
// process's own variables, which the command line and the desktop app were
// each started with or not.
func EnvironmentAccount(getenv func(string) string) (Account, error) {
	p, c, ok := credentials.FromEnv(getenv)
	switch {
	case !ok:
		return Account{}, ErrNoEnvironment
	case c.AccessKeySecret == "":
		return Account{}, ErrNoEnvironmentSecret
	}
	return Account{Profile: p, Credentials: c}, nil
}

// Account is what the owner's requests about a profile's links are signed
// with.
type Account struct {
	// Profile gives the region and endpoint when a link does not say them.
	Profile     credentials.Profile
	Credentials signing.Credentials
}

// Lookup finds the account of a profile by name. It returns an error
// wrapping ErrProfileGone when there is no such profile any more.
type Lookup func(profile string) (Account, error)

// TargetFor is where the owner's requests about e go: the endpoint and
// region the link itself was signed for (so a link made with another
// endpoint than the profile's is checked where it points), the entry's
// bucket, and the account's credentials.
func TargetFor(e history.Entry, a Account) bucket.Target {
	p := a.Profile
	t := bucket.Target{Region: p.Region, EndpointKind: p.EndpointKind, Endpoint: p.Endpoint, PathStyle: p.PathStyle,
		Bucket: e.Bucket, Credentials: a.Credentials}
	if at, err := signing.LinkEndpoint(e.ShareLink); err == nil {
		t.EndpointKind, t.Endpoint, t.PathStyle = at.EndpointKind, at.Endpoint, at.PathStyle
		if at.Region != "" {
			t.Region = at.Region
		}
	}
	return t
}

// maxHeadsPerCheck bounds the HeadObject requests one check of a request
// link makes to learn new files' CRC-64 and content type; the rest are
// looked up on the next check.
const maxHeadsPerCheck = 20

// found is what one check learnt about a link.
type found struct {
	objects   []Object
	truncated bool
	// blocked: the object that held the key when the link was made is
	// still there (history.Entry.Existing).
	blocked bool
}

// check asks the bucket about e and returns the arrivals it found; known
// holds what an earlier check found, so a request link's files are looked
// up (HeadObject) only once.
func check(ctx context.Context, e history.Entry, t bucket.Target, known []Object) (found, error) {
	c, err := bucket.New(t)
	if err != nil {
		return found{}, err
	}
	if e.Key != "" { // a PUT link, or a request link bound to one key
		info, err := c.Head(ctx, e.Key)
		if errors.Is(err, bucket.ErrNotFound) && !isNoSuchBucket(err) {
			return found{}, nil
		}
		if err != nil {
			return found{}, err
		}
		o := fromInfo(e.Bucket, info)
		if e.KeyChecked && e.Existing.SameObject(o.ETag, o.LastModified) {
			return found{blocked: true}, nil
		}
		return found{objects: arrived(e, []Object{o})}, nil
	}
	l, err := c.List(ctx, e.Prefix)
	if err != nil {
		return found{}, err
	}
	var listed []Object
	for _, info := range l.Objects {
		listed = append(listed, fromInfo(e.Bucket, &info))
	}
	objects := arrived(e, listed)
	heads := 0
	for i, o := range objects {
		if j := slices.IndexFunc(known, func(k Object) bool { return k.ID() == o.ID() && k.CRC64 != "" }); j >= 0 {
			objects[i] = known[j]
			continue
		}
		if heads == maxHeadsPerCheck {
			continue
		}
		heads++
		info, err := c.Head(ctx, o.Key)
		if errors.Is(err, bucket.ErrNotFound) {
			continue // deleted between the listing and now: listed as it was
		}
		if err != nil {
			return found{}, err
		}
		objects[i] = fromInfo(e.Bucket, info)
	}
	return found{objects: objects, truncated: l.Truncated}, nil
}

// isNoSuchBucket tells a missing bucket (an error to show) from a missing
// object (simply nothing yet).
func isNoSuchBucket(err error) bool {
	var be *bucket.Error
	return errors.As(err, &be) && be.Code == "NoSuchBucket"
}

func fromInfo(bucketName string, info *bucket.ObjectInfo) Object {
	return Object{Bucket: bucketName, Key: info.Key, Size: info.Size, ETag: info.ETag, CRC64: info.CRC64,
		ContentType: info.ContentType, LastModified: info.LastModified}
}

// Check finds the status of one link now, with the account lookup doing
// the keychain work; prev, when not nil, is what an earlier check found
// and is kept when this one fails.
func Check(ctx context.Context, e history.Entry, lookup Lookup, prev *Status, now time.Time) Status {
	s := Status{EntryID: e.ID, State: Unknown}
	if prev != nil {
		s = *prev
		s.Err = nil
	}
	a, err := lookup(e.Profile)
	if err != nil {
		s.Err = err
		return s
	}
	f, err := check(ctx, e, TargetFor(e, a), s.Objects)
	if err != nil {
		s.Err = err
		return s
	}
	s.Objects, s.Truncated, s.CheckedAt = f.objects, f.truncated, now
	s.State = stateOf(e, f.objects, f.blocked, now)
	return s
}

// ProfileGone is the error a Lookup returns for a profile it does not know.
func ProfileGone(name string) error {
	return fmt.Errorf("profile %q: %w", name, ErrProfileGone)
}
