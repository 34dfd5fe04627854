package sandbox

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Limits on the fields before the file, which are read into memory: OSS's
// (a name up to 8 KB, a value up to 2 MB, 8 MB of values in all); the
// total here counts names too, so that many long names with empty values
// cannot take more. OSS Drop's largest field (a policy with an STS token)
// is a few kilobytes.
const (
	maxFieldName = 8 << 10
	maxFormField = 2 << 20
	maxFormTotal = 8 << 20
)

// Conditions the file's source reports, for EntityTooLarge and
// EntityTooSmall.
var (
	errAboveRange = errors.New("file larger than the policy allows")
	errBelowRange = errors.New("file smaller than the policy allows")
)

// post stores an object from an HTML form (PostObject): the fields are
// read, the policy's signature and conditions checked, and then the file
// part, which must come last, is streamed into the store, its size held to
// the policy's content-length-range as it goes. Nothing is stored unless
// every check passes and the whole file arrived.
func (s *Server) post(w http.ResponseWriter, r *http.Request, c *call) *Error {
	if r.ContentLength > MaxObjectSize+maxFormTotal {
		return errorf(http.StatusBadRequest, CodeEntityTooLarge, "", "Your proposed upload exceeds the maximum allowed size.")
	}
	mediaType, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mediaType != "multipart/form-data" || params["boundary"] == "" {
		return malformedPost()
	}
	fr, err := newFormReader(c.bodyIn, params["boundary"])
	if err != nil {
		return malformedPost()
	}
	form := map[string]string{}
	total := 0
	for {
		part, err := fr.nextPart()
		switch {
		case err == io.EOF:
			return invalidArgument("", "The body of your POST request has no file field: the file must be the last field of the form.")
		case errors.Is(err, errFormHeaderLarge):
			return invalidArgument("", "A part of the form has a header larger than %d KB.", formHeaderMax>>10)
		case err != nil:
			return malformedPost()
		}
		name := strings.ToLower(part.formName())
		if name == "file" {
			return s.postFile(w, r, c, form, part)
		}
		if len(name) > maxFieldName {
			return invalidArgument("", "The form field %q has a name longer than %d KB.", truncate(name, 64), maxFieldName>>10)
		}
		value, err := io.ReadAll(io.LimitReader(part, maxFormField+1))
		switch {
		case err != nil:
			return malformedPost()
		case len(value) > maxFormField:
			return invalidArgument("", "The form field %q is larger than %d MB.", truncate(name, 64), maxFormField>>20)
		case name == "":
			continue // a part with no name is no field
		}
		if total += len(name) + len(value); total > maxFormTotal {
			return invalidArgument("", "The form fields before the file take more than %d MB.", maxFormTotal>>20)
		}
		if _, dup := form[name]; dup {
			return invalidArgument("", "The form field %q appears more than once.", truncate(name, 64))
		}
		form[name] = string(value)
	}
}

func malformedPost() *Error {
	return errorf(http.StatusBadRequest, CodeMalformedPOSTRequest, "", "The body of your POST request is not well-formed multipart/form-data.")
}

