package sandbox

import (
	"bufio"
	"bytes"
	"context"
	"crypto/md5"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc64"
	"io"
	"io/fs"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss/credentials"
	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss/signer"

	"github.com/ossdrop/ossdrop/signing"
)

// syncBuffer is a bytes.Buffer safe for the server's goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// testClock is the server's clock, shiftable to test expiry.
type testClock struct{ offset atomic.Int64 }

func (c *testClock) now() time.Time { return time.Now().Add(time.Duration(c.offset.Load())) }

type sandboxEnv struct {
	srv    *Server
	root   string // parent of dir: nothing may appear here beside dir
	dir    string
	clock  *testClock
	logs   *syncBuffer
	client *http.Client
}

func startSandbox(t testing.TB, configure func(*Config)) *sandboxEnv {
	t.Helper()
	root := t.TempDir()
	env := &sandboxEnv{root: root, dir: filepath.Join(root, "data"), clock: &testClock{}, logs: &syncBuffer{}}
	cfg := Config{
		Dir: env.dir, Keys: []Key{testKey, testSTSKey}, Now: env.clock.now,
		Logger:          slog.New(slog.NewTextHandler(env.logs, nil)),
		CallbackTimeout: 2 * time.Second,
	}
	if configure != nil {
		configure(&cfg)
	}
	srv, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			t.Error(err)
		}
	})
	env.srv = srv
	// Every host name (demo.localhost included) goes to the sandbox, so
	// virtual-hosted links work without DNS.
	addr := strings.TrimPrefix(srv.URL(), "http://")
	env.client = &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, network, addr)
		},
		DisableCompression: true,
	}}
	return env
}

// link presigns req against the sandbox (path style unless Endpoint says).
func (e *sandboxEnv) link(t *testing.T, req signing.Request) *signing.Link {
	t.Helper()
	req.EndpointKind = signing.EndpointCustom
	if req.Endpoint == "" {
		req.Endpoint = e.srv.URL()
	}
	if req.Bucket == "" {
		req.Bucket = "demo"
	}
	return presign(t, req)
}

// get presigns a GET for the same object as req.
func (e *sandboxEnv) getLink(t *testing.T, req signing.Request) *signing.Link {
	return e.link(t, signing.Request{Endpoint: req.Endpoint, Bucket: req.Bucket, Key: req.Key, Method: signing.MethodGet, Credentials: req.Credentials})
}

// send makes a raw request to rawURL with exactly header, as an uploader would.
func (e *sandboxEnv) send(t *testing.T, method, rawURL string, header http.Header, body []byte) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, rawURL, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body == nil {
		req.Body, req.ContentLength = nil, 0
	}
	req.Header = header.Clone()
	if req.Header == nil {
		req.Header = http.Header{}
	}
	resp, err := e.client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, rawURL, err)
	}
	defer resp.Body.Close()
	got, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, got
}

func (e *sandboxEnv) put(t *testing.T, link *signing.Link, body []byte) (*http.Response, []byte) {
	t.Helper()
	return e.send(t, link.Method, link.URL, linkHeader(link), body)
}

// ossError parses an error response and checks its code.
func ossError(t *testing.T, resp *http.Response, body []byte, status int, code string) *Error {
	t.Helper()
	if resp.StatusCode != status {
		t.Fatalf("status %d, want %d; body:\n%s", resp.StatusCode, status, body)
	}
	e, err := ParseError(resp.StatusCode, body)
	if err != nil {
		t.Fatalf("%v; body:\n%s", err, body)
	}
	if e.Code != code {
		t.Fatalf("code %s (%s), want %s", e.Code, e.Message, code)
	}
	if e.RequestID != resp.Header.Get("x-oss-request-id") || len(e.RequestID) != 24 {
		t.Errorf("RequestId %q, header %q", e.RequestID, resp.Header.Get("x-oss-request-id"))
	}
	return e
}

