package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/ossdrop/ossdrop/app/arrivals"
	"github.com/ossdrop/ossdrop/app/history"
	"github.com/ossdrop/ossdrop/app/upload"
	"github.com/ossdrop/ossdrop/signing"
	"github.com/ossdrop/ossdrop/signing/message"
)

// oneJSONObject decodes stdout as exactly one JSON object and nothing else.
func oneJSONObject(t *testing.T, stdout string) map[string]any {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(stdout))
	var out map[string]any
	if err := dec.Decode(&out); err != nil {
		t.Fatalf("stdout is not one JSON object: %v\n%q", err, stdout)
	}
	if _, err := dec.Token(); err != io.EOF {
		t.Fatalf("stdout holds more than one JSON value:\n%s", stdout)
	}
	return out
}

// TestJSONEveryOutcome: with --json, upload and inspect print exactly one
// JSON object on stdout whatever happens, and the exit status (also in the
// object) says which outcome it was.
func TestJSONEveryOutcome(t *testing.T) {
	file := uploadTestFile(t, "a,b\n1,2\n")
	wrongCRC := func(w http.ResponseWriter, _ []byte) { w.Header().Set("x-oss-hash-crc64ecma", "42") }
	noChecksums := func(w http.ResponseWriter, _ []byte) { w.Header().Del("ETag"); w.Header().Del("x-oss-hash-crc64ecma") }
	denied := func(w http.ResponseWriter, _ []byte) {
		w.WriteHeader(403)
		io.WriteString(w, `<Error><Code>SignatureDoesNotMatch</Code><Message>no</Message><RequestId>RID403</RequestId><EC>0002-00000040</EC></Error>`)
	}
	tests := []struct {
		name    string
		respond func(http.ResponseWriter, []byte)
		args    func(l *signing.Link) []string
		stdin   string
		now     time.Duration // added to the clock
		code    int
		ok      bool
		kind    string // error.kind; "" when ok
		stored  any    // the "stored" member: true, false or nil (absent)
		code2   string // error.code
	}{
		{name: "upload ok", args: func(l *signing.Link) []string { return []string{"upload", l.ShareLink(), file, "--json"} }, code: ExitOK, ok: true, stored: true},
		{name: "upload checksum mismatch", respond: wrongCRC, args: func(l *signing.Link) []string { return []string{"upload", l.ShareLink(), file, "--json"} },
			code: ExitFailed, kind: "checksum_mismatch", stored: true},
		{name: "upload unverified", respond: noChecksums, args: func(l *signing.Link) []string { return []string{"upload", l.ShareLink(), file, "--json"} },
			code: ExitFailed, kind: "unverified", stored: true},
		{name: "upload signature mismatch", respond: denied, args: func(l *signing.Link) []string { return []string{"upload", l.ShareLink(), file, "--json"} },
			code: ExitFailed, kind: "signature_mismatch", code2: "SignatureDoesNotMatch"},
		{name: "upload expired", now: 2 * time.Hour, args: func(l *signing.Link) []string { return []string{"upload", "--json", l.ShareLink(), file} },
			code: ExitFailed, kind: "expired"},
		{name: "upload missing file", args: func(l *signing.Link) []string { return []string{"upload", l.ShareLink(), file + ".gone", "--json"} },
			code: ExitFailed, kind: "file"},
		{name: "upload not a link", args: func(*signing.Link) []string { return []string{"upload", "hello", file, "--json"} }, code: ExitFailed, kind: "not_a_link"},
		{name: "upload empty stdin", args: func(*signing.Link) []string { return []string{"upload", "--json", "-", file} }, code: ExitFailed, kind: "not_a_link"},
		{name: "upload one argument", args: func(l *signing.Link) []string { return []string{"upload", "--json", l.ShareLink()} }, code: ExitInvalid, kind: "invalid_input"},
		{name: "upload bad header", args: func(l *signing.Link) []string {
			return []string{"upload", "--json", l.ShareLink(), file, "-H", "bad name: x"}
		},
			code: ExitInvalid, kind: "invalid_header"},
		{name: "upload unknown flag", args: func(l *signing.Link) []string { return []string{"upload", "--json", "--bogus", l.ShareLink(), file} }, code: ExitInvalid, kind: "invalid_input"},
		{name: "inspect ok", args: func(l *signing.Link) []string { return []string{"inspect", "--json", l.ShareLink()} }, code: ExitOK, ok: true},
		{name: "inspect expired", now: 2 * time.Hour, args: func(l *signing.Link) []string { return []string{"inspect", "--json", l.ShareLink()} }, code: ExitFailed, kind: "expired"},
		{name: "inspect not a link", args: func(*signing.Link) []string { return []string{"inspect", "--json", "hello"} }, code: ExitFailed, kind: "not_a_link"},
		{name: "inspect two arguments", args: func(*signing.Link) []string { return []string{"inspect", "--json", "a", "b"} }, code: ExitInvalid, kind: "invalid_input"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newUploadTestServer(t, tt.respond)
			link := uploadTestLink(t, srv.URL)
			code, stdout, stderr := runUploadCLI(t, false, time.Now().Add(tt.now), tt.stdin, tt.args(link)...)
			if code != tt.code {
				t.Errorf("exit %d, want %d\n%s", code, tt.code, stderr)
			}
			out := oneJSONObject(t, stdout)
			if out["ok"] != tt.ok {
				t.Errorf("ok = %v, want %v:\n%s", out["ok"], tt.ok, stdout)
			}
			if out["stored"] != tt.stored {
				t.Errorf("stored = %v, want %v", out["stored"], tt.stored)
			}
			e, _ := out["error"].(map[string]any)
			switch {
			case tt.kind == "" && e != nil:
				t.Errorf("error %v on success", e)
			case tt.kind == "":
			case e == nil:
				t.Errorf("no error member:\n%s", stdout)
			default:
				if e["kind"] != tt.kind || e["message"] == "" || e["exit_code"] != float64(tt.code) {
					t.Errorf("error %v, want kind %s and exit code %d", e, tt.kind, tt.code)
				}
				if tt.code2 != "" && e["code"] != tt.code2 {
					t.Errorf("error code %v, want %s", e["code"], tt.code2)
				}
				// The same sentence is on stderr for people.
				if msg, _ := e["message"].(string); !strings.Contains(stderr, "error: "+msg) {
					t.Errorf("stderr %q lacks %q", stderr, msg)
				}
			}
		})
	}
}

