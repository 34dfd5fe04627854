package cli

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/json"
	"fmt"
	"hash/crc64"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ossdrop/ossdrop/app/sandbox"
	"github.com/ossdrop/ossdrop/app/sandbox/sandboxtest"
	"github.com/ossdrop/ossdrop/signing"
)

// uploadTestServer answers PUTs like OSS, with the file's checksums, which
// respond may change or replace; it records the last request.
type uploadTestServer struct {
	*httptest.Server
	mu       sync.Mutex
	requests int
	header   http.Header
	body     []byte
}

func newUploadTestServer(t *testing.T, respond func(w http.ResponseWriter, body []byte)) *uploadTestServer {
	s := &uploadTestServer{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			return
		}
		s.mu.Lock()
		s.requests++
		s.header, s.body = r.Header.Clone(), body
		s.mu.Unlock()
		w.Header().Set("ETag", fmt.Sprintf(`"%X"`, md5.Sum(body)))
		w.Header().Set("x-oss-hash-crc64ecma", fmt.Sprint(crc64.Checksum(body, crc64.MakeTable(crc64.ECMA))))
		w.Header().Set("x-oss-request-id", "RIDCLI")
		if respond != nil {
			respond(w, body)
		}
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *uploadTestServer) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests
}

func uploadTestLink(t *testing.T, endpoint string) *signing.Link {
	t.Helper()
	return uploadTestLinkWith(t, endpoint, nil)
}

// uploadTestCallbackLink is uploadTestLink with an upload callback, whose
// answer OSS relays in the success body.
func uploadTestCallbackLink(t *testing.T, endpoint string) *signing.Link {
	t.Helper()
	return uploadTestLinkWith(t, endpoint, &signing.Callback{URLs: []string{"https://cb.example.com/done"}, Body: "object=${object}"})
}

func uploadTestLinkWith(t *testing.T, endpoint string, cb *signing.Callback) *signing.Link {
	t.Helper()
	link, err := signing.Presign(context.Background(), signing.Request{
		Region: "cn-hangzhou", EndpointKind: signing.EndpointCustom, Endpoint: endpoint,
		Bucket: "demo", Key: "in/data.csv", ContentType: "text/csv", Expires: time.Hour, Callback: cb,
		Credentials: signing.Credentials{AccessKeyID: "AKIDCLITEST", AccessKeySecret: testSecret},
	})
	if err != nil {
		t.Fatal(err)
	}
	return link
}

func uploadTestFile(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "data.csv")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// runUploadCLI runs ossdrop with a chosen terminal flag and clock.
func runUploadCLI(t *testing.T, terminal bool, now time.Time, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	env := &Env{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errOut, Getenv: func(string) string { return "" },
		Now: func() time.Time { return now }, StdoutIsTerminal: terminal}
	code = Run(args, env)
	return code, out.String(), errOut.String()
}

