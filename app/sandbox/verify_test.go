package sandbox

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss/credentials"
	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss/signer"

	"github.com/ossdrop/ossdrop/signing"
)

// Test key pairs. The IDs follow the sandbox's own scheme, never the shape
// of a real AccessKey ID.
var (
	testKey    = Key{ID: "SANDBOXTESTKEY0001", Secret: "sandbox-test-secret-0001"}
	testSTSKey = Key{ID: "STS.SANDBOXTEMP0001", Secret: "sandbox-sts-secret-0001", RequireToken: true}
	testKeys   = Keys(testKey, testSTSKey)
)

func creds(k Key) signing.Credentials {
	c := signing.Credentials{AccessKeyID: k.ID, AccessKeySecret: k.Secret}
	if k.RequireToken {
		c.SecurityToken = "sandbox-sts-token/with+odd=chars"
	}
	return c
}

// presign signs req with the product's signer (the OSS SDK underneath).
func presign(t testing.TB, req signing.Request) *signing.Link {
	t.Helper()
	if req.Region == "" {
		req.Region = "cn-hangzhou"
	}
	if req.Credentials.AccessKeyID == "" {
		req.Credentials = creds(testKey)
	}
	if req.Expires == 0 && req.ExpiresAt.IsZero() {
		req.Expires = time.Hour
	}
	link, err := signing.Presign(context.Background(), req)
	if err != nil {
		t.Fatalf("presign %s: %v", req.Key, err)
	}
	return link
}

// linkHeader is the header set an uploader sends for link, in Go's form.
func linkHeader(link *signing.Link) http.Header {
	h := http.Header{}
	for _, hd := range link.Headers {
		h.Set(hd.Name, hd.Value)
	}
	return h
}

