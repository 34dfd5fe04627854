package sandbox

import (
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Signature versions Signed.Version reports.
const (
	VersionV4 = "v4"
	VersionV1 = "v1"
)

// Limits OSS puts on a V4 presigned URL.
const (
	// MaxV4Expires is the longest x-oss-expires OSS accepts: 7 days.
	MaxV4Expires = 604800
	// ClockSkew is how far in the future x-oss-date may be.
	ClockSkew = 15 * time.Minute
)

const (
	v4Algorithm     = "OSS4-HMAC-SHA256"
	v4TimeFormat    = "20060102T150405Z"
	v4DateFormat    = "20060102"
	v4Terminator    = "aliyun_v4_request"
	unsignedPayload = "UNSIGNED-PAYLOAD"
)

// Key is an AccessKey pair the sandbox (or a test) accepts.
type Key struct {
	ID     string
	Secret string
	// RequireToken marks a temporary (STS) pair: requests must carry a
	// security token, as OSS refuses a temporary AccessKey ID without one.
	// The sandbox cannot check the token's value; it is signed, so it
	// cannot be changed in transit.
	RequireToken bool
}

// String shows the ID only, so a stray %v cannot leak the secret.
func (k Key) String() string {
	return "sandbox.Key{ID: " + k.ID + ", Secret: " + presence(k.Secret) + "}"
}

// GoString keeps %#v as safe as %v.
func (k Key) GoString() string { return k.String() }

// LogValue keeps slog output free of the secret.
func (k Key) LogValue() slog.Value {
	return slog.GroupValue(slog.String("access_key_id", k.ID), slog.Bool("sts", k.RequireToken))
}

func presence(s string) string {
	if s == "" {
		return "missing"
	}
	return "set"
}

// KeyLookup finds the key pair for an AccessKey ID; ok is false for an
// unknown ID.
type KeyLookup func(accessKeyID string) (key Key, ok bool)

// Keys returns a KeyLookup over a fixed list of pairs.
func Keys(keys ...Key) KeyLookup {
	m := make(map[string]Key, len(keys))
	for _, k := range keys {
		m[k.ID] = k
	}
	return func(id string) (Key, bool) {
		k, ok := m[id]
		return k, ok
	}
}

// Signed describes a request whose signature checked out.
type Signed struct {
	// Version is VersionV4 or VersionV1.
	Version     string
	AccessKeyID string
	// Region is the region of the V4 credential scope (empty for V1).
	Region string
	// Bucket and Key are the object the signature covers.
	Bucket string
	Key    string
	// SignedAt is x-oss-date (zero for V1, which does not record it).
	SignedAt  time.Time
	ExpiresAt time.Time
	// Token reports whether a security token was signed in.
	Token bool
	// SignedHeaders lists, lowercase and sorted, the headers the signature
	// covers; the uploader had to send exactly these.
	SignedHeaders []string
}

// Request is a request to verify when its URL alone does not name the bucket.
type Request struct {
	Method string
	// URL is the full request URL; its Host decides between path style
	// (/bucket/key) and virtual-hosted style (bucket.<host>/key).
	URL    *url.URL
	Header http.Header
	// Bucket, when set, names the bucket of a URL on a custom domain bound
	// to the bucket (CNAME): there the path is the key alone and nothing in
	// the URL names the bucket.
	Bucket string
}

// Verify checks a signed request as OSS does and says who signed it and
// until when it is valid. Two doors lead to one V4 check: a presigned URL's
// query and the Authorization header the SDK client sends; the older V1
// query signatures are checked too. u is the
// full request URL (scheme and host included); header holds the headers the
// client sent, in any case. Every refusal is an *Error carrying OSS's status
// and code. Verify does no I/O; keys decides which pairs exist.
func Verify(method string, u *url.URL, header http.Header, keys KeyLookup, now time.Time) (*Signed, error) {
	return VerifyRequest(Request{Method: method, URL: u, Header: header}, keys, now)
}

// VerifyRequest is Verify for a request described by a Request, for the
// cases where the bucket must be given explicitly.
func VerifyRequest(req Request, keys KeyLookup, now time.Time) (*Signed, error) {
	if req.URL == nil {
		return nil, invalidArgument("", "The request has no URL.")
	}
	if keys == nil {
		keys = Keys()
	}
	params, err := parseQuery(req.URL.RawQuery)
	if err != nil {
		return nil, err
	}
	bucket, key := locate(req.URL)
	if req.Bucket != "" {
		bucket, key = req.Bucket, strings.TrimPrefix(req.URL.Path, "/")
	}
	r := &request{method: req.Method, url: req.URL, header: lowerHeader(req.Header), params: params, bucket: bucket, key: key}
	auth, _ := r.headerValue("authorization")
	switch {
	case params.has("x-oss-signature-version") || params.has("x-oss-signature") || params.has("x-oss-credential"):
		c, err := r.queryClaim()
		if err != nil {
			return nil, err
		}
		return r.checkV4(c, keys, now)
	case params.has("OSSAccessKeyId") || params.has("Signature"):
		return r.verifyV1(keys, now)
	case strings.HasPrefix(auth, v4Algorithm+" "):
		c, err := r.headerClaim(auth)
		if err != nil {
			return nil, err
		}
		return r.checkV4(c, keys, now)
	case auth != "":
		return nil, errorf(http.StatusForbidden, CodeAccessDenied, "", "The sandbox checks V4 signatures (OSS4-HMAC-SHA256) in the Authorization header and presigned URLs; this Authorization header is neither.")
	}
	return nil, errorf(http.StatusForbidden, CodeAccessDenied, "", "You have no right to access this object: the request is not signed.")
}

// carriesSignature reports whether a request claims a signature at all, in
// its query or its Authorization header; Verify decides whether it holds.
func carriesSignature(u *url.URL, header http.Header) bool {
	q := u.Query()
	for _, name := range []string{"x-oss-signature-version", "x-oss-signature", "x-oss-credential", "OSSAccessKeyId", "Signature"} {
		if q.Has(name) {
			return true
		}
	}
	return header.Get("Authorization") != ""
}

// request is one request being verified, with its query decoded once.
type request struct {
	method      string
	url         *url.URL
	header      map[string][]string // lowercase names
	params      params
	bucket, key string
}

// lookup finds the key pair and applies OSS's rules on security tokens: a
// temporary ID needs its token, and a token with a long-term ID makes OSS
// look for a temporary ID that does not exist.
func (r *request) lookup(keys KeyLookup, id string, hasToken bool) (Key, error) {
	return lookupKey(keys, id, hasToken)
}

// lookupKey is lookup for every door, PostObject forms included.
func lookupKey(keys KeyLookup, id string, hasToken bool) (Key, error) {
	k, ok := keys(id)
	switch {
	case !ok || k.Secret == "":
		e := errorf(http.StatusForbidden, CodeInvalidAccessKeyID, "", "The OSS Access Key Id you provided does not exist in our records.")
		if hasToken {
			e.EC = ecSTSKeyMismatch
		}
		e.AccessKeyID = id
		return Key{}, e
	case k.RequireToken && !hasToken:
		e := errorf(http.StatusForbidden, CodeInvalidAccessKeyID, "", "The OSS Access Key Id you provided is a temporary one and needs its security token.")
		e.AccessKeyID = id
		return Key{}, e
	case !k.RequireToken && hasToken:
		e := errorf(http.StatusForbidden, CodeInvalidAccessKeyID, ecSTSKeyMismatch, "The request carries a security token, but the OSS Access Key Id you provided is not a temporary one.")
		e.AccessKeyID = id
		return Key{}, e
	}
	return k, nil
}