func TestUploadCommand(t *testing.T) {
	const content = "name,size\nreport.pdf,1024\n"
	file := uploadTestFile(t, content)
	wantCRC := fmt.Sprint(crc64.Checksum([]byte(content), crc64.MakeTable(crc64.ECMA)))
	now := time.Now()

	noChecksums := func(w http.ResponseWriter, _ []byte) {
		w.Header().Del("ETag")
		w.Header().Del("x-oss-hash-crc64ecma")
	}
	wrongCRC := func(w http.ResponseWriter, _ []byte) { w.Header().Set("x-oss-hash-crc64ecma", "42") }
	badSignature := func(w http.ResponseWriter, _ []byte) {
		w.WriteHeader(403)
		io.WriteString(w, `<Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match.</Message><RequestId>RID403</RequestId><EC>0002-00000040</EC></Error>`)
	}
	callback := func(w http.ResponseWriter, _ []byte) {
		w.Header().Del("x-oss-hash-crc64ecma")
		w.Write([]byte(`{"ok":true}`))
	}

	tests := []struct {
		name    string
		respond func(http.ResponseWriter, []byte)
		// withCallback signs the link with an upload callback.
		withCallback bool
		args         func(link *signing.Link) []string
		stdin        func(link *signing.Link) string
		now          time.Time
		code         int
		stdout       []string
		stderr       []string
		requests     int
		sent         map[string]string // headers the server must have received
	}{
		{name: "share link", args: func(l *signing.Link) []string { return []string{l.ShareLink(), file} },
			code: ExitOK, requests: 1, sent: map[string]string{"Content-Type": "text/csv", "X-Oss-Forbid-Overwrite": "true"},
			stdout: []string{"Uploaded data.csv (26 bytes) to demo/in/data.csv in ", "Verified:   yes: CRC-64 and MD5 match the server's", "CRC-64:     " + wantCRC, "Request ID: RIDCLI"}},
		{name: "curl command on stdin", args: func(*signing.Link) []string { return []string{"-", file} }, stdin: func(l *signing.Link) string { return l.Curl("x.csv") + "\n" },
			code: ExitOK, requests: 1, sent: map[string]string{"Content-Type": "text/csv", "X-Oss-Forbid-Overwrite": "true"}, stdout: []string{"Verified:   yes"}},
		{name: "bare URL with headers", args: func(l *signing.Link) []string {
			return []string{l.URL, file, "--header", "Content-Type: text/csv", "-H", "x-oss-forbid-overwrite:true"}
		}, code: ExitOK, requests: 1, sent: map[string]string{"Content-Type": "text/csv", "X-Oss-Forbid-Overwrite": "true"},
			stderr: []string{"warning: This bare link does not say which headers it was signed with; the upload sends only the ones you added (content-type: text/csv, x-oss-forbid-overwrite: true)."}},
		{name: "json", args: func(l *signing.Link) []string { return []string{l.ShareLink(), file, "--json"} },
			code: ExitOK, requests: 1, stdout: []string{`"crc64": "` + wantCRC + `"`, `"verified": true`, `"request_id": "RIDCLI"`, `"callback": null`, `"size": 26`}},
		{name: "callback answer", respond: callback, withCallback: true, args: func(l *signing.Link) []string { return []string{l.ShareLink(), file, "--json"} },
			code: ExitOK, requests: 1, stdout: []string{`"callback": {`, `"ok": true`, `"verified": true`, `"crc64_verified": false`}},
		{name: "a body without a callback is not one", respond: func(w http.ResponseWriter, _ []byte) { w.Write([]byte("<html>Wi-Fi sign-in</html>")) },
			args: func(l *signing.Link) []string { return []string{l.ShareLink(), file, "--json"} },
			code: ExitOK, requests: 1, stdout: []string{`"callback": null`}},
		{name: "no checksum from the server", respond: noChecksums, args: func(l *signing.Link) []string { return []string{l.ShareLink(), file} },
			code: ExitFailed, requests: 1, stdout: []string{"Verified:   no: the server sent no CRC-64 (x-oss-hash-crc64ecma); the server sent no ETag", "ETag:       -"},
			stderr: []string{"error: The server said the file is stored but sent no checksum to confirm it", "run it again with --allow-unverified"}},
		{name: "no checksum, accepted", respond: noChecksums, args: func(l *signing.Link) []string { return []string{l.ShareLink(), file, "--allow-unverified"} },
			code: ExitOK, requests: 1, stdout: []string{"Verified:   no: the server sent no CRC-64 (x-oss-hash-crc64ecma); the server sent no ETag"}},
		{name: "CRC that is not a number", respond: func(w http.ResponseWriter, _ []byte) { w.Header().Set("x-oss-hash-crc64ecma", "n/a") },
			args: func(l *signing.Link) []string { return []string{l.ShareLink(), file} },
			code: ExitFailed, requests: 1, stdout: []string{`Verified:   NO: the server's CRC-64 "n/a" is not a number`},
			stderr: []string{`error: The server's answer cannot confirm the upload: the server's CRC-64 "n/a" is not a number.`}},
		{name: "checksum mismatch", respond: wrongCRC, args: func(l *signing.Link) []string { return []string{l.ShareLink(), file} },
			code: ExitFailed, requests: 1, stdout: []string{"Verified:   NO: the object on the server differs from the file"},
			stderr: []string{"error: The object stored on the server differs from your file (CRC-64 " + wantCRC + " here, 42 on the server).\nhint: Upload the file again"}},
		{name: "signature mismatch", respond: badSignature, args: func(l *signing.Link) []string {
			return []string{l.ShareLink(), file, "--header", "Content-Type: text/plain"}
		},
			code: ExitFailed, requests: 1, stderr: []string{
				"warning: You changed the value of content-type",
				"error: OSS refused the upload because it does not match the link's signature: the link expects content-type: text/csv, x-oss-forbid-overwrite: true, but the upload sent content-type: text/plain, x-oss-forbid-overwrite: true.\nhint: Send exactly the headers"}},
		{name: "expired", args: func(l *signing.Link) []string { return []string{l.ShareLink(), file} }, now: now.Add(2 * time.Hour),
			code: ExitFailed, stderr: []string{"error: This link expired at ", " ago).\nhint: Ask the sender for a new link.\n"}},
		{name: "missing file", args: func(l *signing.Link) []string { return []string{l.ShareLink(), file + ".gone"} },
			code: ExitFailed, stderr: []string{"error: There is no file at " + file + ".gone.\nhint: Check the path.\n"}},
		{name: "not a link", args: func(*signing.Link) []string { return []string{"hello", file} },
			code: ExitFailed, stderr: []string{"error: This is neither a link nor a curl command.\nhint: Paste the whole link"}},
		{name: "empty stdin", args: func(*signing.Link) []string { return []string{"-", file} }, stdin: func(*signing.Link) string { return " \n" },
			code: ExitFailed, stderr: []string{"error: Standard input was empty"}},
		{name: "one argument", args: func(l *signing.Link) []string { return []string{l.ShareLink()} }, code: ExitInvalid, stderr: []string{"error: 'ossdrop upload' takes a link and a file."}},
		{name: "file from stdin", args: func(l *signing.Link) []string { return []string{l.ShareLink(), "-"} }, code: ExitInvalid, stderr: []string{"size must be known"}},
		{name: "negative retries", args: func(l *signing.Link) []string { return []string{l.ShareLink(), file, "--retries", "-1"} }, code: ExitInvalid},
		{name: "malformed header", args: func(l *signing.Link) []string { return []string{l.ShareLink(), file, "--header", "no colon"} },
			code: ExitInvalid, stderr: []string{`error: --header "no colon" is not 'Name: value'`}},
		{name: "invalid header name", args: func(l *signing.Link) []string { return []string{l.ShareLink(), file, "--header", "bad name: x"} },
			code: ExitInvalid, stderr: []string{"is not a valid HTTP header"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newUploadTestServer(t, tt.respond)
			link := uploadTestLink(t, srv.URL)
			if tt.withCallback {
				link = uploadTestCallbackLink(t, srv.URL)
			}
			stdin := ""
			if tt.stdin != nil {
				stdin = tt.stdin(link)
			}
			at := tt.now
			if at.IsZero() {
				at = now
			}
			code, stdout, stderr := runUploadCLI(t, false, at, stdin, append([]string{"upload"}, tt.args(link)...)...)
			if code != tt.code {
				t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tt.code, stdout, stderr)
			}
			for _, want := range tt.stdout {
				if !strings.Contains(stdout, want) {
					t.Errorf("stdout lacks %q:\n%s", want, stdout)
				}
			}
			for _, want := range tt.stderr {
				if !strings.Contains(stderr, want) {
					t.Errorf("stderr lacks %q:\n%s", want, stderr)
				}
			}
			if tt.code == ExitOK && stderr != "" && len(tt.stderr) == 0 {
				t.Errorf("unexpected stderr: %s", stderr)
			}
			if srv.count() != tt.requests {
				t.Errorf("%d requests, want %d", srv.count(), tt.requests)
			}
			if strings.Contains(stdout+stderr, "x-oss-signature=") {
				t.Errorf("the signed link was printed:\n%s%s", stdout, stderr)
			}
			for name, value := range tt.sent {
				if got := srv.header.Get(name); got != value {
					t.Errorf("server got %s: %q, want %q", name, got, value)
				}
			}
			if tt.requests > 0 && tt.code == ExitOK && string(srv.body) != content {
				t.Errorf("server stored %q", srv.body)
			}
		})
	}
}