func mustParse(t testing.TB, raw string) *url.URL {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// verifyCases are signing requests whose links must verify; they also seed
// FuzzVerify.
var verifyCases = []struct {
	name   string
	req    signing.Request
	bucket string // for a custom domain, whose URL does not name the bucket
}{
	{name: "plain path style", req: signing.Request{EndpointKind: signing.EndpointCustom, Endpoint: "http://127.0.0.1:9000", Bucket: "demo", Key: "hello.txt", AllowOverwrite: true}},
	{name: "forbid overwrite", req: signing.Request{EndpointKind: signing.EndpointCustom, Endpoint: "http://127.0.0.1:9000", Bucket: "demo", Key: "hello.txt"}},
	{name: "content type", req: signing.Request{EndpointKind: signing.EndpointCustom, Endpoint: "http://127.0.0.1:9000", Bucket: "demo", Key: "r.pdf", ContentType: "application/pdf"}},
	{name: "storage class and metadata", req: signing.Request{EndpointKind: signing.EndpointCustom, Endpoint: "http://127.0.0.1:9000", Bucket: "demo", Key: "m.bin", StorageClass: "IA", ACL: "private", Metadata: map[string]string{"author": "Ann Lee", "Project-ID": "42"}}},
	{name: "content md5", req: signing.Request{EndpointKind: signing.EndpointCustom, Endpoint: "http://127.0.0.1:9000", Bucket: "demo", Key: "pinned", ContentMD5: "XrY7u+Ae7tCTyyK7j1rNww=="}},
	{name: "callback with vars", req: signing.Request{EndpointKind: signing.EndpointCustom, Endpoint: "http://127.0.0.1:9000", Bucket: "demo", Key: "cb.txt", Callback: &signing.Callback{URLs: []string{"http://127.0.0.1:1/cb"}, Body: "object=${object}&u=${x:user}", Vars: map[string]string{"x:user": "ann & bob"}}}},
	{name: "sts token", req: signing.Request{EndpointKind: signing.EndpointCustom, Endpoint: "http://127.0.0.1:9000", Bucket: "demo", Key: "sts.txt", Credentials: creds(testSTSKey)}},
	{name: "odd key", req: signing.Request{EndpointKind: signing.EndpointCustom, Endpoint: "http://127.0.0.1:9000", Bucket: "demo", Key: "a b/中文/文件 x+y~z.txt"}},
	{name: "percent and dots", req: signing.Request{EndpointKind: signing.EndpointCustom, Endpoint: "http://127.0.0.1:9000", Bucket: "demo", Key: "../../etc/%2e%2e/100%/"}},
	{name: "get link", req: signing.Request{EndpointKind: signing.EndpointCustom, Endpoint: "http://127.0.0.1:9000", Bucket: "demo", Key: "hello.txt", Method: signing.MethodGet}},
	{name: "virtual hosted localhost", req: signing.Request{EndpointKind: signing.EndpointCustom, Endpoint: "http://localhost:9000", Bucket: "demo", Key: "v.txt"}},
	{name: "public endpoint", req: signing.Request{Region: "cn-shanghai", Bucket: "reports", Key: "in/q3.pdf", ContentType: "application/pdf"}},
	{name: "internal endpoint", req: signing.Request{Region: "oss-ap-southeast-1", EndpointKind: signing.EndpointInternal, Bucket: "reports", Key: "x"}},
	{name: "accelerate endpoint", req: signing.Request{EndpointKind: signing.EndpointAccelerate, Bucket: "reports", Key: "x"}},
	{name: "custom domain", bucket: "reports", req: signing.Request{EndpointKind: signing.EndpointCustom, Endpoint: "https://files.example.com", Bucket: "reports", Key: "dir/x y.txt"}},
}

func TestVerifyAcceptsSDKLinks(t *testing.T) {
	for _, tc := range verifyCases {
		t.Run(tc.name, func(t *testing.T) {
			link := presign(t, tc.req)
			u := mustParse(t, link.URL)
			signed, err := VerifyRequest(Request{Method: link.Method, URL: u, Header: linkHeader(link), Bucket: tc.bucket}, testKeys, time.Now())
			if err != nil {
				t.Fatalf("Verify(%s) = %v\n%s", link.URL, err, debugError(err))
			}
			wantID := tc.req.Credentials.AccessKeyID
			if wantID == "" {
				wantID = testKey.ID
			}
			wantRegion := signing.NormalizeRegion(tc.req.Region)
			if wantRegion == "" {
				wantRegion = "cn-hangzhou"
			}
			switch {
			case signed.Version != VersionV4:
				t.Errorf("Version = %q", signed.Version)
			case signed.Region != wantRegion:
				t.Errorf("Region = %q, want %q", signed.Region, wantRegion)
			case signed.Bucket != tc.req.Bucket || signed.Key != tc.req.Key:
				t.Errorf("object = %q/%q, want %q/%q", signed.Bucket, signed.Key, tc.req.Bucket, tc.req.Key)
			case !signed.SignedAt.Equal(link.SignedAt) || !signed.ExpiresAt.Equal(link.ExpiresAt):
				t.Errorf("validity = %v..%v, want %v..%v", signed.SignedAt, signed.ExpiresAt, link.SignedAt, link.ExpiresAt)
			case signed.Token != (tc.req.Credentials.SecurityToken != ""):
				t.Errorf("Token = %v", signed.Token)
			case signed.AccessKeyID != wantID:
				t.Errorf("AccessKeyID = %q, want %q", signed.AccessKeyID, wantID)
			}
			for _, h := range link.Headers {
				if !contains(signed.SignedHeaders, h.Name) {
					t.Errorf("SignedHeaders %v lacks %s", signed.SignedHeaders, h.Name)
				}
			}
		})
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func debugError(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return "canonical request:\n" + e.CanonicalRequest + "\nstring to sign:\n" + e.StringToSign
	}
	return ""
}

// TestVerifyRefuses changes one thing in a valid request at a time.
func TestVerifyRefuses(t *testing.T) {
	base := signing.Request{
		EndpointKind: signing.EndpointCustom, Endpoint: "http://127.0.0.1:9000", Bucket: "demo", Key: "a/b.txt",
		ContentType: "text/plain", Metadata: map[string]string{"k": "v"},
	}
	link := presign(t, base)
	stsLink := presign(t, signing.Request{EndpointKind: signing.EndpointCustom, Endpoint: "http://127.0.0.1:9000", Bucket: "demo", Key: "s", Credentials: creds(testSTSKey)})
	other := base
	other.Credentials = signing.Credentials{AccessKeyID: testKey.ID, AccessKeySecret: "not-the-secret"}
	wrongSecret := presign(t, other)
	unknown := base
	unknown.Credentials = signing.Credentials{AccessKeyID: "SANDBOXUNKNOWN", AccessKeySecret: "x"}
	unknownLink := presign(t, unknown)
	now := time.Now()

	setQuery := func(raw, name, value string) string {
		u := mustParse(t, raw)
		q := u.Query()
		if value == "" {
			q.Del(name)
		} else {
			q.Set(name, value)
		}
		u.RawQuery = strings.ReplaceAll(q.Encode(), "+", "%20")
		return u.String()
	}
	sig := mustParse(t, link.URL).Query().Get("x-oss-signature")
	flipped := sig[:len(sig)-1] + string("0123456789abcdef"[(strings.IndexByte("0123456789abcdef", sig[len(sig)-1])+1)%16])

	tests := []struct {
		name   string
		method string
		url    string
		header func(http.Header)
		now    time.Time
		status int
		code   string
		ec     string
	}{
		{name: "signature char", url: setQuery(link.URL, "x-oss-signature", flipped), status: 403, code: CodeSignatureDoesNotMatch, ec: ecSignatureMismatch},
		{name: "key", url: strings.Replace(link.URL, "/a/b.txt", "/a/c.txt", 1), status: 403, code: CodeSignatureDoesNotMatch},
		{name: "bucket", url: strings.Replace(link.URL, "/demo/", "/demo2/", 1), status: 403, code: CodeSignatureDoesNotMatch},
		{name: "expiry param", url: setQuery(link.URL, "x-oss-expires", "3599"), status: 403, code: CodeSignatureDoesNotMatch},
		{name: "extra query param", url: link.URL + "&x-oss-process=image", status: 403, code: CodeSignatureDoesNotMatch},
		{name: "header value", header: func(h http.Header) { h.Set("Content-Type", "text/html") }, status: 403, code: CodeSignatureDoesNotMatch},
		{name: "missing header", header: func(h http.Header) { h.Del("x-oss-meta-k") }, status: 403, code: CodeSignatureDoesNotMatch},
		{name: "missing forbid overwrite", header: func(h http.Header) { h.Del("x-oss-forbid-overwrite") }, status: 403, code: CodeSignatureDoesNotMatch},
		{name: "extra x-oss header", header: func(h http.Header) { h.Set("x-oss-meta-extra", "1") }, status: 403, code: CodeSignatureDoesNotMatch},
		{name: "extra content-md5", header: func(h http.Header) { h.Set("Content-MD5", "XrY7u+Ae7tCTyyK7j1rNww==") }, status: 403, code: CodeSignatureDoesNotMatch},
		{name: "wrong secret", url: wrongSecret.URL, status: 403, code: CodeSignatureDoesNotMatch},
		{name: "unknown key", url: unknownLink.URL, status: 403, code: CodeInvalidAccessKeyID},
		{name: "GET with PUT link", method: "GET", status: 403, code: CodeSignatureDoesNotMatch},
		{name: "POST with PUT link", method: "POST", status: 403, code: CodeSignatureDoesNotMatch},
		{name: "expired", now: link.ExpiresAt.Add(time.Second), status: 403, code: CodeAccessDenied, ec: ecV4Expired},
		{name: "not yet valid", now: link.SignedAt.Add(-ClockSkew - time.Second), status: 403, code: CodeAccessDenied, ec: ecV4NotYetValid},
		{name: "expires 0", url: setQuery(link.URL, "x-oss-expires", "0"), status: 400, code: CodeInvalidArgument, ec: ecV4BadExpires},
		{name: "expires 604801", url: setQuery(link.URL, "x-oss-expires", "604801"), status: 400, code: CodeInvalidArgument, ec: ecV4BadExpires},
		{name: "expires not a number", url: setQuery(link.URL, "x-oss-expires", "1h"), status: 400, code: CodeInvalidArgument, ec: ecV4BadExpires},
		{name: "expires missing", url: setQuery(link.URL, "x-oss-expires", ""), status: 400, code: CodeInvalidArgument, ec: ecV4MissingExpires},
		{name: "credential day", url: setQuery(link.URL, "x-oss-credential", testKey.ID+"/19990101/cn-hangzhou/oss/aliyun_v4_request"), status: 400, code: CodeInvalidArgument},
		{name: "credential shape", url: setQuery(link.URL, "x-oss-credential", testKey.ID), status: 400, code: CodeInvalidArgument, ec: ecV4BadCredential},
		{name: "bad date", url: setQuery(link.URL, "x-oss-date", "yesterday"), status: 400, code: CodeInvalidArgument},
		{name: "signature version", url: setQuery(link.URL, "x-oss-signature-version", "OSS2"), status: 400, code: CodeInvalidArgument},
		{name: "region", url: setQuery(link.URL, "x-oss-credential", strings.Replace(mustParse(t, link.URL).Query().Get("x-oss-credential"), "cn-hangzhou", "cn-beijing", 1)), status: 403, code: CodeSignatureDoesNotMatch},
		{name: "sts token removed", url: setQuery(stsLink.URL, "x-oss-security-token", ""), header: func(h http.Header) { clear(h) }, status: 403, code: CodeInvalidAccessKeyID},
		{name: "sts token changed", url: setQuery(stsLink.URL, "x-oss-security-token", "other"), header: func(h http.Header) { clear(h); h.Set("x-oss-forbid-overwrite", "true") }, status: 403, code: CodeSignatureDoesNotMatch},
		{name: "token with long-term key", url: link.URL + "&x-oss-security-token=t", status: 403, code: CodeInvalidAccessKeyID, ec: ecSTSKeyMismatch},
		{name: "unsigned", url: "http://127.0.0.1:9000/demo/a/b.txt", status: 403, code: CodeAccessDenied},
		{name: "bad escape", url: "http://127.0.0.1:9000/demo/a?x-oss-signature=%zz", status: 400, code: CodeInvalidArgument},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			method, raw, at := link.Method, link.URL, now
			if tc.method != "" {
				method = tc.method
			}
			if tc.url != "" {
				raw = tc.url
			}
			if !tc.now.IsZero() {
				at = tc.now
			}
			header := linkHeader(link)
			if tc.header != nil {
				tc.header(header)
			}
			_, err := Verify(method, mustParse(t, raw), header, testKeys, at)
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("Verify = %v, want an *Error", err)
			}
			if e.Status != tc.status || e.Code != tc.code || (tc.ec != "" && e.EC != tc.ec) {
				t.Fatalf("Verify = %d %s %s (%s), want %d %s %s", e.Status, e.Code, e.EC, e.Message, tc.status, tc.code, tc.ec)
			}
			if e.Code == CodeSignatureDoesNotMatch && (e.StringToSign == "" || e.CanonicalRequest == "") {
				t.Errorf("mismatch without StringToSign/CanonicalRequest")
			}
			if e.Code == CodeAccessDenied && tc.ec == ecV4Expired && (e.Expires == "" || e.ServerTime == "") {
				t.Errorf("expired without Expires/ServerTime")
			}
		})
	}
}

