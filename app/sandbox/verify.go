package sandbox

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"hash"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
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

// Verify checks a presigned request as OSS does (V4 query signatures, and the
// older V1 ones) and says who signed it and until when it is valid. u is the
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
	switch {
	case params.has("x-oss-signature-version") || params.has("x-oss-signature") || params.has("x-oss-credential"):
		return r.verifyV4(keys, now)
	case params.has("OSSAccessKeyId") || params.has("Signature"):
		return r.verifyV1(keys, now)
	case len(r.header["authorization"]) > 0:
		return nil, errorf(http.StatusForbidden, CodeAccessDenied, "", "The sandbox checks presigned URLs only; signatures in the Authorization header are not supported.")
	}
	return nil, errorf(http.StatusForbidden, CodeAccessDenied, "", "You have no right to access this object: the request is not signed.")
}

// request is one request being verified, with its query decoded once.
type request struct {
	method      string
	url         *url.URL
	header      map[string][]string // lowercase names
	params      params
	bucket, key string
}

// verifyV4 checks an OSS4-HMAC-SHA256 query signature.
func (r *request) verifyV4(keys KeyLookup, now time.Time) (*Signed, error) {
	if v, _ := r.params.get("x-oss-signature-version"); v != v4Algorithm {
		return nil, invalidArgument("", "Unsupported x-oss-signature-version %q: the sandbox checks %s.", v, v4Algorithm)
	}
	credential, ok := r.params.get("x-oss-credential")
	if !ok || credential == "" {
		return nil, invalidArgument(ecV4BadCredential, "The x-oss-credential parameter is missing.")
	}
	// The AccessKey ID is everything before the four scope fields.
	parts := strings.Split(credential, "/")
	if len(parts) < 5 || parts[len(parts)-1] != v4Terminator || parts[len(parts)-2] != "oss" {
		return nil, invalidArgument(ecV4BadCredential, "The x-oss-credential %q is not of the form <AccessKeyId>/<yyyymmdd>/<region>/oss/aliyun_v4_request.", credential)
	}
	n := len(parts)
	akID, day, region := strings.Join(parts[:n-4], "/"), parts[n-4], parts[n-3]
	if akID == "" || region == "" {
		return nil, invalidArgument(ecV4BadCredential, "The x-oss-credential %q has an empty AccessKey ID or region.", credential)
	}
	dateValue, _ := r.params.get("x-oss-date")
	signedAt, err := time.Parse(v4TimeFormat, dateValue)
	if err != nil {
		return nil, invalidArgument("", "The x-oss-date %q is not a UTC time of the form 20060102T150405Z.", dateValue)
	}
	if day != signedAt.Format(v4DateFormat) {
		return nil, invalidArgument("", "The credential date %s is not the day of x-oss-date %s.", day, dateValue)
	}
	expiresValue, ok := r.params.get("x-oss-expires")
	if !ok {
		return nil, invalidArgument(ecV4MissingExpires, "The x-oss-expires parameter is missing.")
	}
	secs, err := strconv.ParseInt(expiresValue, 10, 64)
	if err != nil || secs < 1 || secs > MaxV4Expires {
		return nil, invalidArgument(ecV4BadExpires, "The x-oss-expires %q is invalid: it must be a number of seconds from 1 to %d.", expiresValue, MaxV4Expires)
	}
	expiresAt := signedAt.Add(time.Duration(secs) * time.Second)
	if signedAt.After(now.Add(ClockSkew)) {
		e := errorf(http.StatusForbidden, CodeAccessDenied, ecV4NotYetValid, "Request is not valid yet: x-oss-date is more than 15 minutes in the future.")
		e.ServerTime = isoTime(now)
		return nil, e
	}
	if now.After(expiresAt) {
		e := errorf(http.StatusForbidden, CodeAccessDenied, ecV4Expired, "Request has expired.")
		e.Expires, e.ServerTime = isoTime(expiresAt), isoTime(now)
		return nil, e
	}
	token, hasToken := r.params.get("x-oss-security-token")
	if !hasToken {
		token, hasToken = r.headerValue("x-oss-security-token")
	}
	k, err := r.lookup(keys, akID, hasToken && token != "")
	if err != nil {
		return nil, err
	}

	additional := r.additionalHeaders()
	canonical, signedHeaders := r.canonicalRequestV4(additional)
	scope := day + "/" + region + "/oss/" + v4Terminator
	sum := sha256.Sum256([]byte(canonical))
	stringToSign := v4Algorithm + "\n" + dateValue + "\n" + scope + "\n" + hex.EncodeToString(sum[:])
	want := hex.EncodeToString(signV4(k.Secret, day, region, stringToSign))
	got, _ := r.params.get("x-oss-signature")
	if !hmac.Equal([]byte(got), []byte(want)) {
		e := errorf(http.StatusForbidden, CodeSignatureDoesNotMatch, ecSignatureMismatch, "The request signature we calculated does not match the signature you provided. Check your key and signing method.")
		e.AccessKeyID, e.SignatureProvided = akID, got
		e.StringToSign, e.CanonicalRequest = stringToSign, canonical
		return nil, e
	}
	return &Signed{
		Version: VersionV4, AccessKeyID: akID, Region: region, Bucket: r.bucket, Key: r.key,
		SignedAt: signedAt, ExpiresAt: expiresAt, Token: hasToken && token != "", SignedHeaders: signedHeaders,
	}, nil
}

