package signing

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss/credentials"
)

// Header is one HTTP header the uploader must send exactly as given.
type Header struct {
	Name  string // lowercase
	Value string
}

// Headers is a list of headers sorted by name.
type Headers []Header

// Get returns the value of the header with the given name (any case).
func (h Headers) Get(name string) (string, bool) {
	name = strings.ToLower(name)
	for _, v := range h {
		if v.Name == name {
			return v.Value, true
		}
	}
	return "", false
}

// Map returns the headers as a name → value map (for JSON output).
func (h Headers) Map() map[string]string {
	m := make(map[string]string, len(h))
	for _, v := range h {
		m[v.Name] = v.Value
	}
	return m
}

// headersFromMap lowercases names and sorts them, so every form of a link
// lists its headers the same way.
func headersFromMap(m map[string]string) Headers {
	h := make(Headers, 0, len(m))
	for k, v := range m {
		h = append(h, Header{Name: strings.ToLower(k), Value: v})
	}
	slices.SortFunc(h, func(a, b Header) int { return strings.Compare(a.Name, b.Name) })
	return h
}

// Link is a signed link and everything needed to use it.
type Link struct {
	Method string
	// URL is the presigned URL itself.
	URL string
	// Headers must be sent with the request, exactly, or OSS answers 403.
	Headers   Headers
	SignedAt  time.Time
	ExpiresAt time.Time

	expires int64 // x-oss-expires, seconds from SignedAt
}

// Presign validates req and signs it with the OSS Go SDK (V4, query form).
// On any error no URL is returned.
func Presign(ctx context.Context, req Request) (*Link, error) {
	if err := req.Validate(time.Now()); err != nil {
		return nil, err
	}
	client := oss.NewClient(sdkConfig(&req))
	input, err := sdkRequest(&req)
	if err != nil {
		return nil, err
	}
	// The SDK takes the expiry as an instant and counts x-oss-expires in
	// whole seconds from its own clock, read a moment later. When a second
	// ticks over in that moment, a link asked to last N seconds comes out
	// with N-1 (a 1-second link with 0, which OSS refuses); signing again
	// in the new second gives N. Twice is enough: a second is long.
	validity := req.Expires
	if validity == 0 {
		validity = DefaultExpiry
	}
	want := int64(validity / time.Second)
	var link *Link
	for range 3 {
		if link, err = presignOnce(ctx, client, input, &req); err != nil {
			return nil, err
		}
		if !req.ExpiresAt.IsZero() || link.expires >= want {
			break
		}
	}
	if link.expires < 1 {
		return nil, fieldErr(FieldExpiry, ErrExpiryTooShort, "The link would expire as it is signed: choose a longer expiry.")
	}
	return link, nil
}

// presignOnce signs input once; link.expires is the x-oss-expires it got.
func presignOnce(ctx context.Context, client *oss.Client, input any, req *Request) (*Link, error) {
	res, err := client.Presign(ctx, input, oss.PresignExpiration(req.expiryAt(time.Now())))
	if err != nil {
		// The SDK also returns a URL past 7 days; it must never be shown.
		return nil, fmt.Errorf("presign %s/%s: %w", req.Bucket, req.Key, err)
	}
	link := &Link{Method: res.Method, URL: res.URL, Headers: headersFromMap(res.SignedHeaders), ExpiresAt: res.Expiration}
	u, err := url.Parse(res.URL)
	if err != nil {
		return nil, fmt.Errorf("presign %s/%s: the SDK returned an unreadable URL: %w", req.Bucket, req.Key, err)
	}
	q := u.Query()
	link.SignedAt, err = time.Parse(v4TimeFormat, q.Get("x-oss-date"))
	if err != nil {
		return nil, fmt.Errorf("presign %s/%s: the SDK returned no signing time: %w", req.Bucket, req.Key, err)
	}
	link.expires, _ = strconv.ParseInt(q.Get("x-oss-expires"), 10, 64)
	link.ExpiresAt = link.SignedAt.Add(time.Duration(link.expires) * time.Second)
	return link, nil
}

// v4TimeFormat is the layout of x-oss-date.
const v4TimeFormat = "20060102T150405Z"

// SDKConfig is the OSS SDK configuration for req's endpoint, region and
// credentials: the same one Presign signs with, so a client made from it
// (app/bucket) talks to exactly the endpoint the links point at. It does no
// I/O; req should have passed Validate.
func SDKConfig(req *Request) *oss.Config { return sdkConfig(req) }

