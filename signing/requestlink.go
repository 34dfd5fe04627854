package signing

import (
	"bytes"
	"compress/flate"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/url"
	"strings"
	"time"

	"github.com/ossdrop/ossdrop/signing/message"
)

// RequestLinkVersion is the share-link fragment format that carries request
// links. Format 2 is format 1 plus method=POST with the policy and its
// signature; PUT links are still written as format 1, so every OSS Drop
// reads them, while an OSS Drop that knows only format 1 says "update"
// when handed a request link instead of misreading it.
const RequestLinkVersion = "2"

// RequestLink is a signed request link: where the form is posted, the
// fields every upload sends, and what its policy allows. Everything in it
// is read back from the policy, the one thing the signature covers, so the
// limits shown are the limits OSS enforces.
type RequestLink struct {
	// URL is where the form is posted: the bucket's address.
	URL string
	// Fields are every form field but key and file, in the order they are
	// sent; policy and x-oss-signature come last.
	Fields Fields
	// Policy is the policy JSON exactly as signed.
	Policy string

	Bucket      string
	Region      string
	AccessKeyID string
	HasSTSToken bool
	// Key is the one object key a single-file link takes ("eq"); empty
	// for a folder link.
	Key string
	// Prefix is the folder every key must start with ("starts-with").
	Prefix string
	// MinSize and MaxSize bound each file, in bytes, inclusive.
	MinSize, MaxSize int64
	// ContentType is the one type the link binds; ContentTypePrefix the
	// start every type must have ("image/"). Both empty: any type.
	ContentType       string
	ContentTypePrefix string
	ForbidOverwrite   bool
	// Metadata is the user metadata every upload carries (names without
	// "x-oss-meta-").
	Metadata map[string]string
	// Callback and CallbackVars are the decoded, indented callback JSON.
	Callback     string
	CallbackVars string

	SignedAt  time.Time
	ExpiresAt time.Time

	policyB64, signature string
}

// ShareLink returns the one string that carries the link: the bucket URL
// with the policy and its signature in the fragment:
//
//	https://b.oss-cn-hangzhou.aliyuncs.com/#ossdrop=2&method=POST&policy=q1YqTq…&x-oss-signature=4fd0…
//
// The fragment's policy is the policy JSON compressed (raw DEFLATE) and
// Base64url-encoded without padding, so nothing needs escaping; every
// other field is read back from the policy. Both keep the string small
// enough for a QR code a phone reads (about a quarter shorter than the
// plain Base64 policy).
func (l *RequestLink) ShareLink() string {
	var buf bytes.Buffer
	w, _ := flate.NewWriter(&buf, flate.BestCompression) // the level is valid
	w.Write([]byte(l.Policy))                            // a bytes.Buffer does not fail
	w.Close()
	return l.URL + "#" + fragmentVersionKey + "=" + RequestLinkVersion + "&" + fragmentMethodKey + "=" + MethodPost +
		"&" + FormPolicy + "=" + base64.RawURLEncoding.EncodeToString(buf.Bytes()) + "&" + FormSignature + "=" + l.signature
}

// ObjectKey is the key a file named name (forward slashes for folders
// kept) gets through this link: the fixed key of a single-file link, or the
// folder plus the name.
func (l *RequestLink) ObjectKey(name string) string {
	if l.Key != "" {
		return l.Key
	}
	return l.Prefix + name
}

// Form returns the fields of one upload in the order they are sent, the
// file aside (it comes last): the key, the content type when the link
// leaves it to the uploader, then the link's own fields.
func (l *RequestLink) Form(key, contentType string) Fields {
	f := Fields{{FormKey, key}}
	if _, bound := l.Fields.Get(FormContentType); !bound && contentType != "" {
		f = append(f, Field{FormContentType, contentType})
	}
	return append(f, l.Fields...)
}

// Curl returns a POSIX-shell command that uploads file through the link
// with real curl. The key uses ${filename}, which OSS replaces with the
// uploaded file's name. file defaults to CurlPlaceholder.
func (l *RequestLink) Curl(file string) string {
	return "curl " + joinArgs(l.curlArgs(file), shellQuote)
}

// curlArgs are curl's arguments for Curl, unquoted (see CurlIn for the
// other shells).
func (l *RequestLink) curlArgs(file string) []string {
	if file == "" {
		file = CurlPlaceholder
	}
	var args []string
	for _, f := range l.Form(l.ObjectKey("${filename}"), "") {
		// --form-string sends a value as it is; -F would read a leading @
		// or < as a file and ";type=" as an option.
		flag := "-F"
		if strings.ContainsAny(f.Value, ";") || strings.HasPrefix(f.Value, "@") || strings.HasPrefix(f.Value, "<") {
			flag = "--form-string"
		}
		args = append(args, flag, f.Name+"="+f.Value)
	}
	return append(args, "-F", FormFile+"=@"+curlFileName(file), l.URL)
}

