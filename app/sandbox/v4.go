package sandbox

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// v4Claim is what a V4 signature asserts, whichever door the request came
// through: the query of a presigned URL, or the Authorization header of an
// SDK request. One check (checkV4) serves both, so a fix to one is a fix to
// the other.
type v4Claim struct {
	akID, day, region string
	// date is x-oss-date exactly as sent: the string to sign holds it.
	date     string
	signedAt time.Time
	// expiresAt is x-oss-date + x-oss-expires for a presigned URL; zero for
	// a header-signed request, which is valid within ClockSkew of now.
	expiresAt  time.Time
	additional []string
	signature  string
	token      bool
	// presigned leaves x-oss-signature out of the canonical query.
	presigned bool
}

// parseCredential splits "<AccessKeyId>/<yyyymmdd>/<region>/oss/aliyun_v4_request".
// The AccessKey ID is everything before the four scope fields.
func parseCredential(credential string) (akID, day, region string, err *Error) {
	if credential == "" {
		return "", "", "", invalidArgument(ecV4BadCredential, "The x-oss-credential parameter is missing.")
	}
	parts := strings.Split(credential, "/")
	if len(parts) < 5 || parts[len(parts)-1] != v4Terminator || parts[len(parts)-2] != "oss" {
		return "", "", "", invalidArgument(ecV4BadCredential, "The x-oss-credential %q is not of the form <AccessKeyId>/<yyyymmdd>/<region>/oss/aliyun_v4_request.", credential)
	}
	n := len(parts)
	akID, day, region = strings.Join(parts[:n-4], "/"), parts[n-4], parts[n-3]
	if akID == "" || region == "" {
		return "", "", "", invalidArgument(ecV4BadCredential, "The x-oss-credential %q has an empty AccessKey ID or region.", credential)
	}
	return akID, day, region, nil
}

// parseV4Date reads x-oss-date and checks it against the credential's day.
func parseV4Date(value, day string) (time.Time, *Error) {
	t, err := time.Parse(v4TimeFormat, value)
	if err != nil {
		return time.Time{}, invalidArgument("", "The x-oss-date %q is not a UTC time of the form 20060102T150405Z.", value)
	}
	if day != t.Format(v4DateFormat) {
		return time.Time{}, invalidArgument("", "The credential date %s is not the day of x-oss-date %s.", day, value)
	}
	return t, nil
}

// queryClaim reads a presigned URL's V4 parameters.
func (r *request) queryClaim() (*v4Claim, error) {
	if v, _ := r.params.get("x-oss-signature-version"); v != v4Algorithm {
		return nil, invalidArgument("", "Unsupported x-oss-signature-version %q: the sandbox checks %s.", v, v4Algorithm)
	}
	credential, _ := r.params.get("x-oss-credential")
	akID, day, region, e := parseCredential(credential)
	if e != nil {
		return nil, e
	}
	c := &v4Claim{akID: akID, day: day, region: region, presigned: true}
	c.date, _ = r.params.get("x-oss-date")
	if c.signedAt, e = parseV4Date(c.date, day); e != nil {
		return nil, e
	}
	expiresValue, ok := r.params.get("x-oss-expires")
	if !ok {
		return nil, invalidArgument(ecV4MissingExpires, "The x-oss-expires parameter is missing.")
	}
	secs, err := strconv.ParseInt(expiresValue, 10, 64)
	if err != nil || secs < 1 || secs > MaxV4Expires {
		return nil, invalidArgument(ecV4BadExpires, "The x-oss-expires %q is invalid: it must be a number of seconds from 1 to %d.", expiresValue, MaxV4Expires)
	}
	c.expiresAt = c.signedAt.Add(time.Duration(secs) * time.Second)
	token, hasToken := r.params.get("x-oss-security-token")
	if !hasToken {
		token, hasToken = r.headerValue("x-oss-security-token")
	}
	c.token = hasToken && token != ""
	c.signature, _ = r.params.get("x-oss-signature")
	v, _ := r.params.get("x-oss-additional-headers")
	c.additional = additionalHeaders(v)
	return c, nil
}

