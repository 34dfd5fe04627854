package cli

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const testSecret = "cli-test-secret-DO-NOT-PRINT"

// runCLI runs one command with env credentials and returns its exit code and output.
func runCLI(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	profileHome(t) // presign records its links in the history there
	var out, errOut bytes.Buffer
	env := &Env{
		Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errOut, Now: time.Now,
		Getenv: func(name string) string {
			return map[string]string{envAccessKeyID: "AKIDCLITEST", envAccessKeySecret: testSecret}[name]
		},
	}
	code = Run(args, env)
	if strings.Contains(out.String()+errOut.String(), testSecret) {
		t.Fatalf("the secret was printed: %s %s", out.String(), errOut.String())
	}
	return code, out.String(), errOut.String()
}

func presignJSON(t *testing.T, args ...string) presignOutput {
	t.Helper()
	code, stdout, stderr := runCLI(t, "", append([]string{"presign", "--json"}, args...)...)
	if code != ExitOK {
		t.Fatalf("presign exit %d: %s", code, stderr)
	}
	var out presignOutput
	if err := json.Unmarshal([]byte(stdout), &out); err != nil {
		t.Fatalf("presign --json printed %q: %v", stdout, err)
	}
	return out
}

func TestPresignJSON(t *testing.T) {
	out := presignJSON(t, "--region", "cn-hangzhou", "--bucket", "demo", "--key", "in/报告 1.pdf",
		"--content-type", "application/pdf", "--meta", "project=apollo", "--expires", "15m")
	if out.Method != "PUT" || out.Bucket != "demo" || out.Key != "in/报告 1.pdf" {
		t.Errorf("output %+v", out)
	}
	wantHeaders := map[string]string{"content-type": "application/pdf", "x-oss-forbid-overwrite": "true", "x-oss-meta-project": "apollo"}
	if len(out.Headers) != len(wantHeaders) {
		t.Errorf("headers %v, want %v", out.Headers, wantHeaders)
	}
	for k, v := range wantHeaders {
		if out.Headers[k] != v {
			t.Errorf("header %s = %q, want %q", k, out.Headers[k], v)
		}
	}
	expires, err := time.Parse(time.RFC3339, out.ExpiresAt)
	if err != nil || time.Until(expires) > 15*time.Minute || time.Until(expires) < 14*time.Minute {
		t.Errorf("expires_at %q is not 15 minutes from now", out.ExpiresAt)
	}
	// curl is in the system's natural shell (curl.exe and PowerShell on Windows).
	if !strings.HasPrefix(out.ShareLink, out.URL+"#ossdrop=1&") || !strings.HasPrefix(out.Curl, "curl") || !strings.Contains(out.Curl, " -X PUT -T ./FILE ") {
		t.Errorf("share link %q / curl %q", out.ShareLink, out.Curl)
	}

	// inspect reads both forms back with the same headers.
	for _, text := range []string{out.ShareLink, out.Curl} {
		code, stdout, stderr := runCLI(t, text, "inspect", "--json", "-")
		if code != ExitOK {
			t.Fatalf("inspect exit %d: %s", code, stderr)
		}
		var in inspectionOutput
		if err := json.Unmarshal([]byte(stdout), &in); err != nil {
			t.Fatal(err)
		}
		if in.URL != out.URL || in.Key != out.Key || in.Bucket != "demo" || !in.HeadersKnown || len(in.Headers) != len(out.Headers) {
			t.Errorf("inspect %s: %+v", text[:10], in)
		}
		for k, v := range out.Headers {
			if in.Headers[k] != v {
				t.Errorf("inspect header %s = %q, want %q", k, in.Headers[k], v)
			}
		}
	}
}