// curlFileName quotes a path for curl's -F name=@path when it holds a
// character curl would read as the start of an option.
func curlFileName(path string) string {
	if !strings.ContainsAny(path, `;,"\`) {
		return path
	}
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(path) + `"`
}

// readRequestLink reads a request link from the URL the form is posted to
// and its fields; only the policy and the signature are read, the rest is
// derived from the policy. An error is a reason (a clause such as "its
// policy is not valid JSON") for the sentence of the caller.
func readRequestLink(rawURL string, fields Fields) (*RequestLink, error) {
	policyB64, _ := fields.Get(FormPolicy)
	signature, _ := fields.Get(FormSignature)
	if len(signature) != 64 || strings.Trim(signature, "0123456789abcdef") != "" {
		return nil, reason("its signature (x-oss-signature) is missing or damaged")
	}
	raw, err := base64.StdEncoding.DecodeString(policyB64)
	if err != nil || policyB64 == "" {
		return nil, reason("its policy is missing or not Base64")
	}
	expiration, conds, err := parsePolicy(raw)
	if err != nil {
		return nil, err
	}
	l := &RequestLink{URL: rawURL, Policy: string(raw), ExpiresAt: expiration, policyB64: policyB64, signature: signature, MaxSize: MaxObjectSize}
	var v4 Fields
	keyBound := false
	for _, c := range conds {
		switch {
		case c.op == "" && c.field == "bucket":
			l.Bucket = c.value
		case c.op == "":
			v4 = append(v4, Field{c.field, c.value})
		case c.op == "content-length-range":
			l.MinSize, l.MaxSize = max(l.MinSize, c.min), min(l.MaxSize, c.max)
		case c.field == FormKey && c.op == "eq":
			l.Key, keyBound = c.value, true
		case c.field == FormKey:
			l.Prefix, keyBound = c.value, true
		case c.field == "content-type" && c.op == "starts-with":
			l.ContentTypePrefix = c.value
		case c.op == "starts-with":
			return nil, reason("its policy lets the uploader choose %s, which OSS Drop cannot do", c.field)
		default:
			l.addBound(c.field, c.value)
		}
	}
	if !keyBound || l.Bucket == "" {
		return nil, reason("its policy names no bucket or no object key")
	}
	if l.MinSize > l.MaxSize {
		return nil, reason("its policy's size range is empty")
	}
	if err := l.readV4(v4); err != nil {
		return nil, err
	}
	l.Fields = append(l.Fields, v4...)
	l.Fields = append(l.Fields, Field{FormPolicy, policyB64}, Field{FormSignature, signature})
	return l, nil
}

// addBound records a field an "eq" condition fixes.
func (l *RequestLink) addBound(name, value string) {
	switch name {
	case "content-type":
		name = FormContentType
		l.ContentType = value
	case FormForbidOverwrite:
		l.ForbidOverwrite = strings.EqualFold(value, "true")
	case FormCallback:
		l.Callback = DecodeBase64JSON(value)
	case FormCallbackVar:
		l.CallbackVars = DecodeBase64JSON(value)
	}
	if meta, ok := strings.CutPrefix(name, "x-oss-meta-"); ok {
		if l.Metadata == nil {
			l.Metadata = map[string]string{}
		}
		l.Metadata[meta] = value
	}
	l.Fields = append(l.Fields, Field{name, value})
}

// readV4 checks the V4 fields the policy binds and reads who signed, where
// and when.
func (l *RequestLink) readV4(v4 Fields) error {
	if v, _ := v4.Get(FormSignatureVer); v != v4Algorithm {
		return reason("its x-oss-signature-version is %q, not %s", v, v4Algorithm)
	}
	cred := strings.Split(func() string { v, _ := v4.Get(FormCredential); return v }(), "/")
	if len(cred) != 5 || cred[0] == "" || cred[3] != "oss" || cred[4] != "aliyun_v4_request" {
		return reason("its x-oss-credential is damaged")
	}
	date, _ := v4.Get(FormDate)
	signed, err := time.Parse(v4TimeFormat, date)
	if err != nil || cred[1] != signed.Format("20060102") {
		return reason("its signing time (x-oss-date) %q is damaged or not the credential's day", date)
	}
	l.AccessKeyID, l.Region, l.SignedAt = cred[0], cred[2], signed
	_, l.HasSTSToken = v4.Get(FormSecurityToken)
	return nil
}

// inspectRequestLink reads a request link's share link (the fragment's
// policy is Base64url) or pasted form fields into an inspection.
func inspectRequestLink(rawURL, source string, fields Fields, now time.Time) (*Inspection, error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, notALink(message.New("The request link's address is damaged."), hintCopyAgain)
	}
	l, err := readRequestLink(rawURL, fields)
	if err != nil {
		return nil, notALink(message.New("The request link is damaged (%s).", reasonArg(err)), hintCopyAgain)
	}
	in := &Inspection{
		Source: source, Format: FormatOSSV4, Method: MethodPost, MethodKnown: true, URL: l.URL, Host: u.Host,
		Bucket: l.Bucket, Key: l.Key, Region: l.Region, SignedAt: l.SignedAt, ExpiresAt: l.ExpiresAt,
		AccessKeyID: l.AccessKeyID, HasSTSToken: l.HasSTSToken, HeadersKnown: true,
		Callback: l.Callback, CallbackVars: l.CallbackVars, Request: l,
	}
	in.warn(now)
	return in, nil
}

// maxPolicyBytes bounds a decompressed policy: OSS Drop's are well under a
// kilobyte, and a damaged or hostile link must not inflate without end.
const maxPolicyBytes = 64 << 10

// fragmentPolicy turns the fragment's compressed Base64url policy back into
// the exact standard Base64 that was signed (this package always signs the
// padded standard encoding of the JSON, so the round trip is exact). What
// it cannot read it returns as it is, for readRequestLink to refuse.
func fragmentPolicy(v string) string {
	packed, err := base64.RawURLEncoding.DecodeString(v)
	if err != nil {
		return v
	}
	raw, err := io.ReadAll(io.LimitReader(flate.NewReader(bytes.NewReader(packed)), maxPolicyBytes+1))
	if err != nil || len(raw) > maxPolicyBytes {
		return v
	}
	return base64.StdEncoding.EncodeToString(raw)
}

// PolicyJSON returns the policy indented for people to read.
func (l *RequestLink) PolicyJSON() string {
	var out bytes.Buffer
	if err := json.Indent(&out, []byte(l.Policy), "", "  "); err != nil {
		return l.Policy
	}
	return out.String()
}
