package signing

import (
	"errors"
	"maps"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/ossdrop/ossdrop/signing/message"
)

// Sentinel errors for the conditions callers test with errors.Is. The
// FieldError that wraps one carries the sentence a person reads.
var (
	ErrRegion            = errors.New("invalid region")
	ErrEndpoint          = errors.New("invalid endpoint")
	ErrRegionMismatch    = errors.New("region and endpoint disagree")
	ErrBucketName        = errors.New("invalid bucket name")
	ErrKey               = errors.New("invalid object key")
	ErrMethod            = errors.New("unsupported method")
	ErrExpiryTooShort    = errors.New("expiry too short")
	ErrExpiryTooLong     = errors.New("expiry too long")
	ErrExpiryPastToken   = errors.New("expiry past the STS token's expiry")
	ErrTokenExpired      = errors.New("STS token expired")
	ErrCredentials       = errors.New("missing credentials")
	ErrAccessKeyID       = errors.New("invalid AccessKey ID")
	ErrContentType       = errors.New("invalid content type")
	ErrContentMD5        = errors.New("invalid Content-MD5")
	ErrStorageClass      = errors.New("unknown storage class")
	ErrACL               = errors.New("unknown object ACL")
	ErrMetaName          = errors.New("invalid metadata name")
	ErrMetaValue         = errors.New("invalid metadata value")
	ErrMetaTooLarge      = errors.New("metadata too large")
	ErrCallbackURL       = errors.New("invalid callback URL")
	ErrCallbackBody      = errors.New("empty callback body")
	ErrCallbackBodyType  = errors.New("invalid callback body type")
	ErrCallbackVarName   = errors.New("invalid callback variable name")
	ErrCallbackVarValue  = errors.New("invalid callback variable value")
	ErrCallbackHost      = errors.New("invalid callback host")
	errGetWithPutOptions = errors.New("upload options on a download link")
)

// Field names a FieldError can point at, so a form can show the message
// beside the right input.
const (
	FieldRegion       = "region"
	FieldEndpoint     = "endpoint"
	FieldBucket       = "bucket"
	FieldKey          = "key"
	FieldMethod       = "method"
	FieldExpiry       = "expiry"
	FieldCredentials  = "credentials"
	FieldContentType  = "content-type"
	FieldContentMD5   = "content-md5"
	FieldStorageClass = "storage-class"
	FieldACL          = "acl"
	FieldMetadata     = "metadata"
	FieldCallback     = "callback"
)

// FieldError is one invalid input: which field, which rule (Err, a sentinel)
// and a sentence saying what is wrong and what to do: Msg in English, and
// Text, when set, the same sentence for translation.
type FieldError struct {
	Field string
	Err   error
	Msg   string
	Text  message.Text
}

func (e *FieldError) Error() string { return e.Msg }
func (e *FieldError) Unwrap() error { return e.Err }

// FieldErrors returns every FieldError inside err (as built by errors.Join), in order.
func FieldErrors(err error) []*FieldError {
	var fe *FieldError
	switch e := err.(type) {
	case nil:
		return nil
	case *FieldError:
		return []*FieldError{e}
	case interface{ Unwrap() []error }:
		var out []*FieldError
		for _, inner := range e.Unwrap() {
			out = append(out, FieldErrors(inner)...)
		}
		return out
	}
	if errors.As(err, &fe) {
		return []*FieldError{fe}
	}
	return nil
}

func fieldErr(field string, sentinel error, format string, args ...any) *FieldError {
	t := message.New(format, args...)
	return &FieldError{Field: field, Err: sentinel, Msg: t.String(), Text: t}
}

// MaxMetadataBytes is OSS's limit for all user metadata of one object together.
const MaxMetadataBytes = 8 * 1024

// MaxKeyBytes is the longest object key OSS accepts, in UTF-8 bytes.
const MaxKeyBytes = 1023

