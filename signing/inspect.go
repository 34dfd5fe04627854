package signing

import (
	"bytes"
	"encoding/json"
	"errors"
	"net"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/ossdrop/ossdrop/signing/message"
	"golang.org/x/net/http/httpguts"
)

// Signature formats Inspect recognises.
const (
	FormatOSSV4 = "OSS V4"
	FormatOSSV1 = "OSS V1"
	FormatS3V4  = "S3 SigV4"
)

// Where the pasted text came from.
const (
	SourceShareLink = "share link"
	SourceURL       = "URL"
	SourceCurl      = "curl command"
	// SourcePageLink is an upload page's link carrying a share link.
	SourcePageLink = "page link"
)

// ClockSkewAllowance is how far in the future OSS accepts a link's signing time.
const ClockSkewAllowance = 15 * time.Minute

// ErrNotALink is wrapped by every error Inspect returns for text it cannot read.
var ErrNotALink = errors.New("not a presigned link")

// Inspection is what a pasted link or curl command allows, and until when.
type Inspection struct {
	Source string // SourceShareLink, SourceURL, SourceCurl or SourcePageLink
	// PageURL is the upload page a page link opens (empty otherwise).
	PageURL string
	Format  string // FormatOSSV4, FormatOSSV1 or FormatS3V4
	// Method is the HTTP method; for a bare URL it is guessed (PUT).
	Method      string
	MethodKnown bool
	// URL is the presigned URL without any fragment: what goes on the wire.
	URL  string
	Host string
	// Bucket is empty when the host is a custom domain that hides it.
	Bucket string
	Key    string
	Region string

	SignedAt    time.Time // zero for V1 links, which do not record it
	ExpiresAt   time.Time
	AccessKeyID string
	HasSTSToken bool

	// Headers the upload must send; HeadersKnown is false for a bare URL,
	// which does not say which headers it was signed with.
	Headers      Headers
	HeadersKnown bool
	// AdditionalHeaders are extra header names a V4 link signs (x-oss-additional-headers).
	AdditionalHeaders []string

	// Callback and CallbackVars are the decoded, indented JSON of the
	// callback headers, when the link carries them.
	Callback     string
	CallbackVars string

	// File is the path a curl command uploads (-T, or -F file=@ for a
	// request link), if any.
	File string

	// Request is set for a request link (Method MethodPost): the folder,
	// size range, types and fields of its policy. Headers are then empty.
	Request *RequestLink

	Warnings []message.Text
}

// LooksLikeLink reports whether text reads as a link or a curl command (an
// http(s) address, or a command starting with curl), without checking it:
// enough to route "ossdrop TEXT" to the app, which then says what is wrong
// with it, if anything.
func LooksLikeLink(text string) bool {
	s := strings.ToLower(strings.TrimSpace(text))
	s = strings.TrimPrefix(s, "$ ")
	for _, prefix := range []string{"http://", "https://", "curl ", "curl\t"} {
		if strings.HasPrefix(s, prefix) {
			return true
		}
	}
	return false
}

// Expired reports whether the link no longer works at now.
func (in *Inspection) Expired(now time.Time) bool { return now.After(in.ExpiresAt) }

// Link returns the inspection as a Link an uploader can use.
func (in *Inspection) Link() *Link {
	return &Link{Method: in.Method, URL: in.URL, Headers: in.Headers, SignedAt: in.SignedAt, ExpiresAt: in.ExpiresAt}
}

// ShareLink returns the share-link form of the inspected link.
func (in *Inspection) ShareLink() string {
	if in.Request != nil {
		return in.Request.ShareLink()
	}
	return buildShareLink(in.URL, in.Method, in.Headers)
}

// Curl returns the curl command for the inspected link.
func (in *Inspection) Curl(file string) string {
	if file == "" {
		file = in.File
	}
	if in.Request != nil {
		return in.Request.Curl(file)
	}
	return buildCurl(in.Method, in.URL, in.Headers, file)
}