// TestServerTextIsMadeSafe: escape sequences in what a server or a link
// says never reach the terminal raw (clear screen, set title, C1 CSI).
func TestServerTextIsMadeSafe(t *testing.T) {
	const nasty = "\x1b[2J\x1b]0;owned\x07\u009b31m\u202eevil"
	srv := newUploadTestServer(t, func(w http.ResponseWriter, _ []byte) {
		// Go's client refuses ASCII controls in headers; C1 and bidi pass.
		w.Header().Set("x-oss-request-id", "RID\u009b2J\u202eevil")
		w.Header().Set("x-oss-version-id", "V\u009b2J")
		w.Write([]byte("not json " + nasty + "\nsecond line"))
	})
	link := uploadTestCallbackLink(t, srv.URL)
	file := uploadTestFile(t, "x")
	check := func(t *testing.T, what, text string) {
		t.Helper()
		for _, bad := range []string{"\x1b", "\x07", "\u009b", "\u202e"} {
			if strings.Contains(text, bad) {
				t.Errorf("%s carries %q raw:\n%q", what, bad, text)
			}
		}
	}
	code, stdout, stderr := runUploadCLI(t, false, time.Now(), "", "upload", link.ShareLink(), file)
	if code != ExitOK || !strings.Contains(stdout, "not json [2J]0;owned31mevil\n  second line") {
		t.Errorf("exit %d\n%q\n%s", code, stdout, stderr)
	}
	check(t, "upload stdout", stdout)
	check(t, "upload stderr", stderr)

	// A link is anyone's text too: its key, host and fragment headers.
	share := link.ShareLink() + "&x-oss-meta-note=" + url.QueryEscape(nasty)
	evilKey := strings.Replace(share, "/in/data.csv?", "/in/%1B%5D0%3Bowned%07.csv?", 1)
	for _, text := range []string{share, evilKey} {
		for _, asJSON := range []string{"--json=false", "--json"} {
			code, stdout, stderr = runUploadCLI(t, false, time.Now(), "", "inspect", asJSON, text)
			if !strings.Contains(stdout, "owned") {
				t.Fatalf("inspect did not show the text (exit %d): %s%s", code, stdout, stderr)
			}
			check(t, "inspect "+asJSON+" stdout", stdout)
			check(t, "inspect "+asJSON+" stderr", stderr)
		}
	}
	// JSON keeps the data exactly, as escapes a terminal does not act on.
	_, stdout, _ = runUploadCLI(t, false, time.Now(), "", "inspect", "--json", share)
	var in inspectionOutput
	if err := json.Unmarshal([]byte(stdout), &in); err != nil || in.Headers["x-oss-meta-note"] != nasty {
		t.Errorf("JSON lost the value: %q %v", in.Headers["x-oss-meta-note"], err)
	}
}

