package upload

import (
	"bufio"
	"context"
	"crypto/md5"
	"encoding/base64"
	"errors"
	"fmt"
	"hash/crc64"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ossdrop/ossdrop/signing"
	"github.com/ossdrop/ossdrop/signing/message"
)

// presignPut signs a PUT link for endpoint with the real signer; mod
// adjusts the request (content type, metadata, callback…).
func presignPut(t testing.TB, endpoint string, mod func(*signing.Request)) *signing.Link {
	t.Helper()
	req := signing.Request{
		Region: "cn-hangzhou", EndpointKind: signing.EndpointCustom, Endpoint: endpoint,
		Bucket: "demo", Key: "in/report.txt", Expires: time.Hour,
		Credentials: signing.Credentials{AccessKeyID: "AKIDUPLOADTEST", AccessKeySecret: "upload-test-secret"},
	}
	if mod != nil {
		mod(&req)
	}
	link, err := signing.Presign(context.Background(), req)
	if err != nil {
		t.Fatalf("presign: %v", err)
	}
	return link
}

// writeFile makes a file of n pseudo-random bytes and returns its path.
func writeFile(t testing.TB, n int) string {
	t.Helper()
	data := make([]byte, n)
	rand.NewChaCha8([32]byte{byte(n), byte(n >> 8), byte(n >> 16)}).Read(data)
	path := filepath.Join(t.TempDir(), "file.bin")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// ossHandler answers like OSS: it reads the whole body and returns its
// checksums. Tests wrap it to misbehave.
func ossHandler(w http.ResponseWriter, r *http.Request) {
	crc, sum := crc64.New(crcTable), md5.New()
	if _, err := io.Copy(io.MultiWriter(crc, sum), r.Body); err != nil {
		return
	}
	w.Header().Set("ETag", fmt.Sprintf(`"%X"`, sum.Sum(nil)))
	w.Header().Set("x-oss-hash-crc64ecma", fmt.Sprint(crc.Sum64()))
	w.Header().Set("Content-MD5", base64.StdEncoding.EncodeToString(sum.Sum(nil)))
	w.Header().Set("x-oss-request-id", "5C1A7E0F0000000000000001")
	w.WriteHeader(http.StatusOK)
}

// ossServerWith is a server that answers like OSS, with header changing
// the answer's headers.
func ossServerWith(t testing.TB, header func(h http.Header)) *server {
	return newServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		rec := httptest.NewRecorder()
		ossHandler(rec, r)
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		header(w.Header())
		w.WriteHeader(200)
	})
}

// wantError checks that err is of kind (none when kind is nil) and that
// its sentence holds sentence.
func wantError(t testing.TB, err, kind error, sentence string) {
	t.Helper()
	switch {
	case kind == nil && err != nil:
		t.Errorf("err %v, want none", err)
	case kind != nil && (!errors.Is(err, kind) || !strings.Contains(err.Error(), sentence)):
		t.Errorf("err %v, want %v with %q", err, kind, sentence)
	}
}

// server is a test endpoint that counts requests and records the last
// request's headers. handle gets the 1-based request number.
type server struct {
	*httptest.Server
	requests atomic.Int32
	mu       sync.Mutex
	header   http.Header
	handle   func(w http.ResponseWriter, r *http.Request, n int)
}

func newServer(t testing.TB, handle func(w http.ResponseWriter, r *http.Request, n int)) *server {
	s := &server{handle: handle}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := int(s.requests.Add(1))
		s.mu.Lock()
		s.header = r.Header.Clone()
		s.mu.Unlock()
		s.handle(w, r, n)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *server) lastHeader() http.Header {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.header
}

// quick is a request with no backoff, so retry tests take milliseconds.
func quick(link *signing.Link, file string) Request {
	return Request{LinkText: link.ShareLink(), File: file, Backoff: func(int) time.Duration { return 0 }}
}