// Inspect reads any pasted text — a share link, a bare V4, V1 or S3 presigned
// URL, or a curl command — and says what it allows, as of now. An error
// (wrapping ErrNotALink) is a sentence saying what was expected.
func Inspect(text string, now time.Time) (*Inspection, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return nil, notALink(message.New("There is nothing to read."), message.New("Paste a link (https://…) or a curl command."))
	}
	if isCurl(text) {
		return inspectCurl(text, now)
	}
	text = cleanPastedURL(text)
	if parts, ok, err := ParsePageLink(text); ok {
		return inspectPageLink(parts, err, now)
	}
	return inspectURL(text, SourceURL, now)
}

// inspectPageLink reads the link an upload page's link carries.
func inspectPageLink(parts PageLinkParts, err error, now time.Time) (*Inspection, error) {
	if err != nil {
		return nil, err
	}
	if _, nested, _ := ParsePageLink(parts.Link); nested {
		return nil, notALink(message.New("The page link carries another page link instead of an upload link."), hintAskAgain)
	}
	in, err := inspectURL(parts.Link, SourceShareLink, now)
	if err != nil {
		return nil, err
	}
	if (parts.Kind == PageKindRequest) != (in.Request != nil) {
		return nil, notALink(message.New("The page link says it carries a %q link, but it carries another kind.", parts.Kind), hintAskAgain)
	}
	in.Source, in.PageURL = SourcePageLink, parts.PageURL
	return in, nil
}

var curlPrefix = regexp.MustCompile(`^(\$\s*)?(\S*/)?curl(\.exe)?\s`)

func isCurl(text string) bool { return curlPrefix.MatchString(text) }

// cleanPastedURL undoes what mail clients and chats do to a long link: wrap
// it in <> or quotes, and break it over lines.
func cleanPastedURL(text string) string {
	text = strings.Trim(text, "<>\"'`")
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, text)
}

func inspectURL(raw, source string, now time.Time) (*Inspection, error) {
	// The fragment is split off first: a damaged one should be reported as
	// such, and its escapes must reach the share-link parser undecoded.
	raw, fragment, _ := strings.Cut(raw, "#")
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, notALink(message.New("This is neither a link nor a curl command."),
			message.New("Paste the whole link, starting with https://, or the curl command you were sent."))
	}
	in := &Inspection{Source: source, Method: MethodPut, Host: u.Host}
	frag, isShare, err := parseShareFragment(fragment)
	if err != nil {
		return nil, err
	}
	if isShare && frag.method == MethodPost {
		policy, _ := frag.headers.Get(FormPolicy)
		signature, _ := frag.headers.Get(FormSignature)
		return inspectRequestLink(raw, SourceShareLink, Fields{{FormPolicy, fragmentPolicy(policy)}, {FormSignature, signature}}, now)
	}
	if isShare {
		in.Source = SourceShareLink
		in.Headers, in.HeadersKnown = frag.headers, true
		if frag.method != "" {
			in.Method, in.MethodKnown = frag.method, true
		}
	}
	in.URL = raw

	q := u.Query()
	switch {
	case q.Get("x-oss-signature-version") != "" || q.Get("x-oss-signature") != "":
		err = in.readV4(q)
	case q.Get("Signature") != "" || q.Get("OSSAccessKeyId") != "":
		err = in.readV1(q)
	case q.Get("X-Amz-Signature") != "" || q.Get("X-Amz-Algorithm") != "":
		err = in.readS3(q)
	default:
		return nil, notALink(message.New("This link has no signature (no x-oss-signature, Signature or X-Amz-Signature parameter), so it is not a presigned link."),
			message.New("Ask the sender for the upload link."))
	}
	if err != nil {
		return nil, err
	}
	in.Bucket, in.Key = bucketAndKey(u)
	if in.Key == "" {
		return nil, notALink(message.New("The link names no object (its path is empty)."), hintCopyAgain)
	}
	in.decodeCallback()
	in.warn(now)
	return in, nil
}