// lookup finds the key pair and applies OSS's rules on security tokens: a
// temporary ID needs its token, and a token with a long-term ID makes OSS
// look for a temporary ID that does not exist.
func (r *request) lookup(keys KeyLookup, id string, hasToken bool) (Key, error) {
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

// additionalHeaders returns the x-oss-additional-headers list, lowercase.
// Names OSS signs anyway are dropped, as the SDK drops them.
func (r *request) additionalHeaders() []string {
	v, _ := r.params.get("x-oss-additional-headers")
	var names []string
	for name := range strings.SplitSeq(v, ";") {
		name = strings.ToLower(strings.TrimSpace(name))
		if name != "" && !isDefaultSigned(name) && !slices.Contains(names, name) {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	return names
}

func isDefaultSigned(name string) bool {
	return name == "content-type" || name == "content-md5" || strings.HasPrefix(name, "x-oss-")
}

// canonicalRequestV4 builds the V4 canonical request and returns it with the
// names of the headers it covers.
func (r *request) canonicalRequestV4(additional []string) (string, []string) {
	var b strings.Builder
	b.WriteString(r.method)
	b.WriteByte('\n')
	b.WriteString(escapePath(canonicalURI(r.bucket, r.key)))
	b.WriteByte('\n')

	// Canonical query: every parameter but the signature, encoded, sorted.
	type pair struct{ name, value string }
	var pairs []pair
	for _, p := range r.params {
		if p.name == "x-oss-signature" {
			continue
		}
		pairs = append(pairs, pair{escapeQuery(p.name), escapeQuery(p.value)})
	}
	slices.SortStableFunc(pairs, func(a, b pair) int { return strings.Compare(a.name, b.name) })
	for i, p := range pairs {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(p.name)
		if p.value != "" {
			b.WriteByte('=')
			b.WriteString(p.value)
		}
	}
	b.WriteByte('\n')

	// Canonical headers: content-type, content-md5, x-oss-*, plus the
	// additional ones. The Host header travels outside the header map.
	var names []string
	for name := range r.header {
		if isDefaultSigned(name) || slices.Contains(additional, name) {
			names = append(names, name)
		}
	}
	if slices.Contains(additional, "host") && len(r.header["host"]) == 0 && r.url.Host != "" {
		names = append(names, "host")
	}
	slices.Sort(names)
	for _, name := range names {
		values := r.header[name]
		if name == "host" && len(values) == 0 {
			values = []string{r.url.Host}
		}
		trimmed := make([]string, len(values))
		for i, v := range values {
			trimmed[i] = strings.TrimSpace(v)
		}
		b.WriteString(name)
		b.WriteByte(':')
		b.WriteString(strings.Join(trimmed, ","))
		b.WriteByte('\n')
	}
	b.WriteByte('\n')
	b.WriteString(strings.Join(additional, ";"))
	b.WriteByte('\n')
	// A signed x-oss-content-sha256 replaces the unsigned-payload marker;
	// the server then checks the body against it.
	if v, ok := r.headerValue("x-oss-content-sha256"); ok && v != "" {
		b.WriteString(v)
	} else {
		b.WriteString(unsignedPayload)
	}
	return b.String(), names
}

// signV4 derives the signing key from the secret and scope and signs.
func signV4(secret, day, region, stringToSign string) []byte {
	key := []byte("aliyun_v4" + secret)
	for _, part := range []string{day, region, "oss", v4Terminator, stringToSign} {
		key = hmacSum(sha256.New, key, part)
	}
	return key
}

func hmacSum(h func() hash.Hash, key []byte, data string) []byte {
	m := hmac.New(h, key)
	m.Write([]byte(data))
	return m.Sum(nil)
}

// verifyV1 checks an OSSAccessKeyId/Expires/Signature query signature.
func (r *request) verifyV1(keys KeyLookup, now time.Time) (*Signed, error) {
	akID, _ := r.params.get("OSSAccessKeyId")
	if akID == "" {
		return nil, invalidArgument("", "The OSSAccessKeyId parameter is missing.")
	}
	expiresValue, _ := r.params.get("Expires")
	unix, err := strconv.ParseInt(expiresValue, 10, 64)
	if err != nil || unix < 0 {
		return nil, invalidArgument(ecV1BadExpires, "The Expires %q is not a Unix time.", expiresValue)
	}
	expiresAt := time.Unix(unix, 0).UTC()
	if now.Unix() > unix {
		e := errorf(http.StatusForbidden, CodeAccessDenied, ecV1Expired, "Request has expired.")
		e.Expires, e.ServerTime = isoTime(expiresAt), isoTime(now)
		return nil, e
	}
	token, hasToken := r.params.get("security-token")
	if !hasToken {
		token, hasToken = r.headerValue("x-oss-security-token")
	}
	k, err := r.lookup(keys, akID, hasToken && token != "")
	if err != nil {
		return nil, err
	}
	stringToSign, signedHeaders := r.stringToSignV1(expiresValue)
	want := base64.StdEncoding.EncodeToString(hmacSum(sha1.New, []byte(k.Secret), stringToSign))
	got, _ := r.params.get("Signature")
	if !hmac.Equal([]byte(got), []byte(want)) {
		e := errorf(http.StatusForbidden, CodeSignatureDoesNotMatch, ecSignatureMismatch, "The request signature we calculated does not match the signature you provided. Check your key and signing method.")
		e.AccessKeyID, e.SignatureProvided, e.StringToSign = akID, got, stringToSign
		return nil, e
	}
	return &Signed{
		Version: VersionV1, AccessKeyID: akID, Bucket: r.bucket, Key: r.key,
		ExpiresAt: expiresAt, Token: hasToken && token != "", SignedHeaders: signedHeaders,
	}, nil
}

// v1SignedParams are the query parameters V1 signs (sub-resources and
// response overrides); the list is OSS's, as the SDK's signer/v1.go has it.
var v1SignedParams = map[string]bool{
	"acl": true, "bucketInfo": true, "location": true, "stat": true, "delete": true,
	"append": true, "tagging": true, "objectMeta": true, "uploads": true, "uploadId": true,
	"partNumber": true, "security-token": true, "position": true,
	"response-content-type": true, "response-content-language": true, "response-expires": true,
	"response-cache-control": true, "response-content-disposition": true, "response-content-encoding": true,
	"restore": true, "callback": true, "callback-var": true, "versions": true, "versioning": true,
	"versionId": true, "sequential": true, "continuation-token": true, "regionList": true,
	"cloudboxes": true, "symlink": true,
}

// stringToSignV1 builds "VERB\nContent-MD5\nContent-Type\nExpires\n" +
// CanonicalizedOSSHeaders + CanonicalizedResource.
func (r *request) stringToSignV1(expires string) (string, []string) {
	var b strings.Builder
	md5Value, _ := r.headerValue("content-md5")
	ctValue, _ := r.headerValue("content-type")
	b.WriteString(r.method + "\n" + md5Value + "\n" + ctValue + "\n" + expires + "\n")
	signed := []string{"content-md5", "content-type"}
	var names []string
	for name := range r.header {
		if strings.HasPrefix(name, "x-oss-") {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	for _, name := range names {
		trimmed := make([]string, len(r.header[name]))
		for i, v := range r.header[name] {
			trimmed[i] = strings.TrimSpace(v)
		}
		b.WriteString(name + ":" + strings.Join(trimmed, ",") + "\n")
	}
	b.WriteString(canonicalURI(r.bucket, r.key))
	var sub []string
	seen := map[string]bool{}
	for _, p := range r.params {
		if seen[p.name] || !(v1SignedParams[p.name] || strings.HasPrefix(p.name, "x-oss-")) {
			continue
		}
		seen[p.name] = true
		if p.value != "" {
			sub = append(sub, p.name+"="+p.value)
		} else {
			sub = append(sub, p.name)
		}
	}
	// Sorting "name=value" strings sorts by name, as no name contains '='.
	slices.Sort(sub)
	if len(sub) > 0 {
		b.WriteString("?" + strings.Join(sub, "&"))
	}
	return b.String(), append(signed, names...)
}

// headerValue returns a header's values joined, and whether it was sent.
func (r *request) headerValue(name string) (string, bool) {
	v, ok := r.header[name]
	if !ok {
		return "", false
	}
	return strings.Join(v, ","), true
}

// canonicalURI is "/bucket/key", or "/" without a bucket.
func canonicalURI(bucket, key string) string {
	if bucket == "" {
		return "/" + key
	}
	return "/" + bucket + "/" + key
}

// lowerHeader indexes header by lowercase name, whatever case the caller
// used (http.Header canonicalizes, a hand-built map may not).
func lowerHeader(h http.Header) map[string][]string {
	out := make(map[string][]string, len(h))
	for name, values := range h {
		low := strings.ToLower(name)
		out[low] = append(out[low], values...)
	}
	return out
}

// param is one decoded query parameter.
type param struct{ name, value string }

// params keeps the query in order, duplicates included.
type params []param

func (ps params) get(name string) (string, bool) {
	for _, p := range ps {
		if p.name == name {
			return p.value, true
		}
	}
	return "", false
}

func (ps params) has(name string) bool {
	_, ok := ps.get(name)
	return ok
}

// parseQuery decodes a raw query. Unlike url.ParseQuery it keeps the order
// and rejects what OSS cannot have signed instead of skipping it silently.
func parseQuery(raw string) (params, error) {
	var ps params
	for part := range strings.SplitSeq(raw, "&") {
		if part == "" {
			continue
		}
		name, value, _ := strings.Cut(part, "=")
		n, err1 := url.QueryUnescape(name)
		v, err2 := url.QueryUnescape(value)
		if err1 != nil || err2 != nil {
			return nil, invalidArgument("", "The query parameter %q is not validly percent-encoded.", truncate(name, 64))
		}
		ps = append(ps, param{n, v})
	}
	return ps, nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// escapePath percent-encodes a canonical URI: RFC 3986 unreserved bytes and
// '/' stay, every other byte becomes upper-case %XX.
func escapePath(s string) string { return escape(s, true) }

// escapeQuery encodes a query name or value the same way, '/' included.
func escapeQuery(s string) string { return escape(s, false) }

func escape(s string, keepSlash bool) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if isUnreserved(c) || (c == '/' && keepSlash) {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexDigits[c>>4])
		b.WriteByte(hexDigits[c&15])
	}
	return b.String()
}

func isUnreserved(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~'
}

// locate splits a request URL into bucket and key. Loopback addresses, IPs,
// plain "localhost", unknown hosts and OSS region endpoints (oss-*) carry
// the bucket in the path; "<bucket>.localhost" and
// "<bucket>.oss-*.aliyuncs.com" carry it in the host.
func locate(u *url.URL) (bucket, key string) {
	if b, ok := hostBucket(u.Hostname()); ok {
		return b, strings.TrimPrefix(u.Path, "/")
	}
	path := strings.TrimPrefix(u.Path, "/")
	bucket, key, _ = strings.Cut(path, "/")
	return bucket, key
}

// hostBucket returns the bucket named by a virtual-hosted host name.
func hostBucket(host string) (string, bool) {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	if host == "" || net.ParseIP(host) != nil {
		return "", false
	}
	first, rest, ok := strings.Cut(host, ".")
	if !ok || first == "" {
		return "", false
	}
	switch {
	case rest == "localhost":
		return first, true
	case strings.HasSuffix(rest, ".aliyuncs.com") && strings.HasPrefix(rest, "oss-") && !strings.HasPrefix(first, "oss-"):
		return first, true
	}
	return "", false
}