func TestUploadVerifiedSuccess(t *testing.T) {
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request, _ int) { ossHandler(w, r) })
	link := presignPut(t, srv.URL, func(r *signing.Request) { r.ContentType = "application/octet-stream" })
	for _, size := range []int{0, 1, 100 << 10, 3 << 20} {
		t.Run(FormatSize(int64(size)), func(t *testing.T) {
			path := writeFile(t, size)
			var calls []Progress
			req := quick(link, path)
			req.Progress = func(p Progress) { calls = append(calls, p) }
			res, err := Upload(context.Background(), req)
			if err != nil {
				t.Fatalf("upload: %v", err)
			}
			data, _ := os.ReadFile(path)
			wantCRC := crc64.Checksum(data, crcTable)
			if res.Size != int64(size) || res.CRC64 != wantCRC || res.MD5 != fmt.Sprintf("%x", md5.Sum(data)) {
				t.Errorf("result size %d crc %d md5 %s, want %d %d %x", res.Size, res.CRC64, res.MD5, size, wantCRC, md5.Sum(data))
			}
			if !res.CRCVerified || !res.MD5Verified || !res.Verified() || !res.CRCNote.IsZero() || !res.MD5Note.IsZero() {
				t.Errorf("not verified: %+v", res)
			}
			if res.Status != 200 || res.Attempts != 1 || res.RequestID != "5C1A7E0F0000000000000001" || len(res.CallbackBody) != 0 {
				t.Errorf("result %+v", res)
			}
			if len(calls) == 0 {
				t.Fatal("progress was never reported")
			}
			if last := calls[len(calls)-1]; last.Sent != int64(size) || last.Total != int64(size) || last.Attempt != 1 {
				t.Errorf("last progress %+v", last)
			}
		})
	}
}

func TestUploadSendsExactHeaders(t *testing.T) {
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request, _ int) { ossHandler(w, r) })
	withType := presignPut(t, srv.URL, func(r *signing.Request) {
		r.ContentType = "application/pdf"
		r.Metadata = map[string]string{"project": "apollo"}
	})
	bare := presignPut(t, srv.URL, func(r *signing.Request) { r.AllowOverwrite = true })
	path := writeFile(t, 10<<10)

	tests := []struct {
		name  string
		text  string
		extra signing.Headers
		want  map[string]string // every header OSS may sign, and nothing else
	}{
		{"share link", withType.ShareLink(), nil,
			map[string]string{"Content-Type": "application/pdf", "X-Oss-Forbid-Overwrite": "true", "X-Oss-Meta-Project": "apollo"}},
		{"curl command", withType.Curl(path), nil,
			map[string]string{"Content-Type": "application/pdf", "X-Oss-Forbid-Overwrite": "true", "X-Oss-Meta-Project": "apollo"}},
		{"bare URL", bare.URL, nil, map[string]string{}},
		{"bare URL with extra header", bare.URL, signing.Headers{{Name: "Content-Type", Value: "text/csv"}},
			map[string]string{"Content-Type": "text/csv"}},
		{"extra header replaces the link's", withType.ShareLink(), signing.Headers{{Name: "x-oss-meta-project", Value: "gemini"}},
			map[string]string{"Content-Type": "application/pdf", "X-Oss-Forbid-Overwrite": "true", "X-Oss-Meta-Project": "gemini"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := quick(withType, path)
			req.LinkText, req.ExtraHeaders = tt.text, tt.extra
			if _, err := Upload(context.Background(), req); err != nil {
				t.Fatal(err)
			}
			got := srv.lastHeader()
			for name, values := range got {
				signed := name == "Content-Type" || name == "Content-Md5" || strings.HasPrefix(name, "X-Oss-")
				switch {
				case signed && len(values) != 1:
					t.Errorf("%s sent %d times: %q", name, len(values), values)
				case signed && tt.want[name] != values[0]:
					t.Errorf("%s: %q sent, want %q", name, values[0], tt.want[name])
				case name == "Accept-Encoding":
					t.Errorf("stray Accept-Encoding: %q", values)
				}
			}
			for name := range tt.want {
				if got.Get(name) == "" {
					t.Errorf("%s not sent", name)
				}
			}
			if ua := got.Get("User-Agent"); ua != UserAgent {
				t.Errorf("User-Agent %q, want %q", ua, UserAgent)
			}
			if cl := got.Get("Content-Length"); cl != "10240" {
				t.Errorf("Content-Length %q, want 10240 (no chunked encoding)", cl)
			}
		})
	}
}