// postFile checks the signature and the policy against the form and
// streams the file part into the store.
func (s *Server) postFile(w http.ResponseWriter, r *http.Request, c *call, form map[string]string, file *streamedPart) *Error {
	policy, e := s.verifyPolicy(c, form)
	if e != nil {
		return e
	}
	key := form["key"]
	if key == "" {
		return invalidArgument("", "The key form field is missing: it names the object.")
	}
	key = strings.ReplaceAll(key, "${filename}", file.fileName())
	if !validKey(key) {
		return errorf(http.StatusBadRequest, CodeInvalidObjectName, "", "The specified object is not valid.")
	}
	c.key = key
	contentType := form["content-type"]
	if contentType == "" {
		contentType = file.Header.Get("Content-Type")
	}
	if contentType == "" {
		contentType = "application/octet-stream"
	}
	if e := policy.check(func(field string) string {
		switch field {
		case "bucket":
			return c.bucket
		case "key":
			return key
		case "content-type":
			return contentType
		}
		return form[field]
	}); e != nil {
		return e
	}

	in := putInput{
		Bucket: c.bucket, Key: key, Size: -1, AtMost: r.ContentLength, ContentType: contentType,
		ForbidOverwrite: strings.EqualFold(strings.TrimSpace(form["x-oss-forbid-overwrite"]), "true"),
	}
	meta := map[string]string{}
	for name, value := range form {
		if m, ok := strings.CutPrefix(name, "x-oss-meta-"); ok && m != "" {
			meta[m] = value
		}
	}
	if e := in.options(form["x-oss-storage-class"], form["x-oss-object-acl"], meta); e != nil {
		return e
	}
	cb, e := parseCallback(http.Header{"X-Oss-Callback": {form["callback"]}, "X-Oss-Callback-Var": {form["callback-var"]}})
	if e != nil {
		return e
	}

	lo, hi := policy.lengthRange()
	info, err := s.store.putFrom(in, &rangeSource{src: file, min: lo, max: hi})
	switch {
	case errors.Is(err, errExists):
		return errorf(http.StatusConflict, CodeFileAlreadyExists, "", "The object you specified already exists and can not be overwritten.")
	case errors.Is(err, errAboveRange), errors.Is(err, errTooLarge):
		return errorf(http.StatusBadRequest, CodeEntityTooLarge, "", "Your proposed upload exceeds the maximum allowed size.")
	case errors.Is(err, errBelowRange):
		return errorf(http.StatusBadRequest, CodeEntityTooSmall, "", "Your proposed upload is smaller than the minimum allowed size.")
	case errors.Is(err, errStalled):
		return errorf(http.StatusBadRequest, CodeRequestTimeout, "", "Your socket connection to the server was not read from or written to within the timeout period.")
	case errors.Is(err, errIncomplete):
		return malformedPost()
	case err != nil:
		s.log.Error("sandbox store failed", slog.String("request_id", c.id), slog.Any("error", err))
		return errorf(http.StatusInternalServerError, CodeInternalError, "", "Storing the object failed.")
	}
	if cb != nil {
		return s.answerStored(w, r, c, info, cb, "PostObject")
	}
	if target, ok := redirectTarget(form["success_action_redirect"], info); ok {
		w.Header().Set("Location", target)
		return s.answerStatus(w, info, http.StatusSeeOther, nil)
	}
	switch form["success_action_status"] {
	case "200":
		return s.answerStatus(w, info, http.StatusOK, nil)
	case "201":
		body, _ := xml.MarshalIndent(postResponse{Bucket: info.Bucket, Key: info.Key, ETag: info.ETag,
			Location: "http://" + c.host + "/" + escapePath(info.Key)}, "", "  ")
		w.Header().Set("Content-Type", "application/xml")
		return s.answerStatus(w, info, http.StatusCreated, append([]byte(xml.Header), body...))
	}
	return s.answerStatus(w, info, http.StatusNoContent, nil)
}

// postResponse is the XML OSS returns for success_action_status 201.
type postResponse struct {
	XMLName  xml.Name `xml:"PostResponse"`
	Bucket   string   `xml:"Bucket"`
	Location string   `xml:"Location"`
	Key      string   `xml:"Key"`
	ETag     string   `xml:"ETag"`
}

// redirectTarget is success_action_redirect with the bucket, key and ETag
// added to its query, as OSS sends the browser on.
func redirectTarget(raw string, info *ObjectInfo) (string, bool) {
	if raw == "" {
		return "", false
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", false
	}
	q := u.Query()
	q.Set("bucket", info.Bucket)
	q.Set("key", info.Key)
	q.Set("etag", strings.Trim(info.ETag, `"`))
	u.RawQuery = q.Encode()
	return u.String(), true
}