// TestVerifyAdditionalHeaders signs "host" as an additional header with the
// SDK's V4 signer directly, since the product never does.
func TestVerifyAdditionalHeaders(t *testing.T) {
	req, _ := http.NewRequest("PUT", "http://127.0.0.1:9000/demo/k", nil)
	req.Header.Set("Host", "127.0.0.1:9000")
	req.Header.Set("X-Oss-Meta-A", "  spaced  ")
	sc := &signer.SigningContext{
		Product: ptr("oss"), Region: ptr("cn-hangzhou"), Bucket: ptr("demo"), Key: ptr("k"),
		Request: req, AdditionalHeaders: []string{"host", "Content-Type"}, AuthMethodQuery: true,
		Credentials: &credentials.Credentials{AccessKeyID: testKey.ID, AccessKeySecret: testKey.Secret},
		Time:        time.Now().Add(time.Hour),
	}
	if err := (&signer.SignerV4{}).Sign(context.Background(), sc); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(req.URL.RawQuery, "x-oss-additional-headers=host") {
		t.Fatalf("SDK did not sign host: %s", req.URL.RawQuery)
	}
	// The server sees Host outside the header map, as net/http delivers it.
	header := http.Header{"X-Oss-Meta-A": {"  spaced  "}}
	if _, err := Verify("PUT", req.URL, header, testKeys, time.Now()); err != nil {
		t.Fatalf("Verify = %v\n%s", err, debugError(err))
	}
	other := *req.URL
	other.Host = "127.0.0.1:9001"
	if _, err := Verify("PUT", &other, header, testKeys, time.Now()); err == nil {
		t.Fatal("a different signed Host verified")
	}
}