func TestUploadRetriesCutConnection(t *testing.T) {
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 1 {
			io.CopyN(io.Discard, r.Body, 512<<10)
			panic(http.ErrAbortHandler) // drops the connection mid-body
		}
		ossHandler(w, r)
	})
	link := presignPut(t, srv.URL, nil)
	var retries []int
	req := quick(link, writeFile(t, 2<<20))
	req.Backoff = func(n int) time.Duration { retries = append(retries, n); return 0 }
	var restarted bool
	req.Progress = func(p Progress) { restarted = restarted || p.Attempt == 2 }
	res, err := Upload(context.Background(), req)
	if err != nil {
		t.Fatalf("upload: %v", err)
	}
	if res.Attempts != 2 || srv.requests.Load() != 2 || !res.Verified() || fmt.Sprint(retries) != "[1]" {
		t.Errorf("attempts %d, requests %d, verified %v, backoffs %v", res.Attempts, srv.requests.Load(), res.Verified(), retries)
	}
	if !restarted {
		t.Error("progress never showed the second attempt")
	}
}

func TestUploadRetries5xx(t *testing.T) {
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n <= 2 {
			io.Copy(io.Discard, r.Body)
			http.Error(w, "busy", http.StatusInternalServerError)
			return
		}
		ossHandler(w, r)
	})
	res, err := Upload(context.Background(), quick(presignPut(t, srv.URL, nil), writeFile(t, 4096)))
	if err != nil {
		t.Fatalf("upload: %v", err)
	}
	if res.Attempts != 3 || srv.requests.Load() != 3 {
		t.Errorf("attempts %d, requests %d, want 3", res.Attempts, srv.requests.Load())
	}
}

func TestUploadGivesUp(t *testing.T) {
	const busy = `<?xml version="1.0" encoding="UTF-8"?><Error><Code>ServiceUnavailable</Code><Message>Please reduce your request rate.</Message><RequestId>RID503</RequestId></Error>`
	tests := []struct {
		name     string
		retries  int
		handle   func(w http.ResponseWriter, r *http.Request)
		kind     error
		attempts int
		sentence string
	}{
		{"503 with default retries", 0, func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(503)
			io.WriteString(w, busy)
		}, ErrServer, 4, "The server failed with ServiceUnavailable: Please reduce your request rate (request ID RID503), 4 times in a row."},
		{"connection lost, 2 retries", 2, func(w http.ResponseWriter, r *http.Request) {
			io.CopyN(io.Discard, r.Body, 1000)
			panic(http.ErrAbortHandler)
		}, ErrNetwork, 3, "failed 3 times in a row; the upload did not complete"},
		{"no retries", -1, func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(502) }, ErrServer, 1, "The server failed with status 502 Bad Gateway."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t, func(w http.ResponseWriter, r *http.Request, _ int) { tt.handle(w, r) })
			req := quick(presignPut(t, srv.URL, nil), writeFile(t, 4096))
			req.Retries = tt.retries
			res, err := Upload(context.Background(), req)
			var e *Error
			if res != nil || !errors.As(err, &e) || !errors.Is(err, tt.kind) {
				t.Fatalf("got %v, %v; want a %v error", res, err, tt.kind)
			}
			if e.Attempts != tt.attempts || int(srv.requests.Load()) != tt.attempts || !strings.Contains(e.Sentence.String(), tt.sentence) {
				t.Errorf("attempts %d, requests %d, sentence %q; want %d, %q", e.Attempts, srv.requests.Load(), e.Sentence, tt.attempts, tt.sentence)
			}
			if strings.Contains(err.Error(), "x-oss-signature") {
				t.Errorf("the error prints the signed link: %v", err)
			}
		})
	}
}

func TestUploadNeverRetries4xx(t *testing.T) {
	for _, status := range []int{400, 403, 404, 409, 411} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			srv := newServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
				io.Copy(io.Discard, r.Body)
				w.WriteHeader(status)
			})
			_, err := Upload(context.Background(), quick(presignPut(t, srv.URL, nil), writeFile(t, 100)))
			var e *Error
			if !errors.As(err, &e) || e.Status != status || e.Attempts != 1 || srv.requests.Load() != 1 {
				t.Errorf("err %v, requests %d: want one attempt with status %d", err, srv.requests.Load(), status)
			}
		})
	}
}