func randomBody(seed uint64, n int) []byte {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

func wantChecksums(t *testing.T, h http.Header, body []byte) {
	t.Helper()
	sum := md5.Sum(body)
	if got, want := h.Get("ETag"), `"`+strings.ToUpper(hex.EncodeToString(sum[:]))+`"`; got != want {
		t.Errorf("ETag %s, want %s", got, want)
	}
	if got, want := h.Get("x-oss-hash-crc64ecma"), strconv.FormatUint(crc64.Checksum(body, crc64.MakeTable(crc64.ECMA)), 10); got != want {
		t.Errorf("x-oss-hash-crc64ecma %s, want %s", got, want)
	}
	if got, want := h.Get("Content-MD5"), base64.StdEncoding.EncodeToString(sum[:]); got != want {
		t.Errorf("Content-MD5 %s, want %s", got, want)
	}
}

// callbackServer records what the sandbox POSTs and answers with answer.
type callbackServer struct {
	*httptest.Server
	mu       sync.Mutex
	bodies   []string
	types    []string
	hosts    []string
	status   int
	answer   string
	sleepFor time.Duration
}

func newCallbackServer(t *testing.T, status int, answer string) *callbackServer {
	cs := &callbackServer{status: status, answer: answer}
	cs.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		cs.mu.Lock()
		cs.bodies = append(cs.bodies, string(body))
		cs.types = append(cs.types, r.Header.Get("Content-Type"))
		cs.hosts = append(cs.hosts, r.Host)
		cs.mu.Unlock()
		if cs.sleepFor > 0 {
			select {
			case <-time.After(cs.sleepFor):
			case <-r.Context().Done():
			}
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(cs.status)
		io.WriteString(w, cs.answer)
	}))
	t.Cleanup(cs.Close)
	return cs
}

func (cs *callbackServer) last(t *testing.T) (body, contentType, host string) {
	t.Helper()
	cs.mu.Lock()
	defer cs.mu.Unlock()
	if len(cs.bodies) == 0 {
		t.Fatal("the callback server was not called")
	}
	n := len(cs.bodies) - 1
	return cs.bodies[n], cs.types[n], cs.hosts[n]
}

func TestPutThenGet(t *testing.T) {
	env := startSandbox(t, nil)
	cb := newCallbackServer(t, 200, `{"saved":true}`)
	pinned := randomBody(99, 1000)
	pinnedMD5 := md5.Sum(pinned)
	localhost := "http://localhost:" + strings.Split(env.srv.URL(), ":")[2]

	tests := []struct {
		name     string
		req      signing.Request
		body     []byte
		wantType string
		wantBody string // the callback answer, when there is a callback
	}{
		{name: "plain", req: signing.Request{Key: "plain.bin", AllowOverwrite: true}, body: randomBody(1, 64<<10+3), wantType: "application/octet-stream"},
		{name: "empty body", req: signing.Request{Key: "empty", AllowOverwrite: true}, body: []byte{}, wantType: "application/octet-stream"},
		{name: "content type", req: signing.Request{Key: "note.txt", ContentType: "text/plain; charset=utf-8"}, body: []byte("hello\n"), wantType: "text/plain; charset=utf-8"},
		{name: "storage class and metadata", req: signing.Request{Key: "meta.bin", StorageClass: "IA", ACL: "private", Metadata: map[string]string{"author": "Ann Lee", "Project-ID": "42"}}, body: randomBody(2, 4096), wantType: "application/octet-stream"},
		{name: "callback with vars", req: signing.Request{Key: "cb/form.txt", Callback: &signing.Callback{URLs: []string{cb.URL + "/cb"}, Body: "object=${object}&size=${size}&etag=${etag}&type=${mimeType}&u=${x:user}", Vars: map[string]string{"x:user": "ann & bob"}}}, body: []byte("callback"), wantType: "application/octet-stream", wantBody: `{"saved":true}`},
		{name: "forbid overwrite", req: signing.Request{Key: "once.txt"}, body: []byte("once"), wantType: "application/octet-stream"},
		{name: "sts token", req: signing.Request{Key: "sts.txt", Credentials: creds(testSTSKey)}, body: []byte("temporary"), wantType: "application/octet-stream"},
		{name: "odd key", req: signing.Request{Key: "a b/中文/文件 x+y~z.txt", ContentType: "text/plain"}, body: []byte("中文内容"), wantType: "text/plain"},
		{name: "content md5", req: signing.Request{Key: "pinned.bin", ContentMD5: base64.StdEncoding.EncodeToString(pinnedMD5[:])}, body: pinned, wantType: "application/octet-stream"},
		{name: "virtual hosted", req: signing.Request{Endpoint: localhost, Key: "vhost.txt"}, body: []byte("vhost"), wantType: "application/octet-stream"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			link := env.link(t, tc.req)
			if tc.name == "virtual hosted" && !strings.Contains(link.URL, "demo.localhost") {
				t.Fatalf("not a virtual-hosted link: %s", link.URL)
			}
			resp, body := env.put(t, link, tc.body)
			if resp.StatusCode != 200 {
				t.Fatalf("PUT %s: %d\n%s", link.URL, resp.StatusCode, body)
			}
			if string(body) != tc.wantBody {
				t.Errorf("PUT body %q, want %q", body, tc.wantBody)
			}
			wantChecksums(t, resp.Header, tc.body)
			if id := resp.Header.Get("x-oss-request-id"); len(id) != 24 {
				t.Errorf("x-oss-request-id %q", id)
			}

			get := env.getLink(t, tc.req)
			resp, got := env.send(t, "GET", get.URL, linkHeader(get), nil)
			if resp.StatusCode != 200 {
				t.Fatalf("GET: %d\n%s", resp.StatusCode, got)
			}
			if sha256.Sum256(got) != sha256.Sum256(tc.body) {
				t.Errorf("GET returned %d different bytes, want %d", len(got), len(tc.body))
			}
			wantChecksums(t, resp.Header, tc.body)
			h := resp.Header
			if h.Get("Content-Type") != tc.wantType {
				t.Errorf("Content-Type %q, want %q", h.Get("Content-Type"), tc.wantType)
			}
			if h.Get("Content-Length") != strconv.Itoa(len(tc.body)) {
				t.Errorf("Content-Length %q, want %d", h.Get("Content-Length"), len(tc.body))
			}
			wantClass := tc.req.StorageClass
			if wantClass == "" {
				wantClass = "Standard"
			}
			if h.Get("x-oss-storage-class") != wantClass {
				t.Errorf("x-oss-storage-class %q, want %q", h.Get("x-oss-storage-class"), wantClass)
			}
			for name, value := range tc.req.Metadata {
				if got := h.Get("x-oss-meta-" + name); got != value {
					t.Errorf("x-oss-meta-%s = %q, want %q", name, got, value)
				}
			}
			info, err := env.srv.Stat("demo", tc.req.Key)
			if err != nil {
				t.Fatal(err)
			}
			wantACL := tc.req.ACL
			if wantACL == "" {
				wantACL = "default"
			}
			if info.Key != tc.req.Key || info.ACL != wantACL || info.Size != int64(len(tc.body)) || len(info.Metadata) != len(tc.req.Metadata) {
				t.Errorf("Stat = %+v", info)
			}
		})
	}

	t.Run("callback body", func(t *testing.T) {
		body, ctype, _ := cb.last(t)
		if ctype != "application/x-www-form-urlencoded" {
			t.Errorf("callback Content-Type %q", ctype)
		}
		form, err := url.ParseQuery(body)
		if err != nil {
			t.Fatalf("callback body %q: %v", body, err)
		}
		sum := md5.Sum([]byte("callback"))
		want := map[string]string{"object": "cb/form.txt", "size": "8", "etag": strings.ToUpper(hex.EncodeToString(sum[:])), "type": "application/octet-stream", "u": "ann & bob"}
		for k, v := range want {
			if form.Get(k) != v {
				t.Errorf("callback %s = %q, want %q (body %q)", k, form.Get(k), v, body)
			}
		}
	})

	t.Run("log has no secrets", func(t *testing.T) {
		logs := env.logs.String()
		if n := strings.Count(logs, "msg=\"sandbox request\""); n < 2*len(tests) {
			t.Errorf("%d log lines for %d requests", n, 2*len(tests))
		}
		for _, secret := range []string{testKey.Secret, testSTSKey.Secret, "sandbox-sts-token", "x-oss-signature", "OSS4-HMAC"} {
			if strings.Contains(logs, secret) {
				t.Errorf("log contains %q", secret)
			}
		}
		for _, field := range []string{"method=PUT", "bucket=demo", "status=200", "bytes_in=", "bytes_out=", "duration=", "request_id="} {
			if !strings.Contains(logs, field) {
				t.Errorf("log lacks %s", field)
			}
		}
	})
}