func ptr(s string) *string { return &s }

// v1Link signs a V1 query link with the SDK's V1 signer.
func v1Link(t testing.TB, method, rawURL, bucket, key string, k Key, token string, expires time.Time, header http.Header) *url.URL {
	t.Helper()
	req, err := http.NewRequest(method, rawURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	for name, v := range header {
		req.Header[name] = v
	}
	sc := &signer.SigningContext{
		Bucket: ptr(bucket), Key: ptr(key), Request: req, AuthMethodQuery: true, Time: expires,
		Credentials: &credentials.Credentials{AccessKeyID: k.ID, AccessKeySecret: k.Secret, SecurityToken: token},
	}
	if err := (&signer.SignerV1{}).Sign(context.Background(), sc); err != nil {
		t.Fatal(err)
	}
	return req.URL
}

func TestVerifyV1(t *testing.T) {
	header := http.Header{"Content-Type": {"text/plain"}, "X-Oss-Meta-Author": {"ann"}}
	exp := time.Now().Add(time.Hour).Truncate(time.Second)
	plain := v1Link(t, "PUT", "http://127.0.0.1:9000/demo/a%20b/%E4%B8%AD.txt", "demo", "a b/中.txt", testKey, "", exp, header)
	sts := v1Link(t, "GET", "http://demo.localhost:9000/x", "demo", "x", testSTSKey, "tok+en/=", exp, nil)

	signed, err := Verify("PUT", plain, header, testKeys, time.Now())
	if err != nil {
		t.Fatalf("V1 PUT: %v\n%s", err, debugError(err))
	}
	if signed.Version != VersionV1 || signed.Key != "a b/中.txt" || !signed.ExpiresAt.Equal(exp) {
		t.Errorf("signed = %+v", signed)
	}
	if signed, err := Verify("GET", sts, nil, testKeys, time.Now()); err != nil || !signed.Token {
		t.Fatalf("V1 STS GET: %v %+v", err, signed)
	}

	refuse := []struct {
		name   string
		method string
		u      *url.URL
		header http.Header
		now    time.Time
		code   string
	}{
		{"method", "GET", plain, header, time.Now(), CodeSignatureDoesNotMatch},
		{"header", "PUT", plain, http.Header{"Content-Type": {"text/plain"}}, time.Now(), CodeSignatureDoesNotMatch},
		{"expired", "PUT", plain, header, exp.Add(time.Second), CodeAccessDenied},
		{"token removed", "GET", withoutParam(sts, "security-token"), nil, time.Now(), CodeInvalidAccessKeyID},
	}
	for _, tc := range refuse {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Verify(tc.method, tc.u, tc.header, testKeys, tc.now)
			var e *Error
			if !errors.As(err, &e) || e.Code != tc.code {
				t.Fatalf("Verify = %v, want %s", err, tc.code)
			}
		})
	}
}