func TestPresignCurlShell(t *testing.T) {
	base := []string{"--region", "cn-hangzhou", "--bucket", "demo", "--key", "in/a b.txt", "--meta", "note=100% \"sure\""}
	tests := []struct {
		shell, prefix, label string
	}{
		{"posix", `curl -X PUT -T 'a b.txt' -H 'x-oss-forbid-overwrite: true'`, "curl:"},
		{"powershell", `curl.exe --% -X PUT -T "a b.txt" -H "x-oss-forbid-overwrite: true"`, "curl (PowerShell):"},
		{"cmd", `curl.exe -X PUT -T ^"a b.txt^" -H ^"x-oss-forbid-overwrite: true^"`, "curl (cmd.exe):"},
	}
	for _, tt := range tests {
		t.Run(tt.shell, func(t *testing.T) {
			out := presignJSON(t, append([]string{"--curl-shell", tt.shell, "--file", "a b.txt"}, base...)...)
			if string(out.CurlShell) != tt.shell || out.Curl != out.CurlCommands[out.CurlShell] || len(out.CurlCommands) != 3 {
				t.Errorf("curl_shell %q, curl %q, curl_commands %q", out.CurlShell, out.Curl, out.CurlCommands)
			}
			if !strings.HasPrefix(out.Curl, tt.prefix) {
				t.Errorf("curl %s\ndoes not start with %s", out.Curl, tt.prefix)
			}
			code, stdout, _ := runCLI(t, "", append([]string{"presign", "--curl-shell", tt.shell}, base...)...)
			program, _, _ := strings.Cut(tt.prefix, " ")
			if code != ExitOK || !strings.Contains(stdout, "\n"+tt.label+"\n  "+program+" ") {
				t.Errorf("exit %d; the text output lacks %q:\n%s", code, tt.label, stdout)
			}
		})
	}
	t.Run("an unknown shell", func(t *testing.T) {
		code, _, stderr := runCLI(t, "", append([]string{"presign", "--curl-shell", "fish"}, base...)...)
		if code != ExitInvalid || !strings.Contains(stderr, `error: --curl-shell: unknown shell "fish": choose posix, powershell or cmd`) {
			t.Errorf("exit %d: %s", code, stderr)
		}
	})
}

func TestPresignHumanOutput(t *testing.T) {
	code, stdout, _ := runCLI(t, "", "presign", "--region", "cn-hangzhou", "--bucket", "demo", "--key", "a.txt", "--allow-overwrite")
	if code != ExitOK {
		t.Fatal(code)
	}
	for _, part := range []string{"Upload link for demo/a.txt", "(in 59 minutes", "Share link", " -X PUT -T ./FILE ", "can replace the object"} {
		if !strings.Contains(stdout, part) {
			t.Errorf("output lacks %q:\n%s", part, stdout)
		}
	}
	if strings.Contains(stdout, "x-oss-forbid-overwrite") {
		t.Error("--allow-overwrite still signed x-oss-forbid-overwrite")
	}
}

func TestPresignInvalidInput(t *testing.T) {
	base := []string{"presign", "--region", "cn-hangzhou", "--bucket", "demo", "--key", "k"}
	tests := []struct {
		name string
		args []string
		says string
	}{
		{"bad bucket", []string{"presign", "--region", "cn-hangzhou", "--bucket", "Demo", "--key", "k"}, "bucket name"},
		{"no key", []string{"presign", "--region", "cn-hangzhou", "--bucket", "demo"}, "object key is empty"},
		{"leading slash", []string{"presign", "--region", "cn-hangzhou", "--bucket", "demo", "--key", "/k"}, "leading slash"},
		{"expiry over 7 days", append(base, "--expires", "8d"), "at most 7 days"},
		{"expiry unreadable", append(base, "--expires", "tomorrow"), "neither a duration"},
		{"expiry in the past", append(base, "--expires", "2020-01-01T00:00:00Z"), "not in the future"},
		{"expiry zero", append(base, "--expires", "0s"), "The expiry 0s is no time at all"},
		{"expiry negative, as typed", append(base, "--expires", "-5m"), "The expiry -5m is negative"},
		{"meta without =", append(base, "--meta", "novalue"), "name=value"},
		{"meta bad name", append(base, "--meta", "a_b=1"), "metadata name"},
		{"storage class", append(base, "--storage-class", "Cold"), "storage class"},
		{"acl", append(base, "--acl", "open"), "ACL"},
		{"callback body without url", append(base, "--callback-body", "x"), "without --callback-url"},
		{"callback bad url", append(base, "--callback-url", "cb.example.com", "--callback-body", "a"), "callback URL"},
		{"callback no body", append(base, "--callback-url", "https://cb.example.com"), "callback body is empty"},
		{"callback body type", append(base, "--callback-url", "https://cb.example.com", "--callback-body", "a", "--callback-body-type", "xml"), "form nor json"},
		{"callback var name", append(base, "--callback-url", "https://cb.example.com", "--callback-body", "a", "--callback-var", "who=me"), "callback variable"},
		{"two endpoints", append(base, "--endpoint", "http://127.0.0.1:9", "--internal"), "Choose one"},
		{"region endpoint mismatch", append(base, "--endpoint", "oss-cn-beijing.aliyuncs.com"), "belongs to region"},
		{"method", append(base, "--method", "DELETE"), "not supported"},
		{"unknown flag", append(base, "--secret", "x"), "Unknown flag"},
		{"stray argument", append(base, "extra"), "Unexpected argument"},
		{"pin without file", append(base, "--pin-md5"), "needs --file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, "", tt.args...)
			if code != ExitInvalid || stdout != "" {
				t.Fatalf("exit %d, stdout %q; want %d and nothing", code, stdout, ExitInvalid)
			}
			lines := strings.Split(strings.TrimSpace(stderr), "\n")
			if !strings.HasPrefix(lines[0], "error: ") || !strings.Contains(lines[0], tt.says) {
				t.Errorf("stderr %q should start with one error line saying %q", stderr, tt.says)
			}
		})
	}
}