var (
	bucketPattern  = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$`)
	regionPattern  = regexp.MustCompile(`^[a-z]{2,}(-[a-z0-9]+)+$`)
	metaName       = regexp.MustCompile(`^[A-Za-z0-9-]+$`)
	callbackVarKey = regexp.MustCompile(`^x:[a-z0-9_-]+$`)
)

// NormalizeRegion strips the "oss-" prefix some consoles show ("oss-cn-hangzhou").
func NormalizeRegion(region string) string {
	return strings.TrimPrefix(strings.TrimSpace(region), "oss-")
}

// Validate checks every input against the rules OSS enforces, as of now, and
// returns all problems joined (nil when the request can be signed). Each is a
// *FieldError; FieldErrors lists them.
func (r *Request) Validate(now time.Time) error {
	var errs []error
	add := func(e *FieldError) {
		if e != nil {
			errs = append(errs, e)
		}
	}
	add(validateRegion(r))
	add(validateEndpoint(r))
	add(ValidateBucket(r.Bucket))
	if r.method() == MethodPost {
		for _, e := range validateRequestLink(r) {
			add(e)
		}
	} else {
		add(ValidateKey(r.Key))
	}
	add(validateMethod(r))
	add(validateExpiry(r, now))
	add(validateCredentials(r.Credentials, now))
	add(ValidateContentType(r.ContentType))
	add(validateContentMD5(r.ContentMD5))
	add(ValidateStorageClass(r.StorageClass))
	add(ValidateACL(r.ACL))
	add(ValidateMetadata(r.Metadata))
	if r.Callback != nil {
		add(ValidateCallback(*r.Callback))
	}
	return errors.Join(errs...)
}

func validateRegion(r *Request) *FieldError {
	region := NormalizeRegion(r.Region)
	if region == "" {
		return fieldErr(FieldRegion, ErrRegion, "The region is empty: enter the bucket's region, for example cn-hangzhou.")
	}
	if !regionPattern.MatchString(region) {
		return fieldErr(FieldRegion, ErrRegion, "%q is not an OSS region ID: use the form cn-hangzhou or ap-southeast-1.", r.Region)
	}
	return nil
}

func validateEndpoint(r *Request) *FieldError {
	switch r.EndpointKind {
	case EndpointPublic, EndpointInternal, EndpointAccelerate:
		return nil
	case EndpointCustom:
	default:
		return fieldErr(FieldEndpoint, ErrEndpoint, "Unknown endpoint kind %d: choose public, internal, accelerate or custom.", r.EndpointKind)
	}
	if strings.TrimSpace(r.Endpoint) == "" {
		return fieldErr(FieldEndpoint, ErrEndpoint, "The endpoint is empty: enter a host such as oss-cn-hangzhou.aliyuncs.com or http://127.0.0.1:9000.")
	}
	u, err := parseEndpoint(r.Endpoint)
	if err != nil {
		return fieldErr(FieldEndpoint, ErrEndpoint, "The endpoint %q is not usable: %s. Enter a host such as oss-cn-hangzhou.aliyuncs.com or http://127.0.0.1:9000.", r.Endpoint, reasonArg(err))
	}
	// An endpoint of the form oss-<region>[-internal].aliyuncs.com names its
	// region; a link signed for another region would always fail.
	host := u.Hostname()
	if name, ok := strings.CutSuffix(host, ".aliyuncs.com"); ok && strings.HasPrefix(name, "oss-") && !strings.HasPrefix(name, "oss-accelerate") {
		endpointRegion := strings.TrimSuffix(strings.TrimPrefix(name, "oss-"), "-internal")
		if region := NormalizeRegion(r.Region); region != "" && endpointRegion != region {
			return fieldErr(FieldEndpoint, ErrRegionMismatch, "The endpoint %s belongs to region %s, but the region is %s: make them match.", host, endpointRegion, region)
		}
	}
	return nil
}

// parseEndpoint accepts "host", "host:port" or a full http(s) URL; an
// error is a reason, for the sentence of the caller.
func parseEndpoint(endpoint string) (*url.URL, error) {
	endpoint = strings.TrimSpace(endpoint)
	if endpoint == "" {
		return nil, reason("it is empty")
	}
	if !strings.Contains(endpoint, "://") {
		endpoint = "https://" + endpoint
	}
	u, err := url.Parse(endpoint)
	if err != nil {
		return nil, reason("it is not a valid address")
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, reason("the scheme %q is neither http nor https", u.Scheme)
	}
	if u.Hostname() == "" {
		return nil, reason("it has no host name")
	}
	if u.Path != "" && u.Path != "/" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return nil, reason("an endpoint is a host only, without path, query or user name")
	}
	return u, nil
}

// ValidateBucket checks OSS's bucket naming rules.
func ValidateBucket(bucket string) *FieldError {
	switch {
	case bucket == "":
		return fieldErr(FieldBucket, ErrBucketName, "The bucket name is empty: enter the name of an existing bucket.")
	case len(bucket) < 3 || len(bucket) > 63:
		return fieldErr(FieldBucket, ErrBucketName, "The bucket name %q has %d characters: OSS bucket names have 3 to 63.", bucket, len(bucket))
	case !bucketPattern.MatchString(bucket):
		return fieldErr(FieldBucket, ErrBucketName, "The bucket name %q is not valid: use lowercase letters, digits and hyphens, not starting or ending with a hyphen.", bucket)
	}
	return nil
}

// ValidateKey checks OSS's object key rules.
func ValidateKey(key string) *FieldError {
	return validateKey(key, FieldKey, ErrKey, keyWords{
		empty:   "The object key is empty: enter the name the file gets in the bucket, for example reports/2026.pdf.",
		notUTF8: "The object key is not valid UTF-8 text: retype it.",
		tooLong: "The object key is %d bytes long: OSS allows at most %d bytes (UTF-8).",
		leading: "The object key starts with %q: remove the leading slash (keys are relative to the bucket).",
		control: "The object key contains a control character (%U): remove it.",
	})
}

// keyWords are the sentences for each broken key rule, naming what the key
// is to the person typing it (an object key, a folder).
type keyWords struct{ empty, notUTF8, tooLong, leading, control string }

func validateKey(key, field string, sentinel error, w keyWords) *FieldError {
	switch {
	case key == "":
		return fieldErr(field, sentinel, w.empty)
	case !utf8.ValidString(key):
		return fieldErr(field, sentinel, w.notUTF8)
	case len(key) > MaxKeyBytes:
		return fieldErr(field, sentinel, w.tooLong, len(key), MaxKeyBytes)
	case key[0] == '/' || key[0] == '\\':
		return fieldErr(field, sentinel, w.leading, key[:1])
	}
	for _, c := range key {
		if c < 0x20 || c == 0x7f {
			return fieldErr(field, sentinel, w.control, c)
		}
	}
	return nil
}

func validateMethod(r *Request) *FieldError {
	switch r.method() {
	case MethodPut, MethodPost:
		return nil
	case MethodGet:
		if r.ContentType != "" || r.StorageClass != "" || r.ACL != "" || len(r.Metadata) > 0 || r.Callback != nil || r.ContentMD5 != "" {
			return fieldErr(FieldMethod, errGetWithPutOptions, "A download (GET) link cannot carry upload options such as content type, storage class, ACL, metadata, callback or Content-MD5: leave them empty.")
		}
		return nil
	}
	return fieldErr(FieldMethod, ErrMethod, "The method %q is not supported: use PUT for upload links, POST for request links or GET for download links.", r.Method)
}

func validateExpiry(r *Request, now time.Time) *FieldError {
	if r.ExpiresAt.IsZero() && r.Expires < 0 {
		return fieldErr(FieldExpiry, ErrExpiryTooShort, "The expiry %s is negative: choose a duration from 1 second to 7 days.", TypedDuration(r.Expires))
	}
	at := r.expiryAt(now)
	validity := at.Sub(now)
	switch {
	case validity < time.Second:
		if !r.ExpiresAt.IsZero() {
			return fieldErr(FieldExpiry, ErrExpiryTooShort, "The expiry %s is not in the future: choose a time at least 1 second from now.", message.Time(at))
		}
		return fieldErr(FieldExpiry, ErrExpiryTooShort, "The expiry %s is too short: links last at least 1 second.", TypedDuration(r.Expires))
	case validity > MaxExpiry:
		return fieldErr(FieldExpiry, ErrExpiryTooLong, "The link would last %s: OSS allows at most 7 days; choose an earlier expiry.", message.Duration(validity))
	}
	c := r.Credentials
	if c.SecurityToken != "" && !c.TokenExpires.IsZero() && at.After(c.TokenExpires) && c.TokenExpires.After(now) {
		return fieldErr(FieldExpiry, ErrExpiryPastToken, "The link would outlive its STS token, which expires at %s: choose an expiry before then.", message.Time(c.TokenExpires))
	}
	return nil
}

func validateCredentials(c Credentials, now time.Time) *FieldError {
	switch {
	case strings.TrimSpace(c.AccessKeyID) == "" || c.AccessKeySecret == "":
		return fieldErr(FieldCredentials, ErrCredentials, "No AccessKey to sign with: choose a profile, or set OSS_ACCESS_KEY_ID and OSS_ACCESS_KEY_SECRET.")
	case c.SecurityToken != "" && !c.TokenExpires.IsZero() && !c.TokenExpires.After(now):
		return fieldErr(FieldCredentials, ErrTokenExpired, "The STS token expired at %s: get new temporary credentials.", message.Time(c.TokenExpires))
	}
	return ValidateAccessKeyID(c.AccessKeyID)
}

// MaxAccessKeyIDLength bounds an AccessKey ID: RAM's are 24 characters
// (LTAI…), STS's about 30 (STS.…); anything much longer was pasted
// together with something else.
const MaxAccessKeyIDLength = 128

// ValidateAccessKeyID checks that id can be an AccessKey ID: RAM's (LTAI…),
// STS's (STS.…) and the sandbox's (SANDBOX…) are letters and digits, STS's
// with dots. A space or a slash would also break the link's credential
// scope (ID/day/region/oss/aliyun_v4_request). The sentence names the
// character, never the ID: a secret pasted into the field must not end up
// in an error message.
func ValidateAccessKeyID(id string) *FieldError {
	if id == "" {
		return fieldErr(FieldCredentials, ErrAccessKeyID, "The AccessKey ID is empty: copy it from the RAM console (it starts with LTAI) or from the STS response (STS.…).")
	}
	if n := utf8.RuneCountInString(id); n > MaxAccessKeyIDLength {
		return fieldErr(FieldCredentials, ErrAccessKeyID, "The AccessKey ID has %d characters; an AccessKey ID has at most %d: copy the ID alone.", n, MaxAccessKeyIDLength)
	}
	for i, r := range []rune(id) {
		if r < 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r) || r == '.') {
			continue
		}
		if unicode.IsSpace(r) {
			return fieldErr(FieldCredentials, ErrAccessKeyID, "The AccessKey ID has a space or line break at character %d, which no AccessKey ID has: copy the ID alone, without spaces.", i+1)
		}
		return fieldErr(FieldCredentials, ErrAccessKeyID, "The AccessKey ID has %q at character %d, which no AccessKey ID has (they are letters, digits and dots): copy the ID again.", string(r), i+1)
	}
	return nil
}

// ValidateContentType checks that a content type can travel in a header.
func ValidateContentType(ct string) *FieldError {
	if ct == "" {
		return nil
	}
	if !visibleASCII(ct, true) || !strings.Contains(ct, "/") {
		return fieldErr(FieldContentType, ErrContentType, "The content type %q is not valid: use a MIME type such as application/pdf, or leave it empty.", ct)
	}
	return nil
}

func validateContentMD5(md5 string) *FieldError {
	if md5 == "" {
		return nil
	}
	if raw, err := decodeBase64(md5); err != nil || len(raw) != 16 {
		return fieldErr(FieldContentMD5, ErrContentMD5, "The Content-MD5 must be the Base64 of a 16-byte MD5 digest (24 characters ending in ==).")
	}
	return nil
}

// ValidateStorageClass checks a storage class against OSS's list; empty means the bucket's default.
func ValidateStorageClass(class string) *FieldError {
	if class == "" || slices.Contains(StorageClasses, class) {
		return nil
	}
	return fieldErr(FieldStorageClass, ErrStorageClass, "The storage class %q is unknown: use one of %s.", class, strings.Join(StorageClasses, ", "))
}

// ValidateACL checks an object ACL against OSS's list; empty means not set.
func ValidateACL(acl string) *FieldError {
	if acl == "" || slices.Contains(ObjectACLs, acl) {
		return nil
	}
	return fieldErr(FieldACL, ErrACL, "The ACL %q is unknown: use one of %s.", acl, strings.Join(ObjectACLs, ", "))
}

// ValidateMetadata checks user metadata names, values and total size.
func ValidateMetadata(meta map[string]string) *FieldError {
	total := 0
	for _, name := range slices.Sorted(maps.Keys(meta)) {
		value := meta[name]
		if !metaName.MatchString(name) {
			return fieldErr(FieldMetadata, ErrMetaName, "The metadata name %q is not valid: use letters, digits and hyphens only.", name)
		}
		if !visibleASCII(value, true) {
			return fieldErr(FieldMetadata, ErrMetaValue, "The value of metadata %q is not valid: use visible ASCII characters and spaces, without line breaks.", name)
		}
		total += len("x-oss-meta-") + len(name) + len(value)
	}
	if total > MaxMetadataBytes {
		return fieldErr(FieldMetadata, ErrMetaTooLarge, "The metadata takes %d bytes: OSS allows at most %d in all; shorten or remove some entries.", total, MaxMetadataBytes)
	}
	return nil
}

// ValidateCallback checks a callback the way OSS will before accepting the upload.
func ValidateCallback(cb Callback) *FieldError {
	if len(cb.URLs) == 0 {
		return fieldErr(FieldCallback, ErrCallbackURL, "The callback has no URL: enter the address of your server, or turn the callback off.")
	}
	if len(cb.URLs) > 5 {
		return fieldErr(FieldCallback, ErrCallbackURL, "The callback has %d URLs: OSS tries at most 5.", len(cb.URLs))
	}
	for _, raw := range cb.URLs {
		u, err := url.Parse(raw)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" || strings.Contains(raw, ";") {
			return fieldErr(FieldCallback, ErrCallbackURL, "The callback URL %q is not valid: use a full http:// or https:// address with a host.", raw)
		}
	}
	if cb.Host != "" {
		// The host is host[:port] only, as in a Host header.
		if u, err := url.Parse("http://" + cb.Host); err != nil || u.Host != cb.Host || u.Hostname() == "" {
			return fieldErr(FieldCallback, ErrCallbackHost, "The callback host %q is not valid: enter a host name such as example.com, without http:// or a path.", cb.Host)
		}
	}
	if strings.TrimSpace(cb.Body) == "" {
		return fieldErr(FieldCallback, ErrCallbackBody, "The callback body is empty: enter a template such as object=${object}&size=${size}.")
	}
	switch cb.BodyType {
	case "", CallbackBodyForm, CallbackBodyJSON:
	default:
		return fieldErr(FieldCallback, ErrCallbackBodyType, "The callback body type %q is not supported: use %s or %s.", cb.BodyType, CallbackBodyForm, CallbackBodyJSON)
	}
	for _, name := range slices.Sorted(maps.Keys(cb.Vars)) {
		if !callbackVarKey.MatchString(name) {
			return fieldErr(FieldCallback, ErrCallbackVarName, "The callback variable %q is not valid: names start with x: followed by lowercase letters, digits, _ or -.", name)
		}
		if !utf8.ValidString(cb.Vars[name]) {
			return fieldErr(FieldCallback, ErrCallbackVarValue, "The value of callback variable %q is not valid UTF-8 text.", name)
		}
	}
	return nil
}

// visibleASCII reports whether s has only printable ASCII (and spaces, when allowed).
func visibleASCII(s string, spaces bool) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == ' ' && spaces {
			continue
		}
		if c < 0x21 || c > 0x7e {
			return false
		}
	}
	return true
}