func withoutParam(u *url.URL, name string) *url.URL {
	c := *u
	q := c.Query()
	q.Del(name)
	c.RawQuery = q.Encode()
	return &c
}

func TestErrorXMLRoundTrip(t *testing.T) {
	e := &Error{
		Status: 403, Code: CodeSignatureDoesNotMatch, Message: "The request signature we calculated does not match <the> signature & you provided.",
		EC: ecSignatureMismatch, RequestID: "0123456789ABCDEF01234567", HostID: "demo.localhost:9000",
		AccessKeyID: "SANDBOXX", SignatureProvided: "abc", StringToSign: "OSS4-HMAC-SHA256\n20260101T000000Z\nscope\nhash",
		CanonicalRequest: "PUT\n/demo/a\n\ncontent-type:text/plain\n\n\nUNSIGNED-PAYLOAD", Expires: "2026-01-01T00:00:00.000Z", ServerTime: "2026-01-01T00:00:01.000Z",
	}
	body := e.XML()
	if !strings.HasPrefix(string(body), `<?xml version="1.0" encoding="UTF-8"?>`) {
		t.Errorf("no XML declaration: %s", body)
	}
	for _, want := range []string{"<Code>SignatureDoesNotMatch</Code>", "<EC>0002-00000040</EC>", "<RequestId>0123456789ABCDEF01234567</RequestId>", "<HostId>demo.localhost:9000</HostId>"} {
		if !strings.Contains(string(body), want) {
			t.Errorf("XML lacks %s:\n%s", want, body)
		}
	}
	back, err := ParseError(403, body)
	if err != nil {
		t.Fatal(err)
	}
	if *back != *e {
		t.Errorf("round trip:\n got %+v\nwant %+v", back, e)
	}
	if _, err := ParseError(400, []byte("not xml")); err == nil {
		t.Error("ParseError accepted garbage")
	}
	if strings.Contains(e.Error(), "OSS4-HMAC") {
		t.Error("Error() carries the string to sign")
	}
}