func (in *Inspection) readV4(q url.Values) error {
	in.Format = FormatOSSV4
	switch v := q.Get("x-oss-signature-version"); v {
	case "OSS4-HMAC-SHA256":
	case "":
		return notALink(message.New("The link has no x-oss-signature-version: it is not a whole OSS V4 link."), hintCopyAgain)
	default:
		return notALink(message.New("The link's x-oss-signature-version is %q, not OSS4-HMAC-SHA256.", v), hintCopyAgain)
	}
	sig := q.Get("x-oss-signature")
	if len(sig) != 64 || strings.Trim(sig, "0123456789abcdef") != "" {
		return notALink(message.New("The link's signature (x-oss-signature) is missing or damaged."), hintCopyAgain)
	}
	cred := strings.Split(q.Get("x-oss-credential"), "/")
	if len(cred) != 5 || cred[0] == "" || cred[3] != "oss" || cred[4] != "aliyun_v4_request" {
		return notALink(message.New("The link's x-oss-credential is missing or damaged."), hintCopyAgain)
	}
	in.AccessKeyID, in.Region = cred[0], cred[2]
	signed, err := time.Parse(v4TimeFormat, q.Get("x-oss-date"))
	if err != nil {
		return notALink(message.New("The link's signing time (x-oss-date) is missing or damaged."), hintCopyAgain)
	}
	if cred[1] != signed.Format("20060102") {
		return notALink(message.New("The link's credential day %s differs from its signing day.", cred[1]), hintCopyAgain)
	}
	secs, err := strconv.Atoi(q.Get("x-oss-expires"))
	if err != nil || secs < 1 || secs > int(MaxExpiry/time.Second) {
		if q.Get("x-oss-expires") == "" {
			return notALink(message.New("The link does not say how long it is valid (no x-oss-expires)."), hintCopyAgain)
		}
		return notALink(message.New("The link's validity (x-oss-expires) %q is not 1 to 604800 seconds.", q.Get("x-oss-expires")), hintAskNew)
	}
	in.SignedAt, in.ExpiresAt = signed, signed.Add(time.Duration(secs)*time.Second)
	in.HasSTSToken = q.Get("x-oss-security-token") != ""
	if extra := q.Get("x-oss-additional-headers"); extra != "" {
		in.AdditionalHeaders = strings.Split(extra, ";")
	}
	return nil
}

func (in *Inspection) readV1(q url.Values) error {
	in.Format = FormatOSSV1
	if q.Get("OSSAccessKeyId") == "" || q.Get("Signature") == "" {
		return notALink(message.New("The V1 link lacks its OSSAccessKeyId or Signature parameter."), hintCopyAgain)
	}
	secs, err := strconv.ParseInt(q.Get("Expires"), 10, 64)
	if err != nil || secs <= 0 {
		if q.Get("Expires") == "" {
			return notALink(message.New("The V1 link does not say when it expires (no Expires)."), hintCopyAgain)
		}
		return notALink(message.New("The V1 link's Expires %q is not a Unix time.", q.Get("Expires")), hintCopyAgain)
	}
	in.AccessKeyID = q.Get("OSSAccessKeyId")
	in.ExpiresAt = time.Unix(secs, 0).UTC()
	in.HasSTSToken = q.Get("security-token") != ""
	return nil
}

func (in *Inspection) readS3(q url.Values) error {
	in.Format = FormatS3V4
	cred := strings.Split(q.Get("X-Amz-Credential"), "/")
	signed, err := time.Parse(v4TimeFormat, q.Get("X-Amz-Date"))
	secs, err2 := strconv.Atoi(q.Get("X-Amz-Expires"))
	if len(cred) != 5 || err != nil || err2 != nil || secs < 1 {
		return notALink(message.New("The S3 link's X-Amz-Credential, X-Amz-Date or X-Amz-Expires is missing or damaged."), hintCopyAgain)
	}
	in.AccessKeyID, in.Region = cred[0], cred[2]
	in.SignedAt, in.ExpiresAt = signed, signed.Add(time.Duration(secs)*time.Second)
	in.HasSTSToken = q.Get("X-Amz-Security-Token") != ""
	// S3 lists its signed headers; "host" is sent by every client anyway.
	for _, h := range strings.Split(q.Get("X-Amz-SignedHeaders"), ";") {
		if h != "" && h != "host" {
			in.AdditionalHeaders = append(in.AdditionalHeaders, h)
		}
	}
	return nil
}