// TestStdinLinkTooLong: a link piped on stdin is never cut silently.
func TestStdinLinkTooLong(t *testing.T) {
	srv := newUploadTestServer(t, nil)
	link := uploadTestLink(t, srv.URL)
	huge := link.ShareLink() + strings.Repeat(" ", maxLinkInput)
	for _, args := range [][]string{{"inspect", "-"}, {"upload", "-", uploadTestFile(t, "x")}} {
		code, stdout, stderr := runUploadCLI(t, false, time.Now(), huge, args...)
		if code != ExitFailed || stdout != "" || !strings.Contains(stderr, "error: Standard input holds more than 1 MiB") {
			t.Errorf("%s: exit %d\nstdout %q\nstderr %s", args[0], code, stdout, stderr)
		}
	}
	if srv.count() != 0 {
		t.Errorf("%d uploads from a cut link", srv.count())
	}
	// Exactly 1 MiB is still read whole.
	exact := link.ShareLink() + strings.Repeat(" ", maxLinkInput-len(link.ShareLink()))
	if code, _, stderr := runUploadCLI(t, false, time.Now(), exact, "inspect", "-"); code != ExitOK {
		t.Errorf("1 MiB exactly: exit %d %s", code, stderr)
	}
}

// TestInspectOutputEndsWithNewline: every text output ends with one
// newline, so a shell prompt never lands on its last line.
func TestInspectOutputEndsWithNewline(t *testing.T) {
	srv := newUploadTestServer(t, nil)
	link := uploadTestLink(t, srv.URL)
	withCallback, err := signing.Presign(t.Context(), signing.Request{
		Region: "cn-hangzhou", EndpointKind: signing.EndpointCustom, Endpoint: srv.URL, Bucket: "demo", Key: "k",
		Callback:    &signing.Callback{URLs: []string{"https://cb.example.com/x"}, Body: "a=${object}", Vars: map[string]string{"x:a": "1"}},
		Credentials: signing.Credentials{AccessKeyID: "AKIDCLITEST", AccessKeySecret: testSecret},
	})
	if err != nil {
		t.Fatal(err)
	}
	for i, text := range []string{link.ShareLink(), link.URL, link.Curl("f"), withCallback.ShareLink(), withCallback.URL} {
		for _, json := range []bool{false, true} {
			args := []string{"inspect", text}
			if json {
				args = append(args, "--json")
			}
			_, stdout, _ := runUploadCLI(t, false, time.Now(), "", args...)
			if !strings.HasSuffix(stdout, "\n") || strings.HasSuffix(stdout, "\n\n") {
				t.Errorf("%d json=%v: output does not end with exactly one newline: %q", i, json, stdout[max(0, len(stdout)-40):])
			}
		}
	}
}