// Conflict after a retry: the first attempt stored the file but its answer
// was lost, so the second finds the key taken.
func TestUploadConflictAfterRetry(t *testing.T) {
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		io.Copy(io.Discard, r.Body)
		if n == 1 {
			panic(http.ErrAbortHandler)
		}
		w.WriteHeader(409)
		io.WriteString(w, `<Error><Code>FileAlreadyExists</Code><Message>The object you specified already exists and can not be overwritten.</Message><RequestId>RID409</RequestId><EC>0006-00000113</EC></Error>`)
	})
	_, err := Upload(context.Background(), quick(presignPut(t, srv.URL, nil), writeFile(t, 100)))
	var e *Error
	if !errors.As(err, &e) || !errors.Is(err, ErrExists) || e.Attempts != 2 {
		t.Fatalf("err %v", err)
	}
	if !strings.Contains(e.Sentence.String(), "earlier attempt") || e.RequestID != "RID409" || e.EC != "0006-00000113" {
		t.Errorf("error %+v", e)
	}
}

// TestUploadChecksums: any checksum that disagrees (or cannot be read)
// makes the upload unverified and an error, whatever else matches; an
// answer with nothing to compare is an error unless the request accepts
// an unverified upload.
func TestUploadChecksums(t *testing.T) {
	noChecksums := func(h http.Header) { h.Del("x-oss-hash-crc64ecma"); h.Del("ETag"); h.Del("Content-MD5") }
	tests := []struct {
		name            string
		header          func(h http.Header)
		allowUnverified bool
		kind            error  // nil when the upload should succeed
		sentence        string // part of the error's sentence
		crc, md         bool
	}{
		{"all match", func(http.Header) {}, false, nil, "", true, true},
		{"wrong CRC, matching ETag", func(h http.Header) { h.Set("x-oss-hash-crc64ecma", "12345") }, false, ErrChecksum, "CRC-64", false, true},
		{"wrong ETag", func(h http.Header) { h.Set("ETag", `"0123456789ABCDEF0123456789ABCDEF"`); h.Del("Content-MD5") }, false, ErrChecksum, "ETag 0123456789ABCDEF0123456789ABCDEF on the server", true, false},
		{"wrong Content-MD5", func(h http.Header) { h.Set("Content-MD5", "AAAAAAAAAAAAAAAAAAAAAA==") }, false, ErrChecksum, "Content-MD5", true, false},
		{"CRC not a number", func(h http.Header) { h.Set("x-oss-hash-crc64ecma", "12x45") }, false, ErrChecksum, `"12x45" is not a number`, false, true},
		{"no checksums", noChecksums, false, ErrUnverified, "no checksum", false, false},
		{"no checksums, accepted", noChecksums, true, nil, "", false, false},
		{"multipart ETag only", func(h http.Header) {
			h.Del("x-oss-hash-crc64ecma")
			h.Del("Content-MD5")
			h.Set("ETag", `"3858F62230AC3C915F300C664312C63F-2"`)
		}, false, ErrUnverified, "no checksum", false, false},
		{"multipart ETag, CRC only", func(h http.Header) { h.Set("ETag", `"3858F62230AC3C915F300C664312C63F-2"`); h.Del("Content-MD5") }, false, nil, "", true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := ossServerWith(t, tt.header)
			req := quick(presignPut(t, srv.URL, nil), writeFile(t, 5000))
			req.AllowUnverified = tt.allowUnverified
			res, err := Upload(context.Background(), req)
			if res == nil {
				t.Fatalf("no result: %v (the server said it stored the file)", err)
			}
			wantError(t, err, tt.kind, tt.sentence)
			if res.CRCVerified != tt.crc || res.MD5Verified != tt.md {
				t.Errorf("verified crc %v md5 %v, want %v %v", res.CRCVerified, res.MD5Verified, tt.crc, tt.md)
			}
			if want := (tt.crc || tt.md) && tt.kind == nil; res.Verified() != want {
				t.Errorf("Verified() = %v, want %v (err %v)", res.Verified(), want, err)
			}
			if !tt.crc && !tt.md && (res.CRCNote.IsZero() || res.MD5Note.IsZero()) {
				t.Errorf("unverified result without notes: %+v", res)
			}
		})
	}
}