func TestUploadCommandJSONShape(t *testing.T) {
	srv := newUploadTestServer(t, nil)
	code, stdout, stderr := runUploadCLI(t, true, time.Now(), "", "upload", "--json", uploadTestLink(t, srv.URL).ShareLink(), uploadTestFile(t, "x"))
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var out map[string]any
	if err := json.Unmarshal([]byte(stdout), &out); err != nil {
		t.Fatalf("--json printed %q (a progress bar must not mix in): %v", stdout, err)
	}
	for _, key := range []string{"etag", "size", "crc64", "verified", "request_id", "callback"} {
		if _, ok := out[key]; !ok {
			t.Errorf("no %q in %s", key, stdout)
		}
	}
}

func TestUploadCommandProgressBar(t *testing.T) {
	srv := newUploadTestServer(t, nil)
	link := uploadTestLink(t, srv.URL)
	file := uploadTestFile(t, strings.Repeat("0123456789abcdef", 64<<10)) // 1 MiB
	for _, terminal := range []bool{false, true} {
		t.Run(fmt.Sprint("terminal=", terminal), func(t *testing.T) {
			code, stdout, stderr := runUploadCLI(t, terminal, time.Now(), "", "upload", link.ShareLink(), file)
			if code != ExitOK {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			if drawn := strings.Contains(stdout, "\r"); drawn != terminal {
				t.Errorf("progress bar drawn %v, want %v:\n%q", drawn, terminal, stdout)
			}
			if !strings.Contains(stdout, "Uploaded data.csv (1.0 MiB)") {
				t.Errorf("stdout %q", stdout)
			}
		})
	}
}

// End to end: a link from the real signer, uploaded by the command to the
// sandbox, which checks the signature as OSS does.
func TestUploadCommandSandbox(t *testing.T) {
	key := sandbox.Key{ID: "AKIDCLISANDBOX", Secret: testSecret}
	srv := sandboxtest.Start(t, nil, key)
	link, err := signing.Presign(context.Background(), signing.Request{
		Region: "cn-hangzhou", EndpointKind: signing.EndpointCustom, Endpoint: srv.URL(),
		Bucket: "drop", Key: "in/data.csv", ContentType: "text/csv", Expires: time.Hour,
		Credentials: signing.Credentials{AccessKeyID: key.ID, AccessKeySecret: key.Secret},
	})
	if err != nil {
		t.Fatal(err)
	}
	content := strings.Repeat("row,1\n", 50000)
	file := uploadTestFile(t, content)

	code, stdout, stderr := runUploadCLI(t, false, time.Now(), link.Curl(file), "upload", "--json", "-", file)
	if code != ExitOK {
		t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
	}
	var out uploadOutput
	if err := json.Unmarshal([]byte(stdout), &out); err != nil || !out.Verified || !out.CRCVerified || !out.MD5Verified || out.Size != int64(len(content)) {
		t.Fatalf("output %s: %v", stdout, err)
	}
	info, err := srv.Stat("drop", "in/data.csv")
	if err != nil || info.CRC64 != out.CRC64 || info.ContentType != "text/csv" {
		t.Errorf("stored %+v, %v; printed %+v", info, err, out)
	}

	// Again: the link forbids overwriting, and the command says so.
	code, _, stderr = runUploadCLI(t, false, time.Now(), "", "upload", link.ShareLink(), file)
	if code != ExitFailed || !strings.Contains(stderr, `error: An object named "in/data.csv" is already stored`) || !strings.Contains(stderr, "\nhint: Ask the sender for a new link") {
		t.Errorf("second upload: exit %d\n%s", code, stderr)
	}
}