// sdkLink signs a request with arbitrary headers using the SDK's V4 signer,
// for requests the product's own Presign refuses to make.
func sdkLink(t *testing.T, method, endpoint, bucket, key string, header http.Header) (string, http.Header) {
	t.Helper()
	req, err := http.NewRequest(method, endpoint+"/"+bucket+"/"+escape(key, true), nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header = header.Clone()
	sc := &signer.SigningContext{
		Product: ptr("oss"), Region: ptr("cn-hangzhou"), Bucket: ptr(bucket), Key: ptr(key),
		Request: req, AuthMethodQuery: true, Time: time.Now().Add(time.Hour),
		Credentials: &credentials.Credentials{AccessKeyID: testKey.ID, AccessKeySecret: testKey.Secret},
	}
	if err := (&signer.SignerV4{}).Sign(context.Background(), sc); err != nil {
		t.Fatal(err)
	}
	return req.URL.String(), header
}

func TestRefusals(t *testing.T) {
	env := startSandbox(t, nil)
	base := signing.Request{Key: "refused.txt", ContentType: "text/plain", Metadata: map[string]string{"k": "v"}}
	link := env.link(t, base)
	header := linkHeader(link)
	u := mustParse(t, link.URL)
	setQuery := func(name, value string) string {
		c := *u
		q := c.Query()
		q.Set(name, value)
		c.RawQuery = strings.ReplaceAll(q.Encode(), "+", "%20")
		return c.String()
	}
	with := func(f func(http.Header)) http.Header {
		h := header.Clone()
		f(h)
		return h
	}
	sig := u.Query().Get("x-oss-signature")
	flipped := sig[:10] + map[bool]string{true: "0", false: "1"}[sig[10] != '0'] + sig[11:]
	wrong := base
	wrong.Credentials = signing.Credentials{AccessKeyID: testKey.ID, AccessKeySecret: "wrong-secret"}
	wrongLink := env.link(t, wrong)
	unknown := base
	unknown.Credentials = signing.Credentials{AccessKeyID: "SANDBOXNOSUCHKEY", AccessKeySecret: "x"}
	unknownLink := env.link(t, unknown)
	getLink := env.getLink(t, base)
	b64 := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	badCallback := func(value string) (string, http.Header) {
		return sdkLink(t, "PUT", env.srv.URL(), "demo", "refused.txt", http.Header{"X-Oss-Callback": {value}})
	}
	cbURL, cbHeader := badCallback("not base64!")
	cbJSONURL, cbJSONHeader := badCallback(b64("{not json"))
	cbNoURL, cbNoURLHeader := badCallback(b64(`{"callbackBody":"a=b"}`))
	cbNoBody, cbNoBodyHeader := badCallback(b64(`{"callbackUrl":"http://127.0.0.1:1/"}`))
	cbSix, cbSixHeader := badCallback(b64(`{"callbackUrl":"http://a/;http://b/;http://c/;http://d/;http://e/;http://f/","callbackBody":"a=b"}`))
	classURL, classHeader := sdkLink(t, "PUT", env.srv.URL(), "demo", "refused.txt", http.Header{"X-Oss-Storage-Class": {"Glacier"}})
	md5URL, md5Header := sdkLink(t, "PUT", env.srv.URL(), "demo", "refused.txt", http.Header{"Content-Md5": {"XrY7u+Ae7tCTyyK7j1rNww=="}})

	tests := []struct {
		name   string
		method string
		url    string
		header http.Header
		shift  time.Duration
		status int
		code   string
		ec     string
	}{
		{name: "signature char", url: setQuery("x-oss-signature", flipped), status: 403, code: CodeSignatureDoesNotMatch, ec: ecSignatureMismatch},
		{name: "key", url: strings.Replace(link.URL, "/refused.txt", "/other.txt", 1), status: 403, code: CodeSignatureDoesNotMatch},
		{name: "expiry param", url: setQuery("x-oss-expires", "7200"), status: 403, code: CodeSignatureDoesNotMatch},
		{name: "header value", header: with(func(h http.Header) { h.Set("Content-Type", "text/html") }), status: 403, code: CodeSignatureDoesNotMatch},
		{name: "missing header", header: with(func(h http.Header) { h.Del("Content-Type") }), status: 403, code: CodeSignatureDoesNotMatch},
		{name: "extra x-oss header", header: with(func(h http.Header) { h.Set("x-oss-object-acl", "public-read") }), status: 403, code: CodeSignatureDoesNotMatch},
		{name: "wrong secret", url: wrongLink.URL, status: 403, code: CodeSignatureDoesNotMatch},
		{name: "unknown key", url: unknownLink.URL, status: 403, code: CodeInvalidAccessKeyID},
		{name: "GET with PUT link", method: "GET", header: http.Header{}, status: 403, code: CodeSignatureDoesNotMatch},
		{name: "POST with PUT link", method: "POST", status: 403, code: CodeSignatureDoesNotMatch},
		{name: "HEAD with GET link", method: "HEAD", url: getLink.URL, header: http.Header{}, status: 403, code: CodeSignatureDoesNotMatch},
		{name: "PUT with GET link", url: getLink.URL, header: http.Header{}, status: 403, code: CodeSignatureDoesNotMatch},
		{name: "unsupported method", method: "PATCH", status: 405, code: CodeMethodNotAllowed},
		{name: "expired", shift: 2 * time.Hour, status: 403, code: CodeAccessDenied, ec: ecV4Expired},
		{name: "signed in the future", shift: -20 * time.Minute, status: 403, code: CodeAccessDenied, ec: ecV4NotYetValid},
		{name: "expires 0", url: setQuery("x-oss-expires", "0"), status: 400, code: CodeInvalidArgument, ec: ecV4BadExpires},
		{name: "expires 604801", url: setQuery("x-oss-expires", "604801"), status: 400, code: CodeInvalidArgument, ec: ecV4BadExpires},
		{name: "unsigned", url: env.srv.URL() + "/demo/refused.txt", status: 403, code: CodeAccessDenied},
		{name: "bad bucket name", url: env.srv.URL() + "/Bad_Bucket/x", status: 400, code: CodeInvalidBucketName},
		{name: "bucket level, unsigned", url: env.srv.URL() + "/demo/", status: 403, code: CodeAccessDenied},
		{name: "callback not base64", url: cbURL, header: cbHeader, status: 400, code: CodeInvalidArgument, ec: ecCallbackBase64},
		{name: "callback not json", url: cbJSONURL, header: cbJSONHeader, status: 400, code: CodeInvalidArgument},
		{name: "callback without url", url: cbNoURL, header: cbNoURLHeader, status: 400, code: CodeInvalidArgument, ec: ecCallbackURL},
		{name: "callback without body", url: cbNoBody, header: cbNoBodyHeader, status: 400, code: CodeInvalidArgument, ec: ecCallbackBody},
		{name: "callback six urls", url: cbSix, header: cbSixHeader, status: 400, code: CodeInvalidArgument, ec: ecCallbackTooMany},
		{name: "storage class", url: classURL, header: classHeader, status: 400, code: CodeInvalidArgument},
		{name: "content md5 mismatch", url: md5URL, header: md5Header, status: 400, code: CodeInvalidDigest},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			method, raw, h := "PUT", link.URL, header
			if tc.method != "" {
				method = tc.method
			}
			if tc.url != "" {
				raw = tc.url
			}
			if tc.header != nil {
				h = tc.header
			}
			env.clock.offset.Store(int64(tc.shift))
			defer env.clock.offset.Store(0)
			resp, body := env.send(t, method, raw, h, []byte("refused body"))
			if method == "HEAD" {
				if resp.StatusCode != tc.status {
					t.Fatalf("HEAD status %d, want %d", resp.StatusCode, tc.status)
				}
				return
			}
			e := ossError(t, resp, body, tc.status, tc.code)
			if tc.ec != "" && (e.EC != tc.ec || resp.Header.Get("x-oss-ec") != tc.ec) {
				t.Errorf("EC %q (header %q), want %s", e.EC, resp.Header.Get("x-oss-ec"), tc.ec)
			}
			if e.Code == CodeSignatureDoesNotMatch && (e.StringToSign == "" || e.CanonicalRequest == "") {
				t.Error("mismatch without StringToSign and CanonicalRequest")
			}
			if tc.ec == ecV4Expired && (e.Expires == "" || e.ServerTime == "") {
				t.Error("expired without Expires and ServerTime")
			}
			if _, err := env.srv.Stat("demo", "refused.txt"); !errors.Is(err, ErrNotFound) {
				t.Errorf("a refused request stored an object (%v)", err)
			}
		})
	}
	t.Run("no such key", func(t *testing.T) {
		resp, body := env.send(t, "GET", getLink.URL, http.Header{}, nil)
		ossError(t, resp, body, 404, CodeNoSuchKey)
	})
}