// TestUploadStalledServer: a server that stops reading the body does not
// hold the upload forever; the stall is reported as a sentence.
func TestUploadStalledServer(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			t.Cleanup(func() { conn.Close() })
			if tc, ok := conn.(*net.TCPConn); ok {
				tc.SetReadBuffer(4 << 10)
			}
			// Read the request head, then nothing more, and never answer.
			http.ReadRequest(bufio.NewReader(conn))
		}
	}()
	link := presignPut(t, "http://"+ln.Addr().String(), nil)
	req := quick(link, writeFile(t, 32<<20))
	req.StallTimeout = 300 * time.Millisecond
	req.Retries = -1
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res, err := Upload(ctx, req)
	var e *Error
	if res != nil || !errors.As(err, &e) || !errors.Is(err, ErrNetwork) {
		t.Fatalf("result %v, err %v: want a network error", res, err)
	}
	if !strings.Contains(e.Sentence.String(), "stopped taking the file") || !strings.Contains(e.Sentence.String(), "of 32.0 MiB") {
		t.Errorf("sentence %q", e.Sentence)
	}
}

func TestUploadCancelStopsPromptly(t *testing.T) {
	stop := make(chan struct{})
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		buf := make([]byte, 16<<10)
		for { // a throttled server: 16 KiB every 10 ms
			if _, err := r.Body.Read(buf); err != nil {
				return
			}
			select {
			case <-stop: // the socket buffers would keep it reading for seconds
				return
			case <-time.After(10 * time.Millisecond):
			}
		}
	})
	defer close(stop)
	ctx, cancel := context.WithCancel(context.Background())
	req := quick(presignPut(t, srv.URL, nil), writeFile(t, 32<<20))
	var progressed atomic.Bool
	req.Progress = func(p Progress) {
		if p.Sent > 0 {
			progressed.Store(true)
		}
	}
	time.AfterFunc(300*time.Millisecond, cancel)
	done := make(chan error, 1)
	go func() {
		_, err := Upload(ctx, req)
		done <- err
	}()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) || !errors.Is(err, ErrCanceled) || err.Error() != "The upload was cancelled." {
			t.Errorf("err %v, want one wrapping context.Canceled", err)
		}
	case <-time.After(300*time.Millisecond + time.Second):
		t.Fatal("the upload did not stop within 1 s of cancellation")
	}
	if !progressed.Load() {
		t.Error("no progress was reported before cancellation")
	}
}

func TestUploadProgressIsThrottled(t *testing.T) {
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		buf := make([]byte, 4<<10)
		for {
			if _, err := r.Body.Read(buf); err != nil {
				break
			}
			time.Sleep(time.Millisecond)
		}
		w.WriteHeader(200)
	})
	req := quick(presignPut(t, srv.URL, nil), writeFile(t, 1<<20))
	req.AllowUnverified = true // the server above sends no checksums
	var calls []Progress
	req.Progress = func(p Progress) { calls = append(calls, p) }
	start := time.Now()
	if _, err := Upload(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	elapsed := time.Since(start)
	if max := int(elapsed/progressInterval) + 2; len(calls) > max || len(calls) < 2 {
		t.Errorf("%d progress calls in %v, want 2..%d", len(calls), elapsed, max)
	}
	for i := 1; i < len(calls)-1; i++ {
		if d := calls[i].Elapsed - calls[i-1].Elapsed; d < progressInterval {
			t.Errorf("calls %d and %d only %v apart", i-1, i, d)
		}
	}
	if last := calls[len(calls)-1]; last.Sent != 1<<20 || last.Rate <= 0 {
		t.Errorf("last call %+v", last)
	}
}

