package signing

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// MethodPost is the method of a request link: an HTML-form upload (OSS
// PostObject) whose signed policy admits many files under one folder.
const MethodPost = "POST"

// MaxObjectSize is the most OSS stores with one PUT or POST: 5 GiB.
const MaxObjectSize int64 = 5 << 30

// Sentinels and field names of the request-link rules.
var (
	ErrPrefix    = errors.New("invalid folder")
	ErrSizeRange = errors.New("invalid size range")
)

// Form fields a request link's policy binds, beside the V4 ones.
const (
	FormKey             = "key"
	FormPolicy          = "policy"
	FormSignature       = "x-oss-signature"
	FormSignatureVer    = "x-oss-signature-version"
	FormCredential      = "x-oss-credential"
	FormDate            = "x-oss-date"
	FormSecurityToken   = "x-oss-security-token"
	FormContentType     = "Content-Type"
	FormSuccessStatus   = "success_action_status"
	FormForbidOverwrite = "x-oss-forbid-overwrite"
	FormStorageClass    = "x-oss-storage-class"
	FormACL             = "x-oss-object-acl"
	FormCallback        = "callback"
	FormCallbackVar     = "callback-var"
	FormFile            = "file"
)

// Field names a FieldError of a request link points at.
const (
	FieldPrefix = "prefix"
	FieldSize   = "size"
)

// RequestSuccessStatus is the success_action_status a request link binds:
// 200, so every upload ends with a status an uploader can read plainly
// (OSS's default, 204, works too but says less to a person reading curl's
// output).
const RequestSuccessStatus = "200"

// policyTimeFormat is how OSS writes a policy's expiration (ISO 8601, UTC).
const policyTimeFormat = "2006-01-02T15:04:05.000Z"

// Field is one form field of a request link.
type Field struct {
	Name  string
	Value string
}

// Fields are form fields in the order they are sent.
type Fields []Field

// Get returns the value of the field with the given name (any case).
func (f Fields) Get(name string) (string, bool) {
	for _, v := range f {
		if strings.EqualFold(v.Name, name) {
			return v.Value, true
		}
	}
	return "", false
}

// Map returns the fields as a name → value object (for JSON output).
func (f Fields) Map() map[string]string {
	m := make(map[string]string, len(f))
	for _, v := range f {
		m[v.Name] = v.Value
	}
	return m
}

// validateRequestLink checks what only a request link has: a folder (or
// one key), a size range within what OSS takes, and a content type given
// either exactly or as a prefix. Options that have no PostObject form are
// refused rather than silently dropped.
func validateRequestLink(r *Request) []*FieldError {
	var errs []*FieldError
	switch {
	case r.Key != "" && r.Prefix != "":
		errs = append(errs, fieldErr(FieldPrefix, ErrPrefix, "A request link takes either a folder (prefix) or one object key, not both: clear one of them."))
	case r.Key != "":
		if e := ValidateKey(r.Key); e != nil {
			errs = append(errs, e)
		}
	default:
		if e := ValidatePrefix(r.Prefix); e != nil {
			errs = append(errs, e)
		}
	}
	if e := validateSizeRange(r.MinSize, r.MaxSize); e != nil {
		errs = append(errs, e)
	}
	if p := r.ContentTypePrefix; p != "" {
		if r.ContentType != "" {
			errs = append(errs, fieldErr(FieldContentType, ErrContentType, "Bind either one content type or a type prefix such as image/, not both."))
		} else if !visibleASCII(p, false) {
			errs = append(errs, fieldErr(FieldContentType, ErrContentType, "The content type prefix %q is not valid: use the start of a MIME type, such as image/ or video/.", p))
		}
	}
	if r.ContentMD5 != "" {
		errs = append(errs, fieldErr(FieldContentMD5, ErrContentMD5, "A request link takes many files, so it cannot pin one file's MD5: leave Content-MD5 empty."))
	}
	return errs
}

