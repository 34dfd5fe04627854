// Package signing knows everything about an OSS upload link, offline: it
// validates an owner's choices, signs a V4 presigned URL through the OSS Go
// SDK, and shares the result as a share link, a curl command or a QR code. It
// also reads any pasted link or curl command back (Inspect). It does no
// network I/O and never imports Fyne.
package signing

import (
	"fmt"
	"log/slog"
	"time"
)

// HTTP methods a link can be signed for.
const (
	MethodPut = "PUT"
	MethodGet = "GET"
)

// EndpointKind says which of a region's OSS endpoints a link points at.
type EndpointKind int

// Endpoint kinds. EndpointCustom uses Request.Endpoint as given (a custom
// domain bound to the bucket, or the local sandbox).
const (
	EndpointPublic EndpointKind = iota
	EndpointInternal
	EndpointAccelerate
	EndpointCustom
)

// Storage classes and object ACLs OSS accepts, in the order a picker shows them.
var (
	StorageClasses = []string{"Standard", "IA", "Archive", "ColdArchive", "DeepColdArchive"}
	ObjectACLs     = []string{"default", "private", "public-read", "public-read-write"}
)

// Callback body types: the value OSS expects in callbackBodyType.
const (
	CallbackBodyForm = "application/x-www-form-urlencoded"
	CallbackBodyJSON = "application/json"
)

// Credentials sign a link. Their String, GoString and LogValue forms never
// show the secret or the token, so a stray %v or log line cannot leak them.
type Credentials struct {
	AccessKeyID     string
	AccessKeySecret string
	// SecurityToken is set for temporary (STS) credentials.
	SecurityToken string
	// TokenExpires is when the STS token stops working; zero if unknown.
	TokenExpires time.Time
	// FromEnvironment says they were read from the OSS_ACCESS_KEY_*
	// variables, not from a stored profile: a refused key is then fixed in
	// those variables, and hints say so instead of naming a profile.
	FromEnvironment bool
}

// String shows the AccessKey ID and whether a secret and token are present.
func (c Credentials) String() string {
	s := fmt.Sprintf("AccessKey %s (secret %s", c.AccessKeyID, presence(c.AccessKeySecret))
	if c.SecurityToken != "" {
		s += ", STS token set"
	}
	return s + ")"
}

// GoString keeps %#v as safe as %v.
func (c Credentials) GoString() string { return "signing.Credentials{" + c.String() + "}" }

// LogValue keeps slog output free of secrets.
func (c Credentials) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("access_key_id", c.AccessKeyID),
		slog.Bool("sts", c.SecurityToken != ""),
	)
}

func presence(s string) string {
	if s == "" {
		return "missing"
	}
	return "set"
}

// Callback asks OSS to POST to the owner's server after the upload and to
// hand the server's answer back to the uploader.
type Callback struct {
	// URLs are tried in order; at most five.
	URLs []string
	// Host overrides the Host header of the callback request.
	Host string
	// Body is the template OSS fills in, e.g. "object=${object}&size=${size}".
	Body string
	// BodyType is CallbackBodyForm (the default when empty) or CallbackBodyJSON.
	BodyType string
	// SNI sends the host name during the TLS handshake with the callback server.
	SNI bool
	// Vars are custom variables; names start with "x:" and are lowercase.
	Vars map[string]string
}

// Request is everything an owner chooses for one link.
type Request struct {
	// Region is the OSS region ID, e.g. "cn-hangzhou" (an "oss-" prefix is accepted).
	Region string
	// EndpointKind picks the endpoint; Endpoint is used only with EndpointCustom.
	EndpointKind EndpointKind
	Endpoint     string
	// PathStyle puts the bucket in the path (/bucket/key), as the sandbox wants.
	PathStyle bool

	Bucket string
	Key    string
	// Method is MethodPut (the default when empty) or MethodGet.
	Method string

	// Expires is the validity counted from signing; ExpiresAt, when set, wins.
	Expires   time.Duration
	ExpiresAt time.Time

	ContentType  string
	StorageClass string
	ACL          string
	Metadata     map[string]string
	Callback     *Callback
	// AllowOverwrite turns off x-oss-forbid-overwrite, which is on by default.
	AllowOverwrite bool
	// ContentMD5 (base64 of the MD5) pins the exact bytes the link accepts.
	ContentMD5 string

	// Request links (Method MethodPost, see NewRequestLink) take many files:
	// Prefix is the folder their keys start with (or Key names the one
	// object the link takes); MinSize and MaxSize bound each file in bytes
	// (MaxSize 0 means OSS's 5 GiB); ContentTypePrefix admits every type
	// that starts with it, such as "image/" (ContentType binds one type).
	Prefix            string
	MinSize, MaxSize  int64
	ContentTypePrefix string

	Credentials Credentials
}

// method returns the request's method with the default filled in.
func (r *Request) method() string {
	if r.Method == "" {
		return MethodPut
	}
	return r.Method
}

// expiryAt returns the instant the link stops working when signed at now.
func (r *Request) expiryAt(now time.Time) time.Time {
	if !r.ExpiresAt.IsZero() {
		return r.ExpiresAt
	}
	if r.Expires == 0 {
		return now.Add(DefaultExpiry)
	}
	return now.Add(r.Expires)
}

// DefaultExpiry is how long a link lives when the owner does not say.
const DefaultExpiry = time.Hour

// MaxExpiry is the longest validity OSS accepts for a V4 link.
const MaxExpiry = 7 * 24 * time.Hour