func TestUploadErrorSentences(t *testing.T) {
	const sig = `<?xml version="1.0" encoding="UTF-8"?>
<Error>
  <Code>SignatureDoesNotMatch</Code>
  <Message>The request signature we calculated does not match the signature you provided. Check your key and signing method.</Message>
  <RequestId>65A0B1C2D3E4F5A6B7C8D9E0</RequestId>
  <HostId>demo.oss-cn-hangzhou.aliyuncs.com</HostId>
  <OSSAccessKeyId>AKIDUPLOADTEST</OSSAccessKeyId>
  <SignatureProvided>0123</SignatureProvided>
  <StringToSign>OSS4-HMAC-SHA256</StringToSign>
  <CanonicalRequest>PUT</CanonicalRequest>
  <EC>0002-00000040</EC>
</Error>`
	xmlErr := func(code, msg string) string {
		return fmt.Sprintf(`<Error><Code>%s</Code><Message>%s</Message><RequestId>RID</RequestId><EC>EC-1</EC></Error>`, code, msg)
	}
	tests := []struct {
		name   string
		status int
		body   string
		bare   bool // use the bare URL, whose headers are unknown
		kind   error
		want   []string // substrings of Error()
	}{
		{"signature, share link", 403, sig, false, ErrSignature, []string{
			"the link expects content-type: application/pdf, x-oss-forbid-overwrite: true, but the upload sent content-type: text/plain, x-oss-forbid-overwrite: true",
			"Send exactly the headers the link expects"}},
		{"signature, bare URL", 403, sig, true, ErrSignature, []string{
			"This bare link does not say which headers it was signed with, and the upload sent none",
			"Ask the sender for the share link or the curl command"}},
		{"expired", 403, xmlErr("AccessDenied", "Request has expired."), false, ErrExpired, []string{
			"OSS says this link has expired: it was valid until", "clocks is wrong", "Ask the sender for a new link."}},
		{"exists", 409, xmlErr("FileAlreadyExists", "The object you specified already exists and can not be overwritten."), false, ErrExists, []string{
			`An object named "in/report.txt" is already stored, and the sender protected it`, "new link or a different object name"}},
		{"too large", 400, xmlErr("EntityTooLarge", "Your proposed upload exceeds the maximum allowed size."), false, ErrTooLarge, []string{
			"too large (100 bytes)", "5 GiB"}},
		{"bad digest", 400, xmlErr("InvalidDigest", "The Content-MD5 you specified is not valid."), false, ErrRefused, []string{"MD5 differs"}},
		{"unknown key", 403, xmlErr("InvalidAccessKeyId", "The OSS Access Key Id you provided does not exist in our records."), false, ErrDenied, []string{"does not know the AccessKey"}},
		{"sts expired", 403, xmlErr("SecurityTokenExpired", "The security token you provided has expired."), false, ErrExpired, []string{"temporary credentials"}},
		{"denied", 403, xmlErr("AccessDenied", "You have no right to access this object because of bucket acl."), false, ErrDenied, []string{
			"OSS refused the upload: AccessDenied: You have no right to access this object because of bucket acl (request ID RID, EC EC-1)."}},
		{"unknown code verbatim", 400, xmlErr("InvalidObjectName", "The specified object is not valid."), false, ErrRefused, []string{
			"OSS refused the upload: InvalidObjectName: The specified object is not valid (request ID RID, EC EC-1).", "Send this message to the link's sender."}},
		{"not XML", 418, "I'm a teapot", false, ErrRefused, []string{"status 418 I'm a teapot (I'm a teapot)"}},
		{"redirect", 307, "", false, ErrRefused, []string{"redirected the upload (307"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
				if tt.status == 307 {
					w.Header().Set("Location", "/elsewhere")
				}
				w.Header().Set("x-oss-request-id", "RID")
				w.WriteHeader(tt.status)
				io.WriteString(w, tt.body)
			})
			link := presignPut(t, srv.URL, func(r *signing.Request) { r.ContentType = "application/pdf" })
			req := quick(link, writeFile(t, 100))
			req.Now = func() time.Time { return link.ExpiresAt.Add(-time.Minute) }
			if tt.bare {
				req.LinkText = link.URL
			} else {
				req.ExtraHeaders = signing.Headers{{Name: "Content-Type", Value: "text/plain"}}
			}
			if tt.kind != ErrSignature {
				req.ExtraHeaders = nil
			}
			_, err := Upload(context.Background(), req)
			var e *Error
			if !errors.As(err, &e) || !errors.Is(err, tt.kind) {
				t.Fatalf("err %v, want kind %v", err, tt.kind)
			}
			for _, want := range tt.want {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q\ndoes not say %q", err, want)
				}
			}
			if e.Status != tt.status || e.RequestID == "" || e.Attempts != 1 || e.Hint.IsZero() {
				t.Errorf("error %+v", e)
			}
		})
	}
}