func TestHeadWithHeadLink(t *testing.T) {
	env := startSandbox(t, nil)
	req := signing.Request{Key: "h.txt", ContentType: "text/plain", Metadata: map[string]string{"a": "1"}}
	if resp, body := env.put(t, env.link(t, req), []byte("head me")); resp.StatusCode != 200 {
		t.Fatalf("PUT %d %s", resp.StatusCode, body)
	}
	raw, h := sdkLink(t, "HEAD", env.srv.URL(), "demo", "h.txt", http.Header{})
	resp, body := env.send(t, "HEAD", raw, h, nil)
	if resp.StatusCode != 200 || len(body) != 0 {
		t.Fatalf("HEAD %d %q", resp.StatusCode, body)
	}
	if resp.Header.Get("Content-Length") != "7" || resp.Header.Get("x-oss-meta-a") != "1" || resp.Header.Get("Content-Type") != "text/plain" {
		t.Errorf("HEAD headers %v", resp.Header)
	}
	wantChecksums(t, resp.Header, []byte("head me"))
}

func TestForbidOverwrite(t *testing.T) {
	env := startSandbox(t, nil)
	once := env.link(t, signing.Request{Key: "same.txt"})
	if resp, body := env.put(t, once, []byte("first")); resp.StatusCode != 200 {
		t.Fatalf("first PUT %d %s", resp.StatusCode, body)
	}
	resp, body := env.put(t, once, []byte("second"))
	ossError(t, resp, body, 409, CodeFileAlreadyExists)

	again := env.link(t, signing.Request{Key: "same.txt", AllowOverwrite: true})
	if resp, body := env.put(t, again, []byte("third")); resp.StatusCode != 200 {
		t.Fatalf("overwrite %d %s", resp.StatusCode, body)
	}
	get := env.getLink(t, signing.Request{Key: "same.txt"})
	if _, got := env.send(t, "GET", get.URL, nil, nil); string(got) != "third" {
		t.Errorf("content %q, want third", got)
	}
	// The replaced bytes are gone: one sidecar and one data file remain.
	files, _ := os.ReadDir(filepath.Join(env.dir, "buckets", "demo"))
	if len(files) != 2 {
		t.Errorf("bucket holds %d files, want 2", len(files))
	}
}