// headerClaim reads the Authorization header of a request signed the way
// the SDK client signs: "OSS4-HMAC-SHA256 Credential=…,AdditionalHeaders=…,
// Signature=…" with x-oss-date and x-oss-content-sha256 headers.
func (r *request) headerClaim(auth string) (*v4Claim, error) {
	fields := map[string]string{}
	for part := range strings.SplitSeq(strings.TrimPrefix(auth, v4Algorithm+" "), ",") {
		name, value, _ := strings.Cut(strings.TrimSpace(part), "=")
		fields[name] = strings.TrimSpace(value)
	}
	akID, day, region, e := parseCredential(fields["Credential"])
	if e != nil {
		return nil, e
	}
	c := &v4Claim{akID: akID, day: day, region: region, signature: fields["Signature"]}
	if c.signature == "" {
		return nil, invalidArgument("", "The Authorization header has no Signature.")
	}
	var ok bool
	if c.date, ok = r.headerValue("x-oss-date"); !ok {
		return nil, invalidArgument("", "The x-oss-date header is missing: a request signed in its Authorization header must carry it.")
	}
	if c.signedAt, e = parseV4Date(c.date, day); e != nil {
		return nil, e
	}
	if v, _ := r.headerValue("x-oss-content-sha256"); v == "" {
		return nil, invalidArgument("", "The x-oss-content-sha256 header is missing: send UNSIGNED-PAYLOAD or the body's hex SHA-256.")
	}
	token, hasToken := r.headerValue("x-oss-security-token")
	c.token = hasToken && token != ""
	c.additional = additionalHeaders(fields["AdditionalHeaders"])
	return c, nil
}

// checkV4 checks a claim's validity window, finds its key and compares the
// signature with the one computed from the request.
func (r *request) checkV4(c *v4Claim, keys KeyLookup, now time.Time) (*Signed, error) {
	switch {
	case c.presigned && c.signedAt.After(now.Add(ClockSkew)):
		e := errorf(http.StatusForbidden, CodeAccessDenied, ecV4NotYetValid, "Request is not valid yet: x-oss-date is more than 15 minutes in the future.")
		e.ServerTime = isoTime(now)
		return nil, e
	case c.presigned && now.After(c.expiresAt):
		e := errorf(http.StatusForbidden, CodeAccessDenied, ecV4Expired, "Request has expired.")
		e.Expires, e.ServerTime = isoTime(c.expiresAt), isoTime(now)
		return nil, e
	case !c.presigned && (c.signedAt.After(now.Add(ClockSkew)) || c.signedAt.Before(now.Add(-ClockSkew))):
		e := errorf(http.StatusForbidden, CodeRequestTimeTooSkewed, "", "The difference between the request time and the current time is too large.")
		e.ServerTime = isoTime(now)
		return nil, e
	}
	k, err := r.lookup(keys, c.akID, c.token)
	if err != nil {
		return nil, err
	}
	canonical, signedHeaders := r.canonicalRequestV4(c.additional, c.presigned)
	scope := c.day + "/" + c.region + "/oss/" + v4Terminator
	sum := sha256.Sum256([]byte(canonical))
	stringToSign := v4Algorithm + "\n" + c.date + "\n" + scope + "\n" + hex.EncodeToString(sum[:])
	want := hex.EncodeToString(hmacSum(sha256.New, signingKeyV4(k.Secret, c.day, c.region), stringToSign))
	if !hmac.Equal([]byte(c.signature), []byte(want)) {
		e := errorf(http.StatusForbidden, CodeSignatureDoesNotMatch, ecSignatureMismatch, "The request signature we calculated does not match the signature you provided. Check your key and signing method.")
		e.AccessKeyID, e.SignatureProvided = c.akID, c.signature
		e.StringToSign, e.CanonicalRequest = stringToSign, canonical
		return nil, e
	}
	return &Signed{
		Version: VersionV4, AccessKeyID: c.akID, Region: c.region, Bucket: r.bucket, Key: r.key,
		SignedAt: c.signedAt, ExpiresAt: c.expiresAt, Token: c.token, SignedHeaders: signedHeaders,
	}, nil
}

// additionalHeaders parses an additional-headers list ("host;x-a"),
// lowercase and sorted. Names OSS signs anyway are dropped, as the SDK drops them.
func additionalHeaders(v string) []string {
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
func (r *request) canonicalRequestV4(additional []string, presigned bool) (string, []string) {
	var b strings.Builder
	b.WriteString(r.method)
	b.WriteByte('\n')
	b.WriteString(escapePath(canonicalURI(r.bucket, r.key)))
	b.WriteByte('\n')

	// Canonical query: every parameter but the signature, encoded, sorted.
	type pair struct{ name, value string }
	var pairs []pair
	for _, p := range r.params {
		if presigned && p.name == "x-oss-signature" {
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

// signingKeyV4 derives the V4 signing key from the secret and the scope.
// Presigned URLs, header-signed requests and PostObject policies all sign
// with it.
func signingKeyV4(secret, day, region string) []byte {
	key := []byte("aliyun_v4" + secret)
	for _, part := range []string{day, region, "oss", v4Terminator} {
		key = hmacSum(sha256.New, key, part)
	}
	return key
}

func hmacSum(h func() hash.Hash, key []byte, data string) []byte {
	m := hmac.New(h, key)
	m.Write([]byte(data))
	return m.Sum(nil)
}