func TestPresignWithoutCredentials(t *testing.T) {
	profileHome(t) // no profiles.json of the user's (on Windows, in %AppData%)
	var out, errOut bytes.Buffer
	env := &Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errOut, Now: time.Now, Getenv: func(string) string { return "" }}
	code := Run([]string{"presign", "--region", "cn-hangzhou", "--bucket", "demo", "--key", "k"}, env)
	if code == ExitOK || !strings.Contains(errOut.String(), "OSS_ACCESS_KEY_ID") {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
}

func TestPresignPinAndQR(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "data.bin")
	if err := os.WriteFile(file, []byte("hello"), 0o600); err != nil {
		t.Fatal(err)
	}
	qr := filepath.Join(dir, "link.png")
	out := presignJSON(t, "--region", "cn-hangzhou", "--bucket", "demo", "--key", "k", "--file", file, "--pin-md5", "--qr", qr)
	if out.Headers["content-md5"] != "XUFAKrxLKna5cZ2REBfFkg==" {
		t.Errorf("content-md5 = %q", out.Headers["content-md5"])
	}
	if !strings.Contains(out.Curl, " -T ") || !strings.Contains(out.Curl, file) {
		t.Errorf("curl %q does not upload %s", out.Curl, file)
	}
	png, err := os.ReadFile(qr)
	if err != nil || !bytes.HasPrefix(png, []byte("\x89PNG")) {
		t.Fatalf("QR file: %v", err)
	}
	// A second run must not replace the file.
	code, _, stderr := runCLI(t, "", "presign", "--region", "cn-hangzhou", "--bucket", "demo", "--key", "k", "--qr", qr)
	if code != ExitFailed || !strings.Contains(stderr, "already exists") {
		t.Errorf("second --qr: exit %d %s", code, stderr)
	}
	if again, _ := os.ReadFile(qr); !bytes.Equal(again, png) {
		t.Error("the existing QR file was changed")
	}
}

func TestInspectExitCodes(t *testing.T) {
	out := presignJSON(t, "--region", "cn-hangzhou", "--bucket", "demo", "--key", "k", "--expires", "2s")
	if code, _, stderr := runCLI(t, "", "inspect", out.ShareLink); code != ExitOK {
		t.Fatalf("fresh link: exit %d %s", code, stderr)
	}
	if code, _, stderr := runCLI(t, "", "inspect", "not a link"); code != ExitFailed || !strings.Contains(stderr, "error: ") {
		t.Errorf("garbage: exit %d %s", code, stderr)
	}
	if code, _, _ := runCLI(t, "", "inspect"); code != ExitInvalid {
		t.Errorf("no argument: exit %d", code)
	}
	var stdout, stderr bytes.Buffer
	later := &Env{Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: &stderr, Getenv: func(string) string { return "" },
		Now: func() time.Time { return time.Now().Add(time.Hour) }}
	if code := Run([]string{"inspect", out.URL}, later); code != ExitFailed || !strings.Contains(stderr.String(), "expired") {
		t.Errorf("expired link: exit %d %s", code, stderr.String())
	}
	if !strings.Contains(stdout.String(), "Headers:      unknown (bare URL)") {
		t.Errorf("bare URL output:\n%s", stdout.String())
	}
}

func TestHelp(t *testing.T) {
	code, stdout, _ := runCLI(t, "", "help")
	if code != ExitOK || !strings.Contains(stdout, "presign") || !strings.Contains(stdout, "inspect") {
		t.Fatalf("help: %d %s", code, stdout)
	}
	for _, c := range commands {
		t.Run(c.name, func(t *testing.T) {
			code, stdout, _ := runCLI(t, "", c.name, "--help")
			if code != ExitOK || !strings.HasPrefix(stdout, "Usage: ossdrop "+c.name) {
				t.Errorf("%s --help: exit %d\n%s", c.name, code, stdout)
			}
		})
	}
	if code, _, stderr := runCLI(t, "", "frobnicate"); code != ExitInvalid || !strings.Contains(stderr, "Unknown command") {
		t.Errorf("unknown command: %d %s", code, stderr)
	}
	if !IsCommand([]string{"presign"}) || IsCommand(nil) || IsCommand([]string{"https://x"}) {
		t.Error("IsCommand")
	}
}