// bucketAndKey reads the bucket and the decoded key from a link. OSS and
// S3 hosts name the bucket in the first label; IP addresses and localhost
// use path style; any other host is a custom domain bound to one bucket.
func bucketAndKey(u *url.URL) (bucket, key string) {
	host := u.Hostname()
	p := strings.TrimPrefix(u.Path, "/")
	switch {
	case host == "localhost" || net.ParseIP(host) != nil:
		bucket, key, _ = strings.Cut(p, "/")
		return bucket, key
	case strings.HasSuffix(host, ".localhost"):
		return strings.TrimSuffix(host, ".localhost"), p
	case strings.HasSuffix(host, ".aliyuncs.com") || strings.HasSuffix(host, ".amazonaws.com"):
		first, _, _ := strings.Cut(host, ".")
		if strings.HasPrefix(first, "oss-") || strings.HasPrefix(first, "s3") {
			bucket, key, _ = strings.Cut(p, "/") // path style on the region endpoint
			return bucket, key
		}
		return first, p
	}
	return "", p
}

// decodeCallback fills Callback and CallbackVars from the signed headers.
func (in *Inspection) decodeCallback() {
	if v, ok := in.Headers.Get("x-oss-callback"); ok {
		in.Callback = DecodeBase64JSON(v)
	}
	if v, ok := in.Headers.Get("x-oss-callback-var"); ok {
		in.CallbackVars = DecodeBase64JSON(v)
	}
}

// DecodeBase64JSON decodes a callback header value (Base64 of JSON) into
// indented JSON, or a note saying what it is not.
func DecodeBase64JSON(v string) string {
	raw, err := decodeBase64(v)
	if err != nil {
		return "(not valid Base64)"
	}
	var out bytes.Buffer
	if err := json.Indent(&out, raw, "", "  "); err != nil {
		return "(not valid JSON) " + string(raw)
	}
	return out.String()
}

// CallbackURLs returns the callback server addresses the link names, if any.
func (in *Inspection) CallbackURLs() []string {
	var cb struct {
		URL string `json:"callbackUrl"`
	}
	if in.Callback == "" || json.Unmarshal([]byte(in.Callback), &cb) != nil || cb.URL == "" {
		return nil
	}
	return strings.Split(cb.URL, ";")
}

func (in *Inspection) warn(now time.Time) {
	add := func(format string, args ...any) { in.Warnings = append(in.Warnings, message.New(format, args...)) }
	if in.Expired(now) {
		add("This link expired at %s (%s ago): ask the sender for a new one.", message.Time(in.ExpiresAt), message.Duration(now.Sub(in.ExpiresAt)))
	}
	if !in.SignedAt.IsZero() && in.SignedAt.After(now.Add(ClockSkewAllowance)) {
		add("This link was signed at %s, more than 15 minutes ahead of this computer's clock: check the clock here; OSS refuses the link until then.", message.Time(in.SignedAt))
	}
	if !in.HeadersKnown {
		add("This bare link does not say which headers it was signed with; the upload sends none. If it fails with SignatureDoesNotMatch, ask the sender for the share link or the curl command.")
	}
	if in.Format == FormatS3V4 {
		add("This is an S3 link, not an OSS one: OSS Drop can try it but cannot check what it allows.")
	}
	if in.MethodKnown && in.Method != MethodPut && in.Request == nil {
		add("This link is for %s, not for uploading (PUT).", in.Method)
	}
}