func TestTermSafe(t *testing.T) {
	tests := map[string]string{
		"plain":                    "plain",
		"two\nlines\tand tab":      "two\nlines\tand tab",
		"\x1b[2Jclear":             "[2Jclear",
		"title\x1b]0;x\x07":        "title]0;x",
		"c1 \u009b31m":             "c1 31m",
		"bidi \u202egnp.exe":       "bidi gnp.exe",
		"cr\rover":                 "crover",
		"bad utf8 \xff\xfe":        "bad utf8 ",
		"中文 ok":                    "中文 ok",
		fmt.Sprint("nul\x00", "x"): "nulx",
	}
	for in, want := range tests {
		if got := termSafe(in); got != want {
			t.Errorf("termSafe(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestUnknownCommand: a word that is not a command, a link or a file is an
// error with the list of commands, not a window.
func TestUnknownCommand(t *testing.T) {
	var out, errOut bytes.Buffer
	code := Run([]string{"bogus"}, &Env{Stdout: &out, Stderr: &errOut, Now: time.Now, Getenv: func(string) string { return "" }})
	if code != ExitInvalid || out.Len() != 0 {
		t.Fatalf("exit %d, stdout %q", code, out.String())
	}
	for _, want := range []string{`error: Unknown command "bogus".`, "Commands:", "  presign ", "  upload ", "  inspect ", "  sandbox ", "  profile "} {
		if !strings.Contains(errOut.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut.String())
		}
	}

	file := uploadTestFile(t, "x")
	tests := []struct {
		args []string
		cli  bool
	}{
		{nil, false},
		{[]string{"--sandbox"}, false},
		{[]string{"https://demo.oss-cn-hangzhou.aliyuncs.com/k?x-oss-signature=1"}, false},
		{[]string{"HTTP://127.0.0.1:9000/demo/k", file}, false},
		{[]string{"curl -X PUT -T f 'https://x/k'"}, false},
		{[]string{file}, false},
		{[]string{"bogus"}, true},
		{[]string{"presgin"}, true},
		{[]string{"no-such-file.png"}, true},
		{[]string{t.TempDir()}, true}, // a folder is not a file to upload
		{[]string{"presign"}, true},
		{[]string{"help"}, true},
		{[]string{"--help"}, true},
		{[]string{"--version"}, true},
		{[]string{"--bogus"}, true},
	}
	for _, tt := range tests {
		if got := IsCommand(tt.args); got != tt.cli {
			t.Errorf("IsCommand(%q) = %v, want %v", tt.args, got, tt.cli)
		}
	}
}

// FuzzTermSafe: nothing a terminal acts on survives, and JSON escaping
// keeps the value while making it harmless.
func FuzzTermSafe(f *testing.F) {
	for in := range map[string]bool{"plain": true, "\x1b[2J": true, "\u009b31m": true, "\u202e": true, "a\nb\tc": true, "\xff": true} {
		f.Add(in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, r := range termSafe(s) {
			if r != '\n' && r != '\t' && (unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) || r == utf8.RuneError) {
				t.Fatalf("termSafe(%q) keeps %U", s, r)
			}
		}
		js, _ := json.Marshal(s)
		safe := escapeTerminalControls(js)
		var want, back string
		json.Unmarshal(js, &want)
		if err := json.Unmarshal(safe, &back); err != nil || back != want {
			t.Fatalf("JSON %q → %q → %q, want %q (%v)", s, safe, back, want, err)
		}
		for _, r := range string(safe) {
			if isTerminalControl(r) || r < 0x20 {
				t.Fatalf("escaped JSON %q keeps %U", safe, r)
			}
		}
	})
}

// TestEveryUploadKindHasAName: --json names every kind of upload failure;
// a kind added to app/upload without a name here would print "failed".
func TestEveryUploadKindHasAName(t *testing.T) {
	kinds := []error{upload.ErrLink, upload.ErrExpired, upload.ErrMethod, upload.ErrHeader, upload.ErrFile, upload.ErrTooLarge,
		upload.ErrTooSmall, upload.ErrType, upload.ErrPolicy, upload.ErrSignature, upload.ErrDenied, upload.ErrExists,
		upload.ErrCallback, upload.ErrChecksum, upload.ErrUnverified, upload.ErrNetwork, upload.ErrServer, upload.ErrClock, upload.ErrRefused, upload.ErrCanceled}
	seen := map[string]bool{}
	for _, k := range kinds {
		name := uploadErrorOutput(&upload.Error{Kind: k, Sentence: message.New("x")}).Kind
		if name == "failed" || seen[name] {
			t.Errorf("%v: kind name %q", k, name)
		}
		seen[name] = true
	}
}

// TestStatusShowsPartnerKeysSafely: a request link's file names are the
// partner's choice, read back from the server; status prints them safe.
func TestStatusShowsPartnerKeysSafely(t *testing.T) {
	now := time.Now()
	entry := history.Entry{ID: "1", Bucket: "demo", Prefix: "in/", Method: "POST", Expires: now.Add(time.Hour)}
	obj := arrivals.Object{Bucket: "demo", Key: "in/\x1b]0;owned\x07\x1b[2J.txt", Size: 3, ETag: "E", ContentType: "text/plain\x1b[31m", LastModified: now}
	rows := []statusRow{{entry: entry, status: arrivals.Status{EntryID: "1", State: arrivals.Received, Objects: []arrivals.Object{obj}}}}
	var table, changes bytes.Buffer
	printStatus(&table, rows, now)
	printChanges(&changes, rows, map[string]arrivals.State{}, now)
	for name, out := range map[string]string{"status": table.String(), "status --watch": changes.String()} {
		if strings.ContainsAny(out, "\x1b\x07") || !strings.Contains(out, "]0;owned[2J.txt") {
			t.Errorf("%s printed %q", name, out)
		}
	}
}

// TestAsSentence: error: and hint: lines read as sentences, but a first
// word the user types as it is (a flag, a header, a command) keeps its
// case.
func TestAsSentence(t *testing.T) {
	tests := []struct{ in, want string }{
		{"the link expired", "The link expired."},
		{"  ask the sender?  ", "Ask the sender?"},
		{"--interval 5s goes with --watch", "--interval 5s goes with --watch."},
		{"x-oss-date is missing", "x-oss-date is missing."},
		{"ossdrop upload 'https://…' report.pdf, or pipe the link", "ossdrop upload 'https://…' report.pdf, or pipe the link."},
		{"curl -T q3.pdf 'https://…'", "curl -T q3.pdf 'https://…'."},
		{"ossdropping is not a word", "Ossdropping is not a word."},
		{"OSS_ACCESS_KEY_ID is not set", "OSS_ACCESS_KEY_ID is not set."},
		{"", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := asSentence(tt.in); got != tt.want {
				t.Errorf("asSentence(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// TestCommandHintsAsTyped: a hint that is a command line is printed as it
// is typed, not capitalised as if it began a sentence.
func TestCommandHintsAsTyped(t *testing.T) {
	tests := []struct {
		args []string
		hint string
	}{
		{[]string{"upload"}, "hint: ossdrop upload 'https://…' report.pdf, or pipe the link: … | ossdrop upload - report.pdf.\n"},
		{[]string{"download"}, "hint: ossdrop download 'https://…' [DEST], or ossdrop download --bucket B in/q3.pdf [DEST].\n"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			code, _, stderr := runCLI(t, "", tt.args...)
			if code != ExitInvalid || !strings.Contains(stderr, tt.hint) {
				t.Errorf("exit %d, want %q in\n%s", code, tt.hint, stderr)
			}
		})
	}
}