// TestPresignOneSecond: the shortest expiry OSS allows works; it is
// counted from the signing instant.
func TestPresignOneSecond(t *testing.T) {
	for range 5 {
		out := presignJSON(t, "--region", "cn-hangzhou", "--bucket", "demo", "--key", "k", "--expires", "1s")
		signed, err1 := time.Parse(time.RFC3339, out.SignedAt)
		expires, err2 := time.Parse(time.RFC3339, out.ExpiresAt)
		if err1 != nil || err2 != nil || expires.Sub(signed) != time.Second || !strings.Contains(out.URL, "x-oss-expires=1&") {
			t.Fatalf("signed %s, expires %s, URL %s", out.SignedAt, out.ExpiresAt, out.URL)
		}
	}
}

// TestQRFileIsPrivate: the QR code of a live upload link is as private as
// the link.
func TestQRFileIsPrivate(t *testing.T) {
	qr := filepath.Join(t.TempDir(), "link.png")
	presignJSON(t, "--region", "cn-hangzhou", "--bucket", "demo", "--key", "k", "--qr", qr)
	info, err := os.Stat(qr)
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("QR file mode %v, %v; want 0600", info.Mode().Perm(), err)
	}
}

// TestPlainURLNeedsItsHeaders: wherever a bare URL can be copied the
// headers it needs are stated, and the statement is true: against the
// sandbox the default link's URL alone gets 403 SignatureDoesNotMatch, with
// the listed headers 200; --allow-overwrite gives a URL that works alone.
func TestPlainURLNeedsItsHeaders(t *testing.T) {
	srv := requestSandbox(t) // the CLI tests' own key pair
	put := func(t *testing.T, rawURL string, headers []string) int {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPut, rawURL, strings.NewReader("plain client"))
		for _, h := range headers {
			name, value, _ := strings.Cut(h, ": ")
			req.Header.Set(name, value)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	base := []string{"--endpoint", srv.URL(), "--region", "cn-hangzhou", "--bucket", "demo"}
	tests := []struct {
		name     string
		args     []string
		required []string
		says     []string // in the text output and url_note
	}{
		{"default", []string{"--key", "default.txt"}, []string{"x-oss-forbid-overwrite: true"},
			[]string{"works only when the upload sends x-oss-forbid-overwrite: true exactly (for overwrite protection)", "403 SignatureDoesNotMatch", "--allow-overwrite"}},
		{"content type and metadata", []string{"--key", "typed.txt", "--content-type", "text/plain", "--meta", "a=1"},
			[]string{"content-type: text/plain", "x-oss-forbid-overwrite: true", "x-oss-meta-a: 1"},
			[]string{"for the content type, overwrite protection and metadata", "--allow-overwrite and without the content type and metadata"}},
		{"overwrite allowed, typed", []string{"--key", "typed2.txt", "--content-type", "text/plain", "--allow-overwrite"},
			[]string{"content-type: text/plain"}, []string{"make the link without the content type"}},
		{"overwrite allowed", []string{"--key", "open.txt", "--allow-overwrite"}, nil, []string{"Any client can use the URL as it is"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := presignJSON(t, append(base, tt.args...)...)
			if strings.Join(out.RequiredHeaders, "|") != strings.Join(tt.required, "|") || out.URLWorksAlone != (len(tt.required) == 0) {
				t.Errorf("required_headers %q, url_works_alone %v", out.RequiredHeaders, out.URLWorksAlone)
			}
			_, text, _ := runCLI(t, "", append(append([]string{"presign"}, base...), tt.args...)...)
			_, inspected, _ := runCLI(t, "", "inspect", out.ShareLink)
			for _, want := range tt.says {
				for where, got := range map[string]string{"url_note": out.URLNote, "text": text, "inspect": inspected} {
					if !strings.Contains(got, want) {
						t.Errorf("%s lacks %q:\n%s", where, want, got)
					}
				}
			}
			if len(tt.required) > 0 && !strings.Contains(text, "URL (works ONLY with the headers below") {
				t.Errorf("the URL heading does not warn:\n%s", text)
			}
			// What the statement claims, against a server that checks as OSS does.
			plain := put(t, out.URL, nil)
			if want := map[bool]int{true: 200, false: 403}[len(tt.required) == 0]; plain != want {
				t.Errorf("plain client: %d, want %d", plain, want)
			}
			if len(tt.required) > 0 {
				if got := put(t, out.URL, out.RequiredHeaders); got != 200 {
					t.Errorf("with the required headers: %d", got)
				}
			}
		})
	}
}
