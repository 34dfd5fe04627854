package ui

import (
	"context"
	"errors"
	"fmt"
	"path"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/ossdrop/ossdrop/app/bucket"
	"github.com/ossdrop/ossdrop/app/credentials"
	"github.com/ossdrop/ossdrop/app/history"
	"github.com/ossdrop/ossdrop/app/sandbox"
	"github.com/ossdrop/ossdrop/signing"
)

// Before the Create tab signs an upload link it asks the owner's bucket
// what the key holds: a link with overwrite protection for a key that
// already holds a file could never store anything, and the History tab
// must not take that file for an arrival through the new link.

// keyCheckTimeout bounds the owner's question about a key: signing is
// offline and quick, and a bucket that does not answer in time must not
// hold the link up for long. The link is then made unchecked.
const keyCheckTimeout = 5 * time.Second

// maxFreeKeyTries bounds the keys tried for a free one (hello-2.txt …).
const maxFreeKeyTries = 100

// sign reads the secrets, asks the bucket what the key holds, and signs
// and records the link with what it found; off the UI goroutine. A link
// that protects a key which already holds a file could never store
// anything: unless anyway, it is not made (link nil), and check says what
// is there and which key is free. kept is false when the history could not
// keep the link.
func (t *createTab) sign(profile credentials.Profile, sandbox *Sandbox, req signing.Request, anyway bool) (link *signing.Link, kept bool, check keyCheck, err error) {
	creds, err := t.credentials(profile, sandbox)
	if err != nil {
		return nil, false, check, err
	}
	req.Credentials = creds
	check = checkKey(t.svc.probeFor(profile, sandbox, req), req.Key)
	if check.existing != nil && !req.AllowOverwrite && !anyway {
		return nil, false, check, nil
	}
	link, kept, err = t.svc.presignAndRecord(profile, req, check)
	return link, kept, check, err
}

// keyProbe says what an object key of one bucket holds: the object, or
// nil when there is none; an error when the bucket could not be asked.
type keyProbe func(ctx context.Context, key string) (*history.ExistingObject, error)

// keyCheck is what the bucket said about a link's key just before it was
// signed.
type keyCheck struct {
	// checked: the bucket answered; existing is then the object at the
	// key (nil: the key was free).
	checked  bool
	existing *history.ExistingObject
	// free is a key nearby that holds nothing (hello-2.txt), when the key
	// was taken; empty when none was found.
	free string
}

// record puts what the check found into the link's history entry.
func (c keyCheck) record(e *history.Entry) {
	e.KeyChecked, e.Existing = c.checked, c.existing
}