func TestCallbacks(t *testing.T) {
	env := startSandbox(t, func(c *Config) { c.CallbackTimeout = 300 * time.Millisecond })
	ok := newCallbackServer(t, 200, `{"Status":"OK","n":1}`)
	failing := newCallbackServer(t, 500, `{"error":"nope"}`)
	notJSON := newCallbackServer(t, 200, `<html>`)
	slow := newCallbackServer(t, 200, `{}`)
	slow.sleepFor = 2 * time.Second

	key := `q"uote&a=b/中 文.txt`
	tests := []struct {
		name     string
		cb       signing.Callback
		server   *callbackServer
		status   int
		failure  string
		check    func(t *testing.T, body, contentType, host string)
		wantBody string
	}{
		{
			name:   "form",
			cb:     signing.Callback{URLs: []string{ok.URL}, Body: "bucket=${bucket}&object=${object}&size=${size}&mime=${mimeType}&v=${x:v}&img=${imageInfo.width}&keep=${unknown}", Vars: map[string]string{"x:v": "a&b=c d"}},
			server: ok, status: 200, wantBody: `{"Status":"OK","n":1}`,
			check: func(t *testing.T, body, contentType, _ string) {
				if contentType != "application/x-www-form-urlencoded" {
					t.Errorf("Content-Type %q", contentType)
				}
				if !strings.HasSuffix(body, "&keep=${unknown}") {
					t.Errorf("unknown variable not kept: %q", body)
				}
				form, err := url.ParseQuery(strings.TrimSuffix(body, "&keep=${unknown}"))
				if err != nil {
					t.Fatal(err)
				}
				want := map[string]string{"bucket": "demo", "object": key, "size": "4", "mime": "text/plain", "v": "a&b=c d", "img": ""}
				for k, v := range want {
					if form.Get(k) != v {
						t.Errorf("%s = %q, want %q (body %q)", k, form.Get(k), v, body)
					}
				}
			},
		},
		{
			name:   "json",
			cb:     signing.Callback{URLs: []string{ok.URL}, Host: "app.example.com", BodyType: signing.CallbackBodyJSON, Body: `{"object":"${object}","size":${size},"etag":"${etag}","v":"${x:v}"}`, Vars: map[string]string{"x:v": "say \"hi\"\n"}},
			server: ok, status: 200, wantBody: `{"Status":"OK","n":1}`,
			check: func(t *testing.T, body, contentType, host string) {
				if contentType != "application/json" || host != "app.example.com" {
					t.Errorf("Content-Type %q Host %q", contentType, host)
				}
				var got struct {
					Object string `json:"object"`
					Size   int    `json:"size"`
					ETag   string `json:"etag"`
					V      string `json:"v"`
				}
				if err := json.Unmarshal([]byte(body), &got); err != nil {
					t.Fatalf("callback body %q: %v", body, err)
				}
				sum := md5.Sum([]byte("body"))
				if got.Object != key || got.Size != 4 || got.V != "say \"hi\"\n" || got.ETag != strings.ToUpper(hex.EncodeToString(sum[:])) {
					t.Errorf("callback body %+v", got)
				}
			},
		},
		{name: "second url answers", cb: signing.Callback{URLs: []string{failing.URL, ok.URL}, Body: "a=${size}"}, server: ok, status: 200, wantBody: `{"Status":"OK","n":1}`},
		{name: "server error", cb: signing.Callback{URLs: []string{failing.URL}, Body: "a=b"}, server: failing, status: 203, failure: "Error status : 500."},
		{name: "not json", cb: signing.Callback{URLs: []string{notJSON.URL}, Body: "a=b"}, server: notJSON, status: 203, failure: "not valid json"},
		{name: "too slow", cb: signing.Callback{URLs: []string{slow.URL}, Body: "a=b"}, server: slow, status: 203, failure: "Cost too long time"},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			k := fmt.Sprintf("%s-%d", key, i)
			if tc.check != nil {
				k = key
			}
			link := env.link(t, signing.Request{Key: k, ContentType: "text/plain", Callback: &tc.cb, AllowOverwrite: true})
			start := time.Now()
			resp, body := env.put(t, link, []byte("body"))
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tc.status, body)
			}
			wantChecksums(t, resp.Header, []byte("body"))
			if tc.status == 200 {
				if string(body) != tc.wantBody || resp.Header.Get("Content-Type") != "application/json" {
					t.Errorf("body %q (%s), want %q", body, resp.Header.Get("Content-Type"), tc.wantBody)
				}
			} else {
				e := ossError(t, resp, body, 203, CodeCallbackFailed)
				if !strings.Contains(e.Message, tc.failure) {
					t.Errorf("message %q, want %q", e.Message, tc.failure)
				}
			}
			if time.Since(start) > time.Second {
				t.Errorf("took %v: the callback timeout was not applied", time.Since(start))
			}
			// The object is stored whatever the callback said.
			if _, err := env.srv.Stat("demo", k); err != nil {
				t.Errorf("object not stored: %v", err)
			}
			if tc.check != nil {
				body, contentType, host := tc.server.last(t)
				tc.check(t, body, contentType, host)
			}
		})
	}
}