// verifyPolicy checks a form's V4 fields and the policy's signature and
// expiry; it returns the decoded policy to check the fields against.
func (s *Server) verifyPolicy(c *call, form map[string]string) (*postPolicy, *Error) {
	policyB64 := form["policy"]
	switch {
	case policyB64 == "" && form["x-oss-signature"] == "" && form["signature"] == "":
		return nil, errorf(http.StatusForbidden, CodeAccessDenied, "", "You have no right to access this object: the form carries no policy and no signature, and the bucket is not public-read-write.")
	case form["x-oss-signature-version"] != v4Algorithm:
		return nil, invalidArgument("", "The sandbox checks V4 POST signatures: x-oss-signature-version must be %s, not %q.", v4Algorithm, truncate(form["x-oss-signature-version"], 64))
	case policyB64 == "":
		return nil, invalidArgument("", "The policy form field is missing.")
	}
	akID, day, region, e := parseCredential(form["x-oss-credential"])
	if e != nil {
		return nil, e
	}
	signedAt, e := parseV4Date(form["x-oss-date"], day)
	if e != nil {
		return nil, e
	}
	now := s.now()
	if signedAt.After(now.Add(ClockSkew)) {
		e := errorf(http.StatusForbidden, CodeAccessDenied, ecV4NotYetValid, "Request is not valid yet: x-oss-date is more than 15 minutes in the future.")
		e.ServerTime = isoTime(now)
		return nil, e
	}
	token := form["x-oss-security-token"]
	k, err := lookupKey(s.keys, akID, token != "")
	if err != nil {
		var ke *Error
		errors.As(err, &ke)
		return nil, ke
	}
	want := hex.EncodeToString(hmacSum(sha256.New, signingKeyV4(k.Secret, day, region), policyB64))
	if !hmac.Equal([]byte(form["x-oss-signature"]), []byte(want)) {
		e := errorf(http.StatusForbidden, CodeSignatureDoesNotMatch, ecSignatureMismatch, "The request signature we calculated does not match the signature you provided. Check your key and signing method.")
		e.AccessKeyID, e.SignatureProvided, e.StringToSign = akID, form["x-oss-signature"], policyB64
		return nil, e
	}
	raw, err := base64.StdEncoding.DecodeString(policyB64)
	if err != nil {
		return nil, invalidPolicy("The policy is not Base64.")
	}
	policy, e := parsePostPolicy(raw)
	if e != nil {
		return nil, e
	}
	// OSS counts a V4 form's life from x-oss-date too: at most 7 days.
	if now.After(policy.expiration) || now.After(signedAt.Add(MaxV4Expires*time.Second)) {
		e := errorf(http.StatusForbidden, CodeAccessDenied, "", "Invalid according to Policy: Policy expired.")
		e.Expires, e.ServerTime = isoTime(policy.expiration), isoTime(now)
		return nil, e
	}
	c.signed = &Signed{Version: VersionV4, AccessKeyID: akID, Region: region, Bucket: c.bucket,
		SignedAt: signedAt, ExpiresAt: policy.expiration, Token: token != ""}
	return policy, nil
}

// rangeSource is the file part held to the policy's size range: past max
// it fails at once, so an oversized file is cut off instead of filling
// the disk; at the end it fails when below min.
type rangeSource struct {
	src      source
	n        int64
	min, max int64
}

func (l *rangeSource) fill(buf []byte) (int, error) {
	n, err := l.src.fill(buf)
	l.n += int64(n)
	switch {
	case l.n > l.max:
		return n, errAboveRange
	case err == io.EOF && l.n < l.min:
		return n, errBelowRange
	}
	return n, err
}

// answerStatus ends a stored upload with its checksums and a status.
func (s *Server) answerStatus(w http.ResponseWriter, info *ObjectInfo, status int, body []byte) *Error {
	h := w.Header()
	h.Set("ETag", info.ETag)
	h.Set("x-oss-hash-crc64ecma", info.CRC64)
	h.Set("Content-MD5", info.ContentMD5)
	if status != http.StatusNoContent {
		h.Set("Content-Length", strconv.Itoa(len(body)))
	}
	w.WriteHeader(status)
	_, _ = w.Write(body)
	return nil
}