func TestKeyNeverPrintsSecret(t *testing.T) {
	for _, s := range []string{testKey.String(), testKey.GoString()} {
		if strings.Contains(s, testKey.Secret) {
			t.Errorf("%q shows the secret", s)
		}
	}
}

// FuzzVerify feeds mutated URLs and headers to Verify: whatever arrives, it
// answers with a result or an *Error and never panics.
func FuzzVerify(f *testing.F) {
	for _, tc := range verifyCases {
		link := presign(f, tc.req)
		var hdr strings.Builder
		for _, h := range link.Headers {
			hdr.WriteString(h.Name + ": " + h.Value + "\n")
		}
		f.Add(link.Method, link.URL, hdr.String())
	}
	f.Add("PUT", "http://127.0.0.1/demo/k?OSSAccessKeyId=SANDBOXTESTKEY0001&Expires=99999999999&Signature=x", "content-type: a\n")
	f.Add("GET", "http://x/?x-oss-credential=////&x-oss-date=&x-oss-expires=-1", "")
	f.Add("PUT", "http://b.localhost/%ff?x-oss-signature-version=OSS4-HMAC-SHA256&x-oss-additional-headers=host;;HOST", "host: h\n")
	f.Fuzz(func(t *testing.T, method, rawURL, headers string) {
		u, err := url.Parse(rawURL)
		if err != nil {
			return
		}
		h := http.Header{}
		for line := range strings.SplitSeq(headers, "\n") {
			if name, value, ok := strings.Cut(line, ":"); ok {
				h.Add(name, value)
			}
		}
		signed, err := Verify(method, u, h, testKeys, time.Now())
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Status == 0 || e.Code == "" {
				t.Fatalf("Verify error %v is not a complete *Error", err)
			}
			_ = e.XML()
			return
		}
		if signed == nil || signed.AccessKeyID == "" {
			t.Fatalf("Verify accepted without a signer: %+v", signed)
		}
	})
}