// ValidatePrefix checks a request link's folder: a valid start of an
// object key that ends with "/", so files land inside the folder.
func ValidatePrefix(prefix string) *FieldError {
	if e := validateKey(prefix, FieldPrefix, ErrPrefix, keyWords{
		empty:   "The folder is empty: enter the folder the files go into, for example in/acme/.",
		notUTF8: "The folder is not valid UTF-8 text: retype it.",
		tooLong: "The folder is %d bytes long: OSS allows at most %d bytes (UTF-8).",
		leading: "The folder starts with %q: remove the leading slash (keys are relative to the bucket).",
		control: "The folder contains a control character (%U): remove it.",
	}); e != nil {
		return e
	}
	if !strings.HasSuffix(prefix, "/") {
		return fieldErr(FieldPrefix, ErrPrefix, "The folder %q does not end with /: write %s/ so that the files land inside it.", prefix, prefix)
	}
	if len(prefix) >= MaxKeyBytes {
		return fieldErr(FieldPrefix, ErrPrefix, "The folder is %d bytes long: it must leave room for file names within OSS's %d bytes.", len(prefix), MaxKeyBytes)
	}
	return nil
}

func validateSizeRange(minSize, maxSize int64) *FieldError {
	switch {
	case minSize < 0 || maxSize < 0:
		return fieldErr(FieldSize, ErrSizeRange, "Sizes cannot be negative: enter sizes such as 1 and 200 MiB.")
	case maxSize > MaxObjectSize:
		return fieldErr(FieldSize, ErrSizeRange, "The largest file OSS takes in one upload is 5 GiB (%d bytes): choose a maximum size up to that.", MaxObjectSize)
	case maxSize > 0 && minSize > maxSize:
		return fieldErr(FieldSize, ErrSizeRange, "The minimum size (%d bytes) is larger than the maximum (%d bytes): swap them or lower the minimum.", minSize, maxSize)
	case maxSize == 0 && minSize > MaxObjectSize:
		return fieldErr(FieldSize, ErrSizeRange, "The minimum size is above 5 GiB, the most OSS takes in one upload.")
	}
	return nil
}

// maxSize is the request's upper bound with the default filled in.
func (r *Request) maxSize() int64 {
	if r.MaxSize == 0 {
		return MaxObjectSize
	}
	return r.MaxSize
}

// policyDocument is the JSON OSS reads from the policy field.
type policyDocument struct {
	Expiration string `json:"expiration"`
	Conditions []any  `json:"conditions"`
}

// buildPolicy returns the policy JSON for req signed at signedAt: the
// bucket, the V4 fields, the key, the size range and one condition per
// field the upload must send, in the order the form sends them. Every
// field a request link sets is bound by an "eq", so a partner cannot drop
// overwrite protection or change the callback.
func buildPolicy(req *Request, signedAt time.Time, fields Fields) ([]byte, error) {
	conds := []any{map[string]string{"bucket": req.Bucket}}
	for _, name := range []string{FormSignatureVer, FormCredential, FormDate, FormSecurityToken} {
		if v, ok := fields.Get(name); ok {
			conds = append(conds, map[string]string{name: v})
		}
	}
	if req.Key != "" {
		conds = append(conds, []any{"eq", "$key", req.Key})
	} else {
		conds = append(conds, []any{"starts-with", "$key", req.Prefix})
	}
	conds = append(conds, []any{"content-length-range", req.MinSize, req.maxSize()})
	if req.ContentTypePrefix != "" {
		conds = append(conds, []any{"starts-with", "$content-type", req.ContentTypePrefix})
	}
	for _, f := range fields {
		if isV4Field(f.Name) {
			continue
		}
		conds = append(conds, []any{"eq", "$" + strings.ToLower(f.Name), f.Value})
	}
	doc := policyDocument{Expiration: req.expiryAt(signedAt).UTC().Format(policyTimeFormat), Conditions: conds}
	return marshalJSON(doc)
}

func isV4Field(name string) bool {
	switch name {
	case FormSignatureVer, FormCredential, FormDate, FormSecurityToken:
		return true
	}
	return false
}