func sdkConfig(req *Request) *oss.Config {
	c := req.Credentials
	cfg := oss.LoadDefaultConfig().
		WithRegion(NormalizeRegion(req.Region)).
		WithSignatureVersion(oss.SignatureVersionV4).
		WithCredentialsProvider(credentials.NewStaticCredentialsProvider(c.AccessKeyID, c.AccessKeySecret, c.SecurityToken))
	switch req.EndpointKind {
	case EndpointInternal:
		cfg = cfg.WithUseInternalEndpoint(true)
	case EndpointAccelerate:
		cfg = cfg.WithUseAccelerateEndpoint(true)
	case EndpointCustom:
		u, _ := parseEndpoint(req.Endpoint) // validated before
		cfg = cfg.WithEndpoint(u.Scheme + "://" + u.Host)
		// A custom domain is bound to one bucket, so the bucket is not in the
		// host or the path; the sandbox and bare IPs use path style instead.
		if !req.PathStyle && !isLocalHost(u.Hostname()) {
			cfg = cfg.WithUseCName(true)
		}
	}
	if req.PathStyle {
		cfg = cfg.WithUsePathStyle(true)
	}
	return cfg
}

// isLocalHost reports whether host is an IP address or localhost, where
// virtual-hosted buckets cannot work without extra DNS.
func isLocalHost(host string) bool {
	return host == "localhost" || net.ParseIP(host) != nil
}

func sdkRequest(req *Request) (any, error) {
	if req.method() == MethodGet {
		return &oss.GetObjectRequest{Bucket: oss.Ptr(req.Bucket), Key: oss.Ptr(req.Key)}, nil
	}
	put := &oss.PutObjectRequest{
		Bucket:       oss.Ptr(req.Bucket),
		Key:          oss.Ptr(req.Key),
		Acl:          oss.ObjectACLType(req.ACL),
		StorageClass: oss.StorageClassType(req.StorageClass),
		Metadata:     req.Metadata,
	}
	if req.ContentType != "" {
		put.ContentType = oss.Ptr(req.ContentType)
	}
	if req.ContentMD5 != "" {
		put.ContentMD5 = oss.Ptr(req.ContentMD5)
	}
	if !req.AllowOverwrite {
		put.ForbidOverwrite = oss.Ptr("true")
	}
	if req.Callback != nil {
		cb, vars, err := EncodeCallback(*req.Callback)
		if err != nil {
			return nil, fmt.Errorf("presign %s/%s: %w", req.Bucket, req.Key, err)
		}
		put.Callback = oss.Ptr(cb)
		if vars != "" {
			put.CallbackVar = oss.Ptr(vars)
		}
	}
	return put, nil
}

// callbackJSON is the object OSS expects, Base64-encoded, in x-oss-callback.
type callbackJSON struct {
	URL      string `json:"callbackUrl"`
	Host     string `json:"callbackHost,omitempty"`
	Body     string `json:"callbackBody"`
	SNI      bool   `json:"callbackSNI,omitempty"`
	BodyType string `json:"callbackBodyType,omitempty"`
}

// EncodeCallback returns the values of x-oss-callback and x-oss-callback-var
// (the latter empty when there are no custom variables).
func EncodeCallback(cb Callback) (callback, vars string, err error) {
	bodyType := cb.BodyType
	if bodyType == CallbackBodyForm {
		bodyType = "" // OSS's default; leaving it out keeps the header short
	}
	raw, err := marshalJSON(callbackJSON{URL: strings.Join(cb.URLs, ";"), Host: cb.Host, Body: cb.Body, SNI: cb.SNI, BodyType: bodyType})
	if err != nil {
		return "", "", fmt.Errorf("encode callback: %w", err)
	}
	callback = base64.StdEncoding.EncodeToString(raw)
	if len(cb.Vars) > 0 {
		raw, err := marshalJSON(cb.Vars)
		if err != nil {
			return "", "", fmt.Errorf("encode callback variables: %w", err)
		}
		vars = base64.StdEncoding.EncodeToString(raw)
	}
	return callback, vars, nil
}

// marshalJSON is json.Marshal without HTML escaping, so "&" in a callback
// body stays readable when the header is decoded.
func marshalJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

func decodeBase64(s string) ([]byte, error) {
	return base64.StdEncoding.DecodeString(strings.TrimSpace(s))
}