// probeFor is how the owner can ask about keys of req's bucket: the
// sandbox's own store (always), else a HeadObject with the profile's
// credentials (already in req) through Services.Bucket; nil when there is
// no way. Off the UI goroutine.
func (s *Services) probeFor(profile credentials.Profile, sb *Sandbox, req signing.Request) keyProbe {
	if sb != nil && sb.stat != nil && profile.Name == sb.Profile.Name {
		return func(_ context.Context, key string) (*history.ExistingObject, error) {
			info, err := sb.stat(req.Bucket, key)
			switch {
			case errors.Is(err, sandbox.ErrNotFound):
				return nil, nil
			case err != nil:
				return nil, err
			}
			return &history.ExistingObject{ETag: info.ETag, Size: info.Size, LastModified: info.LastModified}, nil
		}
	}
	if s.Bucket == nil {
		return nil
	}
	return func(ctx context.Context, key string) (*history.ExistingObject, error) {
		admin, err := s.Bucket(req)
		if err != nil {
			return nil, err
		}
		info, err := admin.Head(ctx, key)
		if errors.Is(err, bucket.ErrNotFound) && !isNoSuchBucket(err) {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		return &history.ExistingObject{ETag: info.ETag, Size: info.Size, LastModified: info.LastModified}, nil
	}
}

// isNoSuchBucket tells a missing bucket (the key cannot be checked) from
// a missing object (the key is free).
func isNoSuchBucket(err error) bool {
	var be *bucket.Error
	return errors.As(err, &be) && be.Code == "NoSuchBucket"
}

// checkKey asks probe about key and, when it is taken, looks for a free
// key nearby. A probe that fails leaves the key unchecked. Off the UI
// goroutine.
func checkKey(probe keyProbe, key string) keyCheck {
	if probe == nil {
		return keyCheck{}
	}
	ctx, cancel := context.WithTimeout(context.Background(), keyCheckTimeout)
	defer cancel()
	existing, err := probe(ctx, key)
	if err != nil {
		return keyCheck{}
	}
	c := keyCheck{checked: true, existing: existing}
	if existing != nil {
		c.free, _ = freeKey(func(k string) (bool, error) {
			x, err := probe(ctx, k)
			return x != nil, err
		}, key)
	}
	return c
}

// numberedKey splits a name that ends in a counter (hello-2) into the
// name and the number.
var numberedKey = regexp.MustCompile(`^(.*[^/])-([2-9]|[1-9][0-9]+)$`)

// freeKey is key, or the first of key-2, key-3… (the number before the
// extension) that taken says is free; an error when taken fails or none
// of maxFreeKeyTries is free.
func freeKey(taken func(string) (bool, error), key string) (string, error) {
	base, ext := key, path.Ext(key)
	if ext != "" && ext != key && !strings.HasSuffix(strings.TrimSuffix(key, ext), "/") {
		base = strings.TrimSuffix(key, ext)
	} else {
		ext = ""
	}
	start := 2
	// A key this function numbered (hello-2.txt, whose hello.txt is taken
	// too) goes on to hello-3.txt, not hello-2-2.txt. A number alone is no
	// sign of a series (q3-26.csv with no q3.csv): it is left as it is.
	if m := numberedKey.FindStringSubmatch(base); m != nil {
		if n, err := strconv.Atoi(m[2]); err == nil && n < maxFreeKeyTries {
			if t, err := taken(m[1] + ext); err == nil && t {
				base, start = m[1], n+1
			}
		}
	}
	candidate := key
	for i := start; ; i++ {
		t, err := taken(candidate)
		if err != nil {
			return "", err
		}
		if !t {
			return candidate, nil
		}
		if i > maxFreeKeyTries {
			return "", fmt.Errorf("no free key after %s", candidate)
		}
		candidate = fmt.Sprintf("%s-%d%s", base, i, ext)
	}
}

// keyUsed moves the form on to a free key when a file was just stored
// through a link this app made for the key the form still shows: the
// next link for that key would meet the file (and, protected, store
// nothing). On the UI goroutine; the bucket is asked off it.
func (t *createTab) keyUsed(in *signing.Inspection) {
	p, ok := t.selectedProfile()
	key := t.key.Text
	if !ok || in.Request != nil || t.many.many() || p.AccessKeyID == "" || p.AccessKeyID != in.AccessKeyID || key != in.Key ||
		(in.Bucket != "" && strings.TrimSpace(t.bucket.Text) != in.Bucket) {
		return
	}
	sb := t.sandbox
	req, _ := t.request()
	go func() {
		// Without a way to ask, the key just used is the one known taken.
		taken := func(k string) (bool, error) { return k == key, nil }
		if creds, err := t.credentials(p, sb); err == nil {
			req.Credentials = creds
			if probe := t.svc.probeFor(p, sb, req); probe != nil {
				ctx, cancel := context.WithTimeout(context.Background(), keyCheckTimeout)
				defer cancel()
				taken = func(k string) (bool, error) {
					x, err := probe(ctx, k)
					return x != nil || k == key, err
				}
			}
		}
		free, err := freeKey(taken, key)
		if err != nil {
			return
		}
		toUI(func() {
			if t.key.Text == key {
				t.key.SetText(free)
			}
		})
	}()
}