func TestUploadCallback(t *testing.T) {
	tests := []struct {
		name   string
		status int
		body   string
		kind   error
	}{
		{"confirmed", 200, `{"size":"100","Status":"OK","url":"https://x.example/a?b=1&c=<2>"}`, nil},
		{"failed", 203, `<Error><Code>CallbackFailed</Code><Message>Error status : 502.</Message><RequestId>RID203</RequestId><EC>0007-00000203</EC></Error>`, ErrCallback},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
				rec := httptest.NewRecorder()
				ossHandler(rec, r)
				for k, v := range rec.Header() {
					w.Header()[k] = v
				}
				w.WriteHeader(tt.status)
				io.WriteString(w, tt.body)
			})
			link := presignPut(t, srv.URL, func(r *signing.Request) {
				r.Callback = &signing.Callback{URLs: []string{"https://example.com/cb"}, Body: "bucket=${bucket}&object=${object}"}
			})
			res, err := Upload(context.Background(), quick(link, writeFile(t, 100)))
			if res == nil || !res.Verified() {
				t.Fatalf("result %+v, err %v: the object is stored either way", res, err)
			}
			if tt.kind == nil {
				// As the server sent it: its key order, "&" and "<" as they were.
				if err != nil || res.CallbackJSON() != "{\n  \"size\": \"100\",\n  \"Status\": \"OK\",\n  \"url\": \"https://x.example/a?b=1&c=<2>\"\n}" {
					t.Errorf("err %v, callback %q", err, res.CallbackJSON())
				}
				return
			}
			var e *Error
			if !errors.As(err, &e) || !errors.Is(err, tt.kind) || e.Status != 203 || e.Code != "CallbackFailed" || e.RequestID != "RID203" {
				t.Fatalf("err %#v", err)
			}
			if want := "The file is stored, but the sender's server did not confirm it (Error status : 502.)."; e.Sentence.String() != want {
				t.Errorf("sentence %q, want %q", e.Sentence, want)
			}
		})
	}
}

func TestCheck(t *testing.T) {
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request, _ int) { ossHandler(w, r) })
	link := presignPut(t, srv.URL, nil)
	getLink := presignPut(t, srv.URL, func(r *signing.Request) { r.Method = signing.MethodGet })
	file := writeFile(t, 10)
	dir := t.TempDir()
	huge := filepath.Join(dir, "huge.bin")
	if f, err := os.Create(huge); err != nil {
		t.Fatal(err)
	} else {
		f.Close()
	}
	if err := os.Truncate(huge, MaxSize+1); err != nil { // sparse: no disk used
		t.Fatal(err)
	}
	exact := filepath.Join(dir, "exact.bin")
	os.WriteFile(exact, nil, 0o600)
	if err := os.Truncate(exact, MaxSize); err != nil {
		t.Fatal(err)
	}
	future := func() time.Time { return link.ExpiresAt.Add(3 * time.Minute) }

	tests := []struct {
		name string
		req  Request
		kind error
		want string
	}{
		{"ok", Request{LinkText: link.ShareLink(), File: file}, nil, ""},
		{"exactly 5 GiB", Request{LinkText: link.ShareLink(), File: exact}, nil, ""},
		{"expired", Request{LinkText: link.ShareLink(), File: file, Now: future}, ErrExpired,
			"This link expired at " + link.ExpiresAt.Local().Format("2006-01-02 15:04:05 MST") + " (3 minutes ago). Ask the sender for a new link."},
		{"not a link", Request{LinkText: "hello", File: file}, ErrLink, "This is neither a link nor a curl command. Paste the whole link"},
		{"download link", Request{LinkText: getLink.ShareLink(), File: file}, ErrMethod, "This link is for GET, not for uploading a file (PUT)."},
		{"no file", Request{LinkText: link.ShareLink()}, ErrFile, "No file was chosen."},
		{"missing", Request{LinkText: link.ShareLink(), File: filepath.Join(dir, "nope.pdf")}, ErrFile, "There is no file at " + filepath.Join(dir, "nope.pdf") + ". Check the path."},
		{"directory", Request{LinkText: link.ShareLink(), File: dir}, ErrFile, dir + " is a folder: a link takes one file."},
		{"over 5 GiB", Request{LinkText: link.ShareLink(), File: huge}, ErrTooLarge, huge + " is 5.0 GiB (5368709121 bytes), more than the 5 GiB (5368709120 bytes) OSS takes in one upload."},
		{"bad header", Request{LinkText: link.ShareLink(), File: file, ExtraHeaders: signing.Headers{{Name: "bad name", Value: "x"}}}, ErrHeader, `The header "bad name: x" is not a valid HTTP header.`},
		{"length header", Request{LinkText: link.ShareLink(), File: file, ExtraHeaders: signing.Headers{{Name: "Content-Length", Value: "5"}}}, ErrHeader, "set by OSS Drop"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Check(tt.req)
			if tt.kind == nil {
				if err != nil {
					t.Fatalf("Check: %v", err)
				}
				return
			}
			var e *Error
			if !errors.As(err, &e) || !errors.Is(err, tt.kind) || e.Attempts != 0 || e.Status != 0 {
				t.Fatalf("err %v, want kind %v", err, tt.kind)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q\ndoes not say %q", err, tt.want)
			}
			// Upload stops at the same check, before any request.
			before := srv.requests.Load()
			if _, err := Upload(context.Background(), tt.req); !errors.Is(err, tt.kind) || srv.requests.Load() != before {
				t.Errorf("Upload: %v after %d requests", err, srv.requests.Load()-before)
			}
		})
	}
}