// inspectCurl reads a curl command with a real shell-words parser.
func inspectCurl(text string, now time.Time) (*Inspection, error) {
	text = strings.TrimPrefix(strings.TrimSpace(text), "$")
	args, err := curlWords(text)
	if err != nil {
		return nil, notALink(message.New("The curl command could not be read (%s).", reasonArg(err)), hintCopyCommand)
	}
	var (
		method, rawURL, file string
		headers              = map[string]string{}
		form                 Fields
		hasData              bool
	)
	for i := 1; i < len(args); i++ {
		arg := args[i]
		name, value, hasValue := splitCurlOption(arg)
		if name == "" { // a positional argument: the URL
			if rawURL == "" {
				rawURL = arg
			}
			continue
		}
		if curlTakesValue[name] && !hasValue {
			if i+1 >= len(args) {
				return nil, notALink(message.New("The curl option %s has no value.", name), hintCopyCommand)
			}
			i++
			value = args[i]
		}
		switch name {
		case "-X", "--request":
			method = strings.ToUpper(value)
		case "-H", "--header":
			k, v, ok := strings.Cut(value, ":")
			if !ok {
				continue // "Name;" sends an empty header; nothing OSS signs
			}
			k = strings.TrimSpace(k)
			if !httpguts.ValidHeaderFieldName(k) {
				return nil, notALink(message.New("The curl command has a header %q that is not valid.", value), hintCopyCommand)
			}
			if v = strings.TrimSpace(v); v != "" {
				headers[strings.ToLower(k)] = v
			}
		case "-T", "--upload-file":
			file = value
		case "--url":
			rawURL = value
		case "-F", "--form", "--form-string":
			hasData = true
			if name, value, ok := strings.Cut(value, "="); ok {
				form = append(form, Field{name, value})
			}
		case "-d", "--data", "--data-binary", "--data-raw", "--data-ascii", "--data-urlencode":
			hasData = true
		case "-I", "--head":
			method = "HEAD"
		}
	}
	if rawURL == "" {
		return nil, notALink(message.New("The curl command has no https:// address."), hintCopyCommand)
	}
	if _, ok := form.Get(FormPolicy); ok {
		in, err := inspectRequestLink(cleanPastedURL(rawURL), SourceCurl, form, now)
		if err == nil {
			in.File = curlFormFile(form)
		}
		return in, err
	}
	in, err := inspectURL(rawURL, SourceCurl, now)
	if err != nil {
		return nil, err
	}
	in.Source, in.File = SourceCurl, file
	switch {
	case method != "":
	case file != "":
		method = MethodPut
	case hasData:
		method = "POST"
	default:
		method = MethodGet
	}
	in.Method, in.MethodKnown = method, true
	// The command's own headers are what its author meant to send.
	for _, h := range in.Headers {
		if _, ok := headers[h.Name]; !ok {
			headers[h.Name] = h.Value
		}
	}
	in.Headers, in.HeadersKnown = headersFromMap(headers), true
	in.Warnings = nil
	in.decodeCallback()
	in.warn(now)
	return in, nil
}

// splitCurlOption splits "-XPUT" or "--request=PUT" style arguments; name is
// empty for a positional argument.
func splitCurlOption(arg string) (name, value string, hasValue bool) {
	switch {
	case strings.HasPrefix(arg, "--"):
		if n, v, ok := strings.Cut(arg, "="); ok && curlTakesValue[n] {
			return n, v, true
		}
		return arg, "", false
	case strings.HasPrefix(arg, "-") && len(arg) > 1:
		n := arg[:2]
		if curlTakesValue[n] && len(arg) > 2 {
			return n, arg[2:], true
		}
		return n, "", false
	}
	return "", "", false
}

// curlTakesValue lists the curl options that consume the next argument, so
// their values are not mistaken for the URL.
var curlTakesValue = func() map[string]bool {
	m := map[string]bool{}
	for _, o := range strings.Fields(`-X --request -H --header -T --upload-file -o --output -d --data
		--data-binary --data-raw --data-ascii --data-urlencode -F --form -u --user -A --user-agent -e --referer
		--connect-timeout -m --max-time --retry --retry-delay --retry-max-time -w --write-out -b --cookie
		-c --cookie-jar -x --proxy --form-string --resolve --limit-rate --url --cacert --cert --key -r --range -K --config
		-E --interface -Y --speed-limit -y --speed-time --max-filesize -z --time-cond --expect100-timeout`) {
		m[o] = true
	}
	return m
}()

// curlFormFile is the path of a request-link curl command's file=@PATH
// field, quotes removed.
func curlFormFile(form Fields) string {
	v, ok := form.Get(FormFile)
	if !ok || !strings.HasPrefix(v, "@") {
		return ""
	}
	v = strings.TrimPrefix(v, "@")
	if unq, err := strconv.Unquote(v); err == nil && strings.HasPrefix(v, `"`) {
		return unq
	}
	if i := strings.IndexByte(v, ';'); i >= 0 {
		v = v[:i] // curl's ;type= and ;filename= options
	}
	return v
}