// formFields returns the fields every upload through req sends, the key
// and file aside: the owner's choices first, then the V4 fields.
func formFields(req *Request, signedAt time.Time) (Fields, error) {
	var f Fields
	add := func(name, value string) { f = append(f, Field{Name: name, Value: value}) }
	if req.ContentType != "" {
		add(FormContentType, req.ContentType)
	}
	add(FormSuccessStatus, RequestSuccessStatus)
	if !req.AllowOverwrite {
		add(FormForbidOverwrite, "true")
	}
	if req.StorageClass != "" {
		add(FormStorageClass, req.StorageClass)
	}
	if req.ACL != "" {
		add(FormACL, req.ACL)
	}
	names := make([]string, 0, len(req.Metadata))
	for name := range req.Metadata {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		add("x-oss-meta-"+strings.ToLower(name), req.Metadata[name])
	}
	if req.Callback != nil {
		cb, vars, err := EncodeCallback(*req.Callback)
		if err != nil {
			return nil, err
		}
		add(FormCallback, cb)
		if vars != "" {
			add(FormCallbackVar, vars)
		}
	}
	c := req.Credentials
	add(FormSignatureVer, v4Algorithm)
	add(FormCredential, c.AccessKeyID+"/"+signedAt.Format("20060102")+"/"+NormalizeRegion(req.Region)+"/oss/aliyun_v4_request")
	add(FormDate, signedAt.Format(v4TimeFormat))
	if c.SecurityToken != "" {
		add(FormSecurityToken, c.SecurityToken)
	}
	return f, nil
}

// v4Algorithm is the value of x-oss-signature-version.
const v4Algorithm = "OSS4-HMAC-SHA256"

// signingKeyV4 derives the V4 signing key: HMAC-SHA256 from "aliyun_v4" +
// secret over the day, the region, "oss" and "aliyun_v4_request".
func signingKeyV4(secret, day, region string) []byte {
	key := []byte("aliyun_v4" + secret)
	for _, part := range []string{day, region, "oss", "aliyun_v4_request"} {
		m := hmac.New(sha256.New, key)
		m.Write([]byte(part))
		key = m.Sum(nil)
	}
	return key
}

// signPolicy returns a PostObject V4 signature: the hex HMAC-SHA256, with
// the V4 signing key, of the Base64 policy exactly as it is sent. There is
// no canonical request: the policy is the string to sign.
func signPolicy(secret, day, region, policyBase64 string) string {
	m := hmac.New(sha256.New, signingKeyV4(secret, day, region))
	m.Write([]byte(policyBase64))
	return hex.EncodeToString(m.Sum(nil))
}

// NewRequestLink validates req (Method MethodPost) and signs its policy as
// of now. It does no I/O: the secret signs the policy here and goes
// nowhere else. On any error no link is returned.
func NewRequestLink(req Request, now time.Time) (*RequestLink, error) {
	req.Method = MethodPost
	if err := req.Validate(now); err != nil {
		return nil, err
	}
	signedAt := now.UTC().Truncate(time.Second)
	fields, err := formFields(&req, signedAt)
	if err != nil {
		return nil, fmt.Errorf("request link for %s/%s: %w", req.Bucket, req.Prefix+req.Key, err)
	}
	policy, err := buildPolicy(&req, signedAt, fields)
	if err != nil {
		return nil, fmt.Errorf("request link for %s/%s: %w", req.Bucket, req.Prefix+req.Key, err)
	}
	policyB64 := base64.StdEncoding.EncodeToString(policy)
	signature := signPolicy(req.Credentials.AccessKeySecret, signedAt.Format("20060102"), NormalizeRegion(req.Region), policyB64)
	fields = append(fields, Field{FormPolicy, policyB64}, Field{FormSignature, signature})
	link, err := readRequestLink(postURL(&req), fields)
	if err != nil {
		// What was just signed must read back; anything else is a bug here.
		return nil, fmt.Errorf("request link for %s/%s reads back wrong: %w", req.Bucket, req.Prefix+req.Key, err)
	}
	return link, nil
}