func TestKeysStayInsideDir(t *testing.T) {
	env := startSandbox(t, nil)
	keys := []string{
		"../../etc/x", "..", "../", "a/../../../b", "%2e%2e/%2f", "dir/", "100%", "a%2Fb",
		`a\..\..\c`, "./.", "~/x", "中文/../文件", "CON", "x:y*?<>|", "trailing space ",
	}
	for i, key := range keys {
		link := env.link(t, signing.Request{Key: key, AllowOverwrite: true})
		resp, body := env.put(t, link, []byte(fmt.Sprint("object ", i)))
		if resp.StatusCode != 200 {
			t.Fatalf("PUT %q: %d %s", key, resp.StatusCode, body)
		}
	}
	for i, key := range keys {
		get := env.getLink(t, signing.Request{Key: key})
		resp, got := env.send(t, "GET", get.URL, nil, nil)
		if resp.StatusCode != 200 || string(got) != fmt.Sprint("object ", i) {
			t.Errorf("GET %q: %d %q", key, resp.StatusCode, got)
		}
	}
	objects, err := env.srv.Objects()
	if err != nil {
		t.Fatal(err)
	}
	stored := map[string]bool{}
	for _, o := range objects {
		stored[o.Key] = true
	}
	for _, key := range keys {
		if !stored[key] {
			t.Errorf("key %q not listed intact; listed %v", key, objects)
		}
	}
	// Nothing may appear beside the data directory, and inside it only the
	// store's own layout.
	err = filepath.WalkDir(env.root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(env.root, path)
		if rel != "." && rel != "data" && !strings.HasPrefix(rel, "data"+string(filepath.Separator)) {
			t.Errorf("file outside the data directory: %s", path)
		}
		if d.Type().IsRegular() && rel != filepath.Join("data", lockFileName) && !strings.HasPrefix(rel, filepath.Join("data", "buckets", "demo")+string(filepath.Separator)) {
			t.Errorf("unexpected file %s", rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// rawRequest writes a request head for link by hand, so the test controls
// Content-Length and the body exactly.
func rawRequest(t *testing.T, env *sandboxEnv, link *signing.Link, contentLength int64) net.Conn {
	t.Helper()
	u := mustParse(t, link.URL)
	conn, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	var head strings.Builder
	fmt.Fprintf(&head, "%s %s HTTP/1.1\r\nHost: %s\r\nContent-Length: %d\r\n", link.Method, u.RequestURI(), u.Host, contentLength)
	for _, h := range link.Headers {
		fmt.Fprintf(&head, "%s: %s\r\n", h.Name, h.Value)
	}
	head.WriteString("\r\n")
	if _, err := io.WriteString(conn, head.String()); err != nil {
		t.Fatal(err)
	}
	return conn
}

func TestCutConnectionLeavesNothing(t *testing.T) {
	env := startSandbox(t, nil)
	link := env.link(t, signing.Request{Key: "cut.bin"})
	conn := rawRequest(t, env, link, 1<<20)
	if _, err := conn.Write(randomBody(7, 100<<10)); err != nil {
		t.Fatal(err)
	}
	conn.Close()

	// Wait for the server to finish with the request (it logs every one).
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(env.logs.String(), "key=cut.bin") {
		if time.Now().After(deadline) {
			t.Fatal("the server never finished the cut request")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if !strings.Contains(env.logs.String(), "code=IncompleteBody") {
		t.Errorf("log: %s", env.logs.String())
	}
	if _, err := env.srv.Stat("demo", "cut.bin"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Stat after a cut upload: %v", err)
	}
	if left, _ := os.ReadDir(filepath.Join(env.dir, "tmp")); len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
	if files, _ := os.ReadDir(filepath.Join(env.dir, "buckets", "demo")); len(files) != 0 {
		t.Errorf("bucket files left: %v", files)
	}
}

func TestEntityTooLarge(t *testing.T) {
	env := startSandbox(t, nil)
	link := env.link(t, signing.Request{Key: "huge.bin"})
	conn := rawRequest(t, env, link, MaxObjectSize+1)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	ossError(t, resp, body, 400, CodeEntityTooLarge)
}

func TestHTTPTestHandler(t *testing.T) {
	dir := t.TempDir()
	srv, err := New(Config{Dir: dir, Keys: []Key{testKey}})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	link := presign(t, signing.Request{EndpointKind: signing.EndpointCustom, Endpoint: ts.URL, Bucket: "bkt", Key: "k", AllowOverwrite: true})
	req, _ := http.NewRequest("PUT", link.URL, strings.NewReader("via httptest"))
	resp, err := ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	if srv.URL() != "" {
		t.Errorf("URL() = %q before Start", srv.URL())
	}
}

func TestNewAndServe(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name    string
		cfg     Config
		wantErr error
	}{
		{name: "no dir", cfg: Config{Keys: []Key{testKey}}},
		{name: "no keys", cfg: Config{Dir: dir}},
		{name: "empty secret", cfg: Config{Dir: dir, Keys: []Key{{ID: "SANDBOXX"}}}},
		{name: "all interfaces", cfg: Config{Dir: dir, Keys: []Key{testKey}, Addr: ":9000"}, wantErr: ErrNotLoopback},
		{name: "lan address", cfg: Config{Dir: dir, Keys: []Key{testKey}, Addr: "192.168.1.2:9000"}, wantErr: ErrNotLoopback},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New(tc.cfg)
			if err == nil || (tc.wantErr != nil && !errors.Is(err, tc.wantErr)) {
				t.Fatalf("New = %v, want %v", err, tc.wantErr)
			}
		})
	}
	if public, err := New(Config{Dir: dir, Keys: []Key{testKey}, Addr: ":9000", Public: true}); err != nil {
		t.Errorf("Public: %v", err)
	} else {
		public.Close()
	}

	srv, err := New(Config{Dir: dir, Keys: []Key{testKey}})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	deadline := time.Now().Add(5 * time.Second)
	for srv.URL() == "" && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if !strings.HasPrefix(srv.URL(), "http://127.0.0.1:") {
		t.Fatalf("URL() = %q", srv.URL())
	}
	if err := srv.Start(); err == nil {
		t.Error("Start on a serving server succeeded")
	}
	if err := srv.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Errorf("Serve returned %v after Shutdown", err)
	}
}

func TestNewSessionKey(t *testing.T) {
	a, err := NewSessionKey()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := NewSessionKey()
	if !strings.HasPrefix(a.ID, "SANDBOX") || strings.HasPrefix(a.ID, "LTAI") || len(a.Secret) < 30 || a.ID == b.ID || a.Secret == b.Secret {
		t.Errorf("session keys %v %v", a, b)
	}
}

// TestV1OverHTTP uploads and downloads with V1 links (as ossutil v1 makes).
func TestV1OverHTTP(t *testing.T) {
	env := startSandbox(t, nil)
	exp := time.Now().Add(time.Hour)
	header := http.Header{"Content-Type": {"text/plain"}, "X-Oss-Meta-From": {"v1"}}
	put := v1Link(t, "PUT", env.srv.URL()+"/demo/v1%20key.txt", "demo", "v1 key.txt", testKey, "", exp, header)
	if resp, body := env.send(t, "PUT", put.String(), header, []byte("v1 body")); resp.StatusCode != 200 {
		t.Fatalf("V1 PUT %d %s", resp.StatusCode, body)
	}
	get := v1Link(t, "GET", env.srv.URL()+"/demo/v1%20key.txt", "demo", "v1 key.txt", testKey, "", exp, nil)
	resp, body := env.send(t, "GET", get.String(), nil, nil)
	if resp.StatusCode != 200 || string(body) != "v1 body" || resp.Header.Get("x-oss-meta-from") != "v1" {
		t.Fatalf("V1 GET %d %q %v", resp.StatusCode, body, resp.Header)
	}
}

// TestStopFreesTheAddressAtOnce: once Shutdown or Close returns, the
// address is free for the next server (the app's sandbox takes its last
// address again after a restart), even when the serving goroutine had not
// run yet; with one processor it has not.
func TestStopFreesTheAddressAtOnce(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	for _, stop := range []struct {
		name string
		do   func(*Server) error
	}{
		{"Shutdown", func(s *Server) error { return s.Shutdown(context.Background()) }},
		{"Close", func(s *Server) error { return s.Close() }},
	} {
		t.Run(stop.name, func(t *testing.T) {
			srv, err := New(Config{Dir: t.TempDir(), Keys: []Key{testKey}})
			if err != nil {
				t.Fatal(err)
			}
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			if err := srv.StartOn(ln); err != nil {
				t.Fatal(err)
			}
			if err := stop.do(srv); err != nil {
				t.Fatal(err)
			}
			again, err := net.Listen("tcp", ln.Addr().String())
			if err != nil {
				t.Fatalf("the address after %s: %v", stop.name, err)
			}
			again.Close()
		})
	}
}