// headerSigned signs a request the way the SDK client does (Authorization
// header), with the SDK's own V4 signer.
func headerSigned(t testing.TB, method, rawURL, bucket, key string, k Key, token string, at time.Time, header http.Header, additional ...string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, rawURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	for name, v := range header {
		req.Header[name] = v
	}
	sc := &signer.SigningContext{
		Product: ptr("oss"), Region: ptr("cn-hangzhou"), Bucket: ptr(bucket), Request: req, Time: at,
		AdditionalHeaders: additional,
		Credentials:       &credentials.Credentials{AccessKeyID: k.ID, AccessKeySecret: k.Secret, SecurityToken: token},
	}
	if key != "" {
		sc.Key = ptr(key)
	}
	if err := (&signer.SignerV4{}).Sign(context.Background(), sc); err != nil {
		t.Fatal(err)
	}
	return req
}

// TestVerifyHeaderSigned checks the Authorization-header door with requests
// the SDK's signer made, then changes one thing at a time.
func TestVerifyHeaderSigned(t *testing.T) {
	now := time.Now()
	verify := func(req *http.Request, at time.Time) (*Signed, error) {
		h := req.Header.Clone()
		h.Del("Host") // net/http moves it out of the header map
		return Verify(req.Method, req.URL, h, testKeys, at)
	}
	list := headerSigned(t, "GET", "http://127.0.0.1:9000/demo/?list-type=2&prefix=in%2F&max-keys=100", "demo", "", testKey, "", now, nil)
	if _, err := verify(list, now); err != nil {
		t.Fatalf("ListObjectsV2 request: %v\n%s", err, debugError(err))
	}
	cors := headerSigned(t, "PUT", "http://127.0.0.1:9000/demo/?cors", "demo", "", testKey, "", now, http.Header{"Content-Type": {"application/xml"}, "Content-Md5": {"XrY7u+Ae7tCTyyK7j1rNww=="}})
	if _, err := verify(cors, now); err != nil {
		t.Fatalf("PutBucketCors request: %v\n%s", err, debugError(err))
	}
	// The SDK signs an additional header only when the request has it.
	head := headerSigned(t, "HEAD", "http://127.0.0.1:9000/demo/a%20b/%E4%B8%AD.txt", "demo", "a b/中.txt", testKey, "", now, http.Header{"Host": {"127.0.0.1:9000"}}, "host")
	if signed, err := verify(head, now); err != nil || signed.Key != "a b/中.txt" || !slices.Contains(signed.SignedHeaders, "host") {
		t.Fatalf("HeadObject with host signed = %+v, %v\n%s", signed, err, debugError(err))
	}
	del := headerSigned(t, "DELETE", "http://127.0.0.1:9000/demo/in/q3.pdf", "demo", "in/q3.pdf", testKey, "", now, nil)
	if _, err := verify(del, now); err != nil {
		t.Fatalf("DeleteObject request: %v\n%s", err, debugError(err))
	}
	sts := headerSigned(t, "GET", "http://127.0.0.1:9000/demo/k", "demo", "k", testSTSKey, "tok/en+=", now, nil)
	if signed, err := verify(sts, now); err != nil || !signed.Token {
		t.Fatalf("STS request = %+v, %v", signed, err)
	}

	tests := []struct {
		name   string
		req    *http.Request
		change func(*http.Request)
		at     time.Time
		code   string
	}{
		{name: "method", req: list, change: func(r *http.Request) { r.Method = "DELETE" }, code: CodeSignatureDoesNotMatch},
		{name: "path", req: head, change: func(r *http.Request) { r.URL.Path = "/demo/other" }, code: CodeSignatureDoesNotMatch},
		{name: "query", req: list, change: func(r *http.Request) { r.URL.RawQuery = strings.Replace(r.URL.RawQuery, "in%2F", "out%2F", 1) }, code: CodeSignatureDoesNotMatch},
		{name: "delete replayed as get", req: del, change: func(r *http.Request) { r.Method = "GET" }, code: CodeSignatureDoesNotMatch},
		{name: "delete of another key", req: del, change: func(r *http.Request) { r.URL.Path = "/demo/in/q4.pdf" }, code: CodeSignatureDoesNotMatch},
		{name: "list page size", req: list, change: func(r *http.Request) {
			r.URL.RawQuery = strings.Replace(r.URL.RawQuery, "max-keys=100", "max-keys=1000", 1)
		}, code: CodeSignatureDoesNotMatch},
		{name: "list token added", req: list, change: func(r *http.Request) { r.URL.RawQuery += "&continuation-token=YQ" }, code: CodeSignatureDoesNotMatch},
		{name: "list delimiter added", req: list, change: func(r *http.Request) { r.URL.RawQuery += "&delimiter=%2F" }, code: CodeSignatureDoesNotMatch},
		{name: "header", req: cors, change: func(r *http.Request) { r.Header.Set("Content-Type", "text/xml") }, code: CodeSignatureDoesNotMatch},
		{name: "extra x-oss header", req: list, change: func(r *http.Request) { r.Header.Set("x-oss-meta-x", "1") }, code: CodeSignatureDoesNotMatch},
		{name: "signed host", req: head, change: func(r *http.Request) { r.URL.Host = "127.0.0.1:9001" }, code: CodeSignatureDoesNotMatch},
		{name: "date changed", req: list, change: func(r *http.Request) {
			r.Header.Set("x-oss-date", now.Add(time.Second).UTC().Format(v4TimeFormat))
		}, code: CodeSignatureDoesNotMatch},
		{name: "skew past", req: list, at: now.Add(ClockSkew + time.Minute), code: CodeRequestTimeTooSkewed},
		{name: "skew future", req: list, at: now.Add(-ClockSkew - time.Minute), code: CodeRequestTimeTooSkewed},
		{name: "wrong secret", req: headerSigned(t, "GET", "http://127.0.0.1:9000/demo/k", "demo", "k", Key{ID: testKey.ID, Secret: "wrong"}, "", now, nil), code: CodeSignatureDoesNotMatch},
		{name: "unknown key", req: headerSigned(t, "GET", "http://127.0.0.1:9000/demo/k", "demo", "k", Key{ID: "SANDBOXNOBODY", Secret: "x"}, "", now, nil), code: CodeInvalidAccessKeyID},
		{name: "token removed", req: sts, change: func(r *http.Request) { r.Header.Del("x-oss-security-token") }, code: CodeInvalidAccessKeyID},
		{name: "no date", req: list, change: func(r *http.Request) { r.Header.Del("x-oss-date") }, code: CodeInvalidArgument},
		{name: "no content sha256", req: list, change: func(r *http.Request) { r.Header.Del("x-oss-content-sha256") }, code: CodeInvalidArgument},
		{name: "no signature", req: list, change: func(r *http.Request) {
			a := r.Header.Get("Authorization")
			r.Header.Set("Authorization", a[:strings.Index(a, ",Signature=")])
		}, code: CodeInvalidArgument},
		{name: "V1 header", req: list, change: func(r *http.Request) { r.Header.Set("Authorization", "OSS "+testKey.ID+":abc") }, code: CodeAccessDenied},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req := tc.req.Clone(context.Background())
			u := *tc.req.URL
			req.URL = &u
			if tc.change != nil {
				tc.change(req)
			}
			at := now
			if !tc.at.IsZero() {
				at = tc.at
			}
			_, err := verify(req, at)
			var e *Error
			if !errors.As(err, &e) || e.Code != tc.code {
				t.Fatalf("Verify = %v, want %s", err, tc.code)
			}
		})
	}
}