// postURL is where the form is posted: the bucket's address, with the
// bucket in the host or, for path style and local hosts, in the path.
func postURL(req *Request) string {
	region := NormalizeRegion(req.Region)
	switch req.EndpointKind {
	case EndpointInternal:
		return bucketURL("https", "oss-"+region+"-internal.aliyuncs.com", req.Bucket, req.PathStyle)
	case EndpointAccelerate:
		return bucketURL("https", "oss-accelerate.aliyuncs.com", req.Bucket, req.PathStyle)
	case EndpointCustom:
		u, _ := parseEndpoint(req.Endpoint) // validated before
		if req.PathStyle || isLocalHost(u.Hostname()) {
			return u.Scheme + "://" + u.Host + "/" + req.Bucket
		}
		if strings.HasSuffix(u.Hostname(), ".aliyuncs.com") {
			return bucketURL(u.Scheme, u.Host, req.Bucket, false)
		}
		return u.Scheme + "://" + u.Host + "/" // a domain bound to the bucket
	}
	return bucketURL("https", "oss-"+region+".aliyuncs.com", req.Bucket, req.PathStyle)
}

func bucketURL(scheme, host, bucket string, pathStyle bool) string {
	if pathStyle {
		return scheme + "://" + host + "/" + bucket
	}
	return scheme + "://" + bucket + "." + host + "/"
}

// policyCondition is one decoded condition of a policy.
type policyCondition struct {
	op, field string // op "" for an object condition {"field": value}
	value     string
	min, max  int64
}

// parsePolicy reads the conditions of a policy this package writes: object
// conditions, "eq" and "starts-with" on a $field, and one
// "content-length-range". Anything else is refused, so an uploader never
// sends a form whose rules it did not understand.
func parsePolicy(raw []byte) (expiration time.Time, conds []policyCondition, err error) {
	var doc struct {
		Expiration string            `json:"expiration"`
		Conditions []json.RawMessage `json:"conditions"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		return expiration, nil, reason("its policy is not valid JSON (%v)", err)
	}
	expiration, err = time.Parse(time.RFC3339, doc.Expiration)
	if err != nil {
		return expiration, nil, reason("its policy's expiration %q is not an ISO 8601 time", doc.Expiration)
	}
	for _, c := range doc.Conditions {
		cond, err := parseCondition(c)
		if err != nil {
			return expiration, nil, err
		}
		conds = append(conds, cond)
	}
	return expiration, conds, nil
}

func parseCondition(raw json.RawMessage) (policyCondition, error) {
	var obj map[string]string
	if json.Unmarshal(raw, &obj) == nil {
		if len(obj) != 1 {
			return policyCondition{}, reason("its policy has a condition %s with other than one field", raw)
		}
		for k, v := range obj {
			return policyCondition{field: k, value: v}, nil
		}
	}
	var arr []json.RawMessage
	if err := json.Unmarshal(raw, &arr); err != nil || len(arr) != 3 {
		return policyCondition{}, reason("its policy has a condition %s that OSS Drop does not know", raw)
	}
	var op string
	if err := json.Unmarshal(arr[0], &op); err != nil {
		return policyCondition{}, reason("its policy has a condition %s that OSS Drop does not know", raw)
	}
	switch op = strings.ToLower(op); op {
	case "content-length-range":
		var lo, hi int64
		if json.Unmarshal(arr[1], &lo) != nil || json.Unmarshal(arr[2], &hi) != nil || lo < 0 || hi < lo {
			return policyCondition{}, reason("its policy has a size range %s that is not two whole numbers, smallest first", raw)
		}
		return policyCondition{op: op, min: lo, max: hi}, nil
	case "eq", "starts-with":
		var field, value string
		if json.Unmarshal(arr[1], &field) != nil || json.Unmarshal(arr[2], &value) != nil || !strings.HasPrefix(field, "$") || len(field) < 2 {
			return policyCondition{}, reason("its policy has a condition %s that is not [%q, \"$field\", \"value\"]", raw, op)
		}
		return policyCondition{op: op, field: strings.ToLower(field[1:]), value: value}, nil
	}
	return policyCondition{}, reason("its policy has a condition %s that OSS Drop does not know", raw)
}