func TestPrepareWarnings(t *testing.T) {
	link := presignPut(t, "http://127.0.0.1:1", func(r *signing.Request) { r.ContentType = "text/plain" })
	file := writeFile(t, 10)
	tests := []struct {
		name  string
		text  string
		extra signing.Headers
		want  string
	}{
		{"bare URL", link.URL, nil, "does not say which headers it was signed with; the upload sends none"},
		{"bare URL with headers", link.URL, signing.Headers{{Name: "content-type", Value: "text/plain"}}, "the upload sends only the ones you added (content-type: text/plain)"},
		{"changed header", link.ShareLink(), signing.Headers{{Name: "content-type", Value: "text/csv"}}, "You changed the value of content-type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Prepare(Request{LinkText: tt.text, File: file, ExtraHeaders: tt.extra})
			if err != nil {
				t.Fatal(err)
			}
			if joined := strings.Join(message.Strings(p.Warnings), "\n"); !strings.Contains(joined, tt.want) {
				t.Errorf("warnings %q lack %q", joined, tt.want)
			}
			if len(p.Warnings) != 1 {
				t.Errorf("want one warning, got %q", p.Warnings)
			}
		})
	}
}

func TestUploadFileChangedDuringUpload(t *testing.T) {
	path := writeFile(t, 8<<20)
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		// Over 1 MiB the client waits for 100 Continue, which the first
		// read of the body sends: the file shrinks before it is read.
		os.Truncate(path, 200<<10)
		io.Copy(io.Discard, r.Body)
		w.WriteHeader(200)
	})
	_, err := Upload(context.Background(), quick(presignPut(t, srv.URL, nil), path))
	if !errors.Is(err, ErrFile) || !strings.Contains(err.Error(), "changed while it was being uploaded") {
		t.Errorf("err %v", err)
	}
}

// Over 1 MiB the upload waits for 100 Continue, so a refused signature
// costs one round trip instead of the whole file.
func TestUploadRefusedBeforeBody(t *testing.T) {
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		w.WriteHeader(403) // without reading the body: no 100 Continue
		io.WriteString(w, `<Error><Code>SignatureDoesNotMatch</Code><Message>m</Message><RequestId>R</RequestId></Error>`)
	})
	req := quick(presignPut(t, srv.URL, nil), writeFile(t, 8<<20))
	var last Progress
	req.Progress = func(p Progress) { last = p }
	_, err := Upload(context.Background(), req)
	if !errors.Is(err, ErrSignature) || srv.lastHeader().Get("Expect") != "100-continue" {
		t.Fatalf("err %v, Expect %q", err, srv.lastHeader().Get("Expect"))
	}
	if last.Sent != 0 {
		t.Errorf("%d bytes read from the file for a refused upload", last.Sent)
	}
}

// TestEndpointNotAnswering: a link whose address nothing listens at fails
// on the first attempt with a sentence saying so, instead of retrying for
// seconds and blaming the network; for this computer it says what to start.
func TestEndpointNotAnswering(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	link := presignPut(t, "http://"+addr, nil)
	backoffs := 0
	_, err = Upload(context.Background(), Request{LinkText: link.ShareLink(), File: writeFile(t, 10),
		Backoff: func(int) time.Duration { backoffs++; return 0 }})
	var e *Error
	if !errors.As(err, &e) || !errors.Is(err, ErrNetwork) || !errors.Is(err, ErrNotAnswering) || e.Attempts != 1 || backoffs != 0 {
		t.Fatalf("Upload = %v (attempts %v, backoffs %d)", err, e, backoffs)
	}
	if !strings.Contains(e.Sentence.String(), "endpoint "+addr+" is not answering") || !strings.Contains(e.Hint.String(), "Try it locally") {
		t.Errorf("sentence %q, hint %q", e.Sentence, e.Hint)
	}
}
