package cli

import (
	"bytes"
	"errors"
	"io/fs"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/zalando/go-keyring"

	"github.com/ossdrop/ossdrop/app/credentials"
	"github.com/ossdrop/ossdrop/app/privatefile"
	"github.com/ossdrop/ossdrop/signing"
)

// Modes that exclude each other in one process, as in app/credentials:
// keyring.MockInit replaces the Secret Service for good.
const (
	envRealKeyring = "OSSDROP_KEYRING_TEST"
	envNoKeyring   = "OSSDROP_NO_KEYRING_TEST"
)

const (
	testKeyID    = "TESTKYCliTest0000abcd"
	testSTSKeyID = "STS.NCliTest000000wxyz"
)

// profileHome points the config directory (and everything else a run could
// write to) at a fresh temp dir and returns it.
func profileHome(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	for _, v := range []string{"HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME", "TMPDIR",
		"APPDATA", "LOCALAPPDATA", "USERPROFILE"} { // the last three are where Windows keeps them
		dir := filepath.Join(root, strings.ToLower(v))
		if err := os.MkdirAll(dir, 0o700); err != nil {
			t.Fatal(err)
		}
		t.Setenv(v, dir)
	}
	return root
}

// mockKeyring gives the test an empty in-memory keychain and config dir.
func mockKeyring(t *testing.T) string {
	t.Helper()
	if os.Getenv(envRealKeyring) == "1" || os.Getenv(envNoKeyring) == "1" {
		t.Skip("a real keychain run: the mock would replace the Secret Service")
	}
	credentials.MockInit()
	return profileHome(t)
}

// session runs commands against one fake world and keeps all they print.
type session struct {
	t      *testing.T
	vars   map[string]string
	now    time.Time
	output bytes.Buffer // every stdout and stderr, for the leak checks
}

func newSession(t *testing.T) *session {
	return &session{t: t, vars: map[string]string{}, now: time.Now()}
}

// run runs ossdrop args with stdin and returns the exit code, stdout, stderr.
func (s *session) run(stdin string, args ...string) (int, string, string) {
	s.t.Helper()
	var stdout, stderr bytes.Buffer
	env := &Env{
		Stdin:  strings.NewReader(stdin),
		Stdout: &stdout, Stderr: &stderr,
		Getenv: func(k string) string { return s.vars[k] },
		Now:    func() time.Time { return s.now },
	}
	code := Run(args, env)
	s.output.WriteString(stdout.String())
	s.output.WriteString(stderr.String())
	return code, stdout.String(), stderr.String()
}

// ok runs a command that must succeed and returns its stdout.
func (s *session) ok(stdin string, args ...string) string {
	s.t.Helper()
	code, out, errOut := s.run(stdin, args...)
	if code != ExitOK {
		s.t.Fatalf("ossdrop %s: exit %d\n%s%s", strings.Join(args, " "), code, out, errOut)
	}
	return out
}

func TestProfileAddErrors(t *testing.T) {
	future := time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
	tests := []struct {
		name   string
		stdin  string
		args   []string
		code   int
		stderr string
	}{
		{"no name", "x\n", []string{"profile", "add", "--access-key-id", testKeyID, "--region", "cn-hangzhou"}, ExitInvalid, "takes NAME"},
		{"no id", "x\n", []string{"profile", "add", "w", "--region", "cn-hangzhou"}, ExitInvalid, "--access-key-id is required"},
		{"no region", "x\n", []string{"profile", "add", "w", "--access-key-id", testKeyID}, ExitInvalid, "--region is required"},
		{"bad region", "x\n", []string{"profile", "add", "w", "--access-key-id", testKeyID, "--region", "Hangzhou"}, ExitInvalid, "not an OSS region"},
		{"sts without expiry", "x\ny\n", []string{"profile", "add", "w", "--access-key-id", testKeyID, "--region", "cn-hangzhou", "--sts"}, ExitInvalid, "go together"},
		{"expiry in the past", "x\ny\n", []string{"profile", "add", "w", "--access-key-id", testKeyID, "--region", "cn-hangzhou", "--sts", "--sts-expires", "2020-01-01T00:00:00Z"}, ExitInvalid, "in the past"},
		{"reserved name", "x\n", []string{"profile", "add", "environment", "--access-key-id", testKeyID, "--region", "cn-hangzhou"}, ExitInvalid, "reserved"},
		{"bad name", "x\n", []string{"profile", "add", "my profile", "--access-key-id", testKeyID, "--region", "cn-hangzhou"}, ExitInvalid, "not a usable profile name"},
		{"no stdin", "", []string{"profile", "add", "w", "--access-key-id", testKeyID, "--region", "cn-hangzhou"}, ExitInvalid, "ended before the AccessKey secret"},
		{"blank secret", "  \n", []string{"profile", "add", "w", "--access-key-id", testKeyID, "--region", "cn-hangzhou"}, ExitInvalid, "secret is empty"},
		{"sts token missing", "secret\n", []string{"profile", "add", "w", "--access-key-id", testSTSKeyID, "--region", "cn-hangzhou", "--sts", "--sts-expires", future}, ExitInvalid, "ended before the STS security token"},
		{"secret as a flag", "x\n", []string{"profile", "add", "w", "--access-key-id", testKeyID, "--region", "cn-hangzhou", "--secret", "x"}, ExitInvalid, "Unknown flag"},
		{"unknown verb", "", []string{"profile", "frobnicate"}, ExitInvalid, "Unknown profile command"},
		{"id with a space", "x\n", []string{"profile", "add", "w", "--access-key-id", "has space", "--region", "cn-hangzhou"}, ExitInvalid,
			"error: The AccessKey ID has a space or line break at character 4, which no AccessKey ID has"},
		{"id with a slash", "x\n", []string{"profile", "add", "w", "--access-key-id", "TESTKY/abc", "--region", "cn-hangzhou"}, ExitInvalid, `has "/" at character 7`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mockKeyring(t)
			s := newSession(t)
			code, _, stderr := s.run(tt.stdin, tt.args...)
			if code != tt.code || !strings.Contains(stderr, tt.stderr) {
				t.Errorf("exit %d, stderr %q; want exit %d and %q", code, stderr, tt.code, tt.stderr)
			}
			if !strings.HasPrefix(stderr, "error: ") {
				t.Errorf("stderr does not start with 'error: ': %q", stderr)
			}
		})
	}
}

func TestProfileLifecycle(t *testing.T) {
	mockKeyring(t)
	s := newSession(t)
	secret, token := "s3cr3t-LEAK-CANARY-life", "t0k3n-LEAK-CANARY-life"
	expires := s.now.Add(2 * time.Hour).UTC().Format(time.RFC3339)

	out := s.ok(secret+"\n", "profile", "add", "work", "--access-key-id", testKeyID, "--region", "cn-hangzhou", "--bucket", "uploads")
	if !strings.Contains(out, "TEST****abcd") || !strings.Contains(out, "default profile") {
		t.Errorf("add said %q", out)
	}
	s.ok(secret+"-2\r\n"+token+"\r\n", "profile", "add", "temp", "--access-key-id", testSTSKeyID, "--region", "cn-shanghai",
		"--sts", "--sts-expires", expires, "--endpoint", "http://127.0.0.1:9000", "--path-style", "--label", "client X")

	code, _, stderr := s.run(secret+"\n", "profile", "add", "work", "--access-key-id", testKeyID, "--region", "cn-hangzhou")
	if code != ExitInvalid || !strings.Contains(stderr, "already exists") || !strings.Contains(stderr, "hint: Change its secret with 'ossdrop profile rotate work'") {
		t.Errorf("second add: exit %d %q", code, stderr)
	}

	list := s.ok("", "profile", "list")
	for _, want := range []string{"* ", "work", "temp", "TEST****abcd", "STS.****wxyz", "default", "expires", "client X", "cn-shanghai"} {
		if !strings.Contains(list, want) {
			t.Errorf("list lacks %q:\n%s", want, list)
		}
	}
	if strings.Contains(list, "environment") {
		t.Errorf("list shows the environment with no OSS_ACCESS_KEY_ID:\n%s", list)
	}

	show := s.ok("", "profile", "show", "temp")
	for _, want := range []string{testSTSKeyID, "http://127.0.0.1:9000", "Path style:    yes", "secrets present", "profiles.json"} {
		if !strings.Contains(show, want) {
			t.Errorf("show lacks %q:\n%s", want, show)
		}
	}

	test := s.ok("", "profile", "test", "--offline", "work")
	if !strings.Contains(test, "signed offline for uploads in cn-hangzhou") || !strings.Contains(test, "not asked (--offline)") {
		t.Errorf("test said %q", test)
	}
	s.ok("", "profile", "test", "--offline") // the default, as presign would pick it

	s.ok("", "profile", "default", "temp")
	if list = s.ok("", "profile", "list"); !strings.Contains(list, "* ") || lineWith(list, "temp")[0] != '*' {
		t.Errorf("temp is not marked default:\n%s", list)
	}

	s.ok(secret+"-3\n", "profile", "rotate", "work", "--access-key-id", "TESTKYCliRotated00zzzz")
	if list = s.ok("", "profile", "list"); !strings.Contains(list, "TEST****zzzz") {
		t.Errorf("rotate did not change the key id:\n%s", list)
	}

	code, _, stderr = s.run("", "profile", "rename", "work", "temp")
	if code != ExitInvalid || stderr != "error: A profile \"temp\" already exists, so \"work\" cannot take its name.\n"+
		"hint: Choose another name, or remove the other profile first with 'ossdrop profile remove temp'.\n" {
		t.Errorf("rename onto a taken name: exit %d %q", code, stderr)
	}
	s.ok("", "profile", "rename", "work", "job")
	s.ok("", "profile", "remove", "job")
	if code, _, stderr = s.run("", "profile", "show", "job"); code != ExitInvalid || !strings.Contains(stderr, `There is no profile "job".`) {
		t.Errorf("show removed: exit %d %q", code, stderr)
	}
	if _, err := keyring.Get(credentials.Service, "job/secret"); !errors.Is(err, keyring.ErrNotFound) {
		t.Errorf("keychain item survived remove: %v", err)
	}
	assertNoLeak(t, s.output.String(), secret, token)
}

// lineWith returns the first line of text containing s.
func lineWith(text, s string) string {
	for _, l := range strings.Split(text, "\n") {
		if strings.Contains(l, s) {
			return l
		}
	}
	return ""
}

func TestProfileExpiredSTS(t *testing.T) {
	mockKeyring(t)
	s := newSession(t)
	s.ok("secret\ntoken\n", "profile", "add", "temp", "--access-key-id", testSTSKeyID, "--region", "cn-hangzhou", "--sts", "--sts-expires", "1h")
	s.now = s.now.Add(2 * time.Hour)

	if list := s.ok("", "profile", "list"); !strings.Contains(lineWith(list, "temp"), "EXPIRED") {
		t.Errorf("list does not mark the expired token:\n%s", list)
	}
	code, _, stderr := s.run("", "profile", "test", "temp")
	if code != ExitFailed || !strings.Contains(stderr, "expired at") || !strings.Contains(stderr, "ossdrop profile rotate temp") {
		t.Errorf("test of an expired profile: exit %d %q", code, stderr)
	}
	code, _, stderr = s.run("secret\nnew-token\n", "profile", "rotate", "temp")
	if code != ExitInvalid || !strings.Contains(stderr, "--sts-expires") {
		t.Errorf("rotate without a new expiry: exit %d %q", code, stderr)
	}
	s.ok("secret\nnew-token\n", "profile", "rotate", "temp", "--access-key-id", "STS.NCliTestRenewed0001", "--sts-expires", "1h")
	s.ok("", "profile", "test", "temp")
}

func TestProfileSecretMissing(t *testing.T) {
	mockKeyring(t)
	s := newSession(t)
	s.ok("secret\n", "profile", "add", "work", "--access-key-id", testKeyID, "--region", "cn-hangzhou")
	if err := keyring.Delete(credentials.Service, "work/secret"); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := s.run("", "profile", "test", "work")
	want := "error: The AccessKey secret of profile \"work\" is no longer in the OS keychain.\nhint: Enter it again with 'ossdrop profile rotate work'.\n"
	if code != ExitFailed || stderr != want {
		t.Errorf("test: exit %d\n%s\nwant\n%s", code, stderr, want)
	}
	if show := s.ok("", "profile", "show", "work"); !strings.Contains(show, "no longer in the OS keychain") {
		t.Errorf("show does not report the missing secret:\n%s", show)
	}
	s.ok("secret\n", "profile", "rotate", "work")
	s.ok("", "profile", "test", "work")
}

func TestProfileKeychainError(t *testing.T) {
	mockKeyring(t)
	home := profileHome(t)
	credentials.MockInitWithError(errors.New("The name org.freedesktop.secrets was not provided by any .service files"))
	t.Cleanup(credentials.MockInit)
	s := newSession(t)
	secret := "s3cr3t-LEAK-CANARY-nokc"
	code, _, stderr := s.run(secret+"\n", "profile", "add", "work", "--access-key-id", testKeyID, "--region", "cn-hangzhou")
	if code != ExitFailed || !strings.Contains(stderr, "error: The OS keychain cannot be reached") ||
		!strings.Contains(stderr, "hint: ") || !strings.Contains(stderr, "or set OSS_ACCESS_KEY_ID and OSS_ACCESS_KEY_SECRET") {
		t.Errorf("add without keychain: exit %d %q", code, stderr)
	}
	if out := s.ok("", "profile", "list"); !strings.Contains(out, "No profiles yet") {
		t.Errorf("a profile was saved: %q", out)
	}
	// The environment is the documented way out, and still works.
	s.vars = map[string]string{envAccessKeyID: testKeyID, envAccessKeySecret: secret}
	s.ok("", "profile", "test")
	assertNoLeak(t, s.output.String(), secret)
	assertNoLeakInDir(t, home, secret)
}

func TestResolve(t *testing.T) {
	mockKeyring(t)
	s := newSession(t)
	s.ok("work-secret\n", "profile", "add", "work", "--access-key-id", testKeyID, "--region", "cn-hangzhou", "--bucket", "uploads")
	s.ok("sandbox-secret\n", "profile", "add", "sandbox", "--access-key-id", "TESTKYSandbox0000beef", "--region", "cn-shanghai",
		"--endpoint", "http://127.0.0.1:9000", "--path-style", "--bucket", "demo")
	envVars := map[string]string{envAccessKeyID: "TESTKYFromEnv0000cafe", envAccessKeySecret: "env-secret"}

	tests := []struct {
		name    string
		profile string
		vars    map[string]string
		req     signing.Request // flags already given
		want    signing.Request // fields compared: region, endpoint, bucket, path style, key id
		secret  string
		errText string
	}{
		{name: "default profile", want: signing.Request{Region: "cn-hangzhou", Bucket: "uploads", Credentials: signing.Credentials{AccessKeyID: testKeyID}}, secret: "work-secret"},
		{name: "named profile", profile: "sandbox",
			want:   signing.Request{Region: "cn-shanghai", EndpointKind: signing.EndpointCustom, Endpoint: "http://127.0.0.1:9000", PathStyle: true, Bucket: "demo", Credentials: signing.Credentials{AccessKeyID: "TESTKYSandbox0000beef"}},
			secret: "sandbox-secret"},
		{name: "flags win", profile: "sandbox", req: signing.Request{Region: "cn-beijing", Bucket: "mine", EndpointKind: signing.EndpointInternal},
			want:   signing.Request{Region: "cn-beijing", EndpointKind: signing.EndpointInternal, PathStyle: true, Bucket: "mine", Credentials: signing.Credentials{AccessKeyID: "TESTKYSandbox0000beef"}},
			secret: "sandbox-secret"},
		{name: "environment beats the default", vars: envVars, req: signing.Request{Region: "cn-beijing"},
			want: signing.Request{Region: "cn-beijing", Credentials: signing.Credentials{AccessKeyID: "TESTKYFromEnv0000cafe"}}, secret: "env-secret"},
		{name: "--profile beats the environment", profile: "work", vars: envVars,
			want: signing.Request{Region: "cn-hangzhou", Bucket: "uploads", Credentials: signing.Credentials{AccessKeyID: testKeyID}}, secret: "work-secret"},
		{name: "--profile environment", profile: "environment", vars: envVars,
			want: signing.Request{Credentials: signing.Credentials{AccessKeyID: "TESTKYFromEnv0000cafe"}}, secret: "env-secret"},
		{name: "--profile environment unset", profile: "environment", errText: "OSS_ACCESS_KEY_ID, which is not set"},
		{name: "environment without secret", vars: map[string]string{envAccessKeyID: "TESTKYFromEnv0000cafe"}, errText: "OSS_ACCESS_KEY_SECRET is empty"},
		{name: "unknown profile", profile: "nope", errText: `there is no profile "nope"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vars := tt.vars
			env := &Env{Getenv: func(k string) string { return vars[k] }, Now: time.Now}
			req := tt.req
			err := (&credentialFlags{profile: tt.profile}).resolve(env, &req)
			if tt.errText != "" {
				if err == nil || !strings.Contains(err.Error(), tt.errText) {
					t.Fatalf("resolve error = %v, want %q", err, tt.errText)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := signing.Request{Region: req.Region, EndpointKind: req.EndpointKind, Endpoint: req.Endpoint, PathStyle: req.PathStyle,
				Bucket: req.Bucket, Credentials: signing.Credentials{AccessKeyID: req.Credentials.AccessKeyID}}
			if got.Region != tt.want.Region || got.EndpointKind != tt.want.EndpointKind || got.Endpoint != tt.want.Endpoint ||
				got.PathStyle != tt.want.PathStyle || got.Bucket != tt.want.Bucket || got.Credentials != tt.want.Credentials {
				t.Errorf("resolved %+v\nwant     %+v", got, tt.want)
			}
			if req.Credentials.AccessKeySecret != tt.secret {
				t.Errorf("resolved the wrong secret")
			}
		})
	}

	t.Run("no credentials at all", func(t *testing.T) {
		profileHome(t) // an empty config dir
		err := (&credentialFlags{}).resolve(&Env{Getenv: func(string) string { return "" }, Now: time.Now}, &signing.Request{})
		if !errors.Is(err, credentials.ErrNoDefault) || !strings.Contains(err.Error(), "ossdrop profile add NAME") ||
			!strings.Contains(err.Error(), "OSS_ACCESS_KEY_SECRET") {
			t.Errorf("resolve with nothing = %v", err)
		}
	})
}

func TestProfileHelp(t *testing.T) {
	mockKeyring(t)
	s := newSession(t)
	out := s.ok("", "profile", "--help")
	for _, want := range []string{"--profile NAME", "OSS_ACCESS_KEY_ID", "the default profile", "rotate", "never from a flag"} {
		if !strings.Contains(out, want) {
			t.Errorf("profile --help lacks %q", want)
		}
	}
}

func TestProfileLeak(t *testing.T) {
	home := mockKeyring(t)
	leakSession(t, home)
}

// leakSession drives every profile command and a presign with recognisable
// secrets, then looks for them in everything the session printed and every
// file under dirs.
func leakSession(t *testing.T, dirs ...string) {
	t.Helper()
	suffix := time.Now().Format("150405.000000000")
	secret := "s3cr3t-LEAK-CANARY-" + suffix
	stsSecret := "s3cr3t-LEAK-CANARY-sts-" + suffix
	token := "t0k3n-LEAK-CANARY-" + suffix
	work, temp := "leak-"+strings.ReplaceAll(suffix, ".", ""), "leaksts-"+strings.ReplaceAll(suffix, ".", "")
	s := newSession(t)
	t.Cleanup(func() { s.run("", "profile", "remove", work); s.run("", "profile", "remove", temp) })

	s.ok(secret+"\n", "profile", "add", work, "--access-key-id", testKeyID, "--region", "cn-hangzhou", "--bucket", "uploads")
	s.ok(stsSecret+"\n"+token+"\n", "profile", "add", temp, "--access-key-id", testSTSKeyID, "--region", "cn-hangzhou",
		"--sts", "--sts-expires", "2h", "--bucket", "uploads")
	s.ok("", "profile", "list")
	s.ok("", "profile", "show", work)
	s.ok("", "profile", "show", temp)
	s.ok("", "profile", "test", "--offline", work)
	s.ok("", "profile", "test", "--offline", temp)
	presign := s.ok("", "presign", "--profile", work, "--key", "leak/a.txt", "--expires", "10m")
	if !strings.Contains(presign, "x-oss-signature=") {
		t.Fatalf("presign printed no link:\n%s", presign)
	}
	s.ok("", "presign", "--profile", work, "--key", "leak/b.txt", "--json")
	s.ok(secret+"-rotated\n", "profile", "rotate", work)
	s.ok("", "profile", "default", temp)

	// A link signed with STS credentials carries the token by design
	// (x-oss-security-token); that occurrence is the only one allowed.
	stsLink := s.ok("", "presign", "--profile", temp, "--key", "leak/c.txt")
	if !strings.Contains(stsLink, "x-oss-security-token="+url.QueryEscape(token)) {
		t.Fatalf("the STS link lacks its token:\n%s", stsLink)
	}
	printed := strings.ReplaceAll(s.output.String(), "x-oss-security-token="+url.QueryEscape(token), "x-oss-security-token=TOKEN")

	assertNoLeak(t, printed, secret, stsSecret, token)
	for _, dir := range dirs {
		assertNoLeakInDir(t, dir, secret, stsSecret, token)
	}
	store, _ := credentials.OpenDefault()
	if err := privatefile.Check(store.Path()); err != nil {
		t.Errorf("profiles file: %v", err)
	}
	s.ok("", "profile", "remove", work)
	s.ok("", "profile", "remove", temp)
}

func assertNoLeak(t *testing.T, text string, secrets ...string) {
	t.Helper()
	for _, s := range secrets {
		if strings.Contains(text, s) {
			t.Errorf("output contains the secret %q:\n%s", s, text)
		}
	}
}

func assertNoLeakInDir(t *testing.T, dir string, secrets ...string) {
	t.Helper()
	if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
		return // nothing was ever written there
	}
	n := 0
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.Type().IsRegular() {
			return nil
		}
		n++
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, s := range secrets {
			if bytes.Contains(data, []byte(s)) {
				t.Errorf("%s contains the secret %q", path, s)
			}
		}
		return nil
	})
	if err != nil {
		t.Errorf("walk %s: %v", dir, err)
	}
	t.Logf("checked %d files under %s", n, dir)
}

// The tests below need a real Secret Service, or its proven absence; see
// app/credentials/keyring_test.go and the Makefile for how they are run.

func TestKeyringCLIRoundTrip(t *testing.T) {
	if os.Getenv(envRealKeyring) != "1" {
		t.Skip("set " + envRealKeyring + "=1 inside dbus-run-session with gnome-keyring unlocked")
	}
	profileHome(t)
	s := newSession(t)
	name := "cli" + time.Now().Format("150405000000")
	secret := "s3cr3t-LEAK-CANARY-cli-" + name
	t.Cleanup(func() { s.run("", "profile", "remove", name) })

	s.ok(secret+"\n", "profile", "add", name, "--access-key-id", testKeyID, "--region", "cn-hangzhou", "--bucket", "uploads")
	if got := secretToolLookup(t, name+"/secret"); got != secret {
		t.Errorf("the Secret Service holds %d other bytes", len(got))
	}
	if list := s.ok("", "profile", "list"); !strings.Contains(lineWith(list, name), "TEST****abcd") {
		t.Errorf("list:\n%s", list)
	}
	if link := s.ok("", "presign", "--profile", name, "--key", "keyring/cli.txt"); !strings.Contains(link, "uploads.oss-cn-hangzhou.aliyuncs.com") {
		t.Errorf("presign:\n%s", link)
	}
	s.ok(secret+"-rotated\n", "profile", "rotate", name)
	if got := secretToolLookup(t, name+"/secret"); got != secret+"-rotated" {
		t.Errorf("rotate left %d other bytes in the Secret Service", len(got))
	}
	s.ok("", "profile", "test", "--offline", name)
	s.ok("", "profile", "remove", name)
	if got := secretToolLookup(t, name+"/secret"); got != "" {
		t.Errorf("remove left the item in the Secret Service")
	}
	assertNoLeak(t, s.output.String(), secret, secret+"-rotated")
}

// secretToolLookup reads an ossdrop item with libsecret's secret-tool, not
// go-keyring, so the check does not trust the code under test.
func secretToolLookup(t *testing.T, user string) string {
	t.Helper()
	path, err := exec.LookPath("secret-tool")
	if err != nil {
		t.Skip("secret-tool (libsecret-tools) is not installed")
	}
	out, _ := exec.Command(path, "lookup", "service", credentials.Service, "username", user).Output()
	return string(out)
}

func TestKeyringLeak(t *testing.T) {
	if os.Getenv(envRealKeyring) != "1" {
		t.Skip("set " + envRealKeyring + "=1 inside dbus-run-session with gnome-keyring unlocked")
	}
	// The keyring daemon's own files (login.keyring) live in the caller's
	// XDG dirs; scan them too when they are throw-away temp dirs.
	dirs := []string{}
	for _, v := range []string{"XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_RUNTIME_DIR", "HOME"} {
		if d := os.Getenv(v); d != "" && strings.HasPrefix(d, os.TempDir()+"/") {
			dirs = append(dirs, d)
		}
	}
	if len(dirs) == 0 {
		t.Log("the keyring's dirs are not temp dirs: scanning only the test's own")
	}
	dirs = append(dirs, profileHome(t))
	leakSession(t, dirs...)
}

func TestKeyringCLIUnavailable(t *testing.T) {
	if os.Getenv(envNoKeyring) != "1" {
		t.Skip("set " + envNoKeyring + "=1 with DBUS_SESSION_BUS_ADDRESS pointing nowhere")
	}
	home := profileHome(t)
	s := newSession(t)
	secret := "s3cr3t-LEAK-CANARY-nokeyring-cli"

	code, _, stderr := s.run(secret+"\n", "profile", "add", "work", "--access-key-id", testKeyID, "--region", "cn-hangzhou")
	t.Logf("profile add without a keychain:\n%s", stderr)
	for _, want := range []string{"error: The OS keychain cannot be reached", "never keeps secrets in a file",
		"hint: Start and unlock a Secret Service (gnome-keyring-daemon", "KeePassXC", "set OSS_ACCESS_KEY_ID and OSS_ACCESS_KEY_SECRET"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q", want)
		}
	}
	if code != ExitFailed {
		t.Errorf("exit %d, want %d", code, ExitFailed)
	}
	if out := s.ok("", "profile", "list"); !strings.Contains(out, "No profiles yet") {
		t.Errorf("a profile was saved without its secret:\n%s", out)
	}

	// A profile stored earlier, when a keychain was running.
	store, err := credentials.OpenDefault()
	if err != nil {
		t.Fatal(err)
	}
	earlier := credentials.NewStore(filepath.Dir(store.Path()), fakeKeychain{})
	if err := earlier.Add(credentials.Profile{Name: "old", AccessKeyID: testKeyID, Kind: credentials.KindPermanent, Region: "cn-hangzhou"},
		credentials.Secrets{AccessKeySecret: "in-a-keychain-not-here"}); err != nil {
		t.Fatal(err)
	}
	code, _, stderr = s.run("", "presign", "--key", "k.txt")
	if code == ExitOK || !strings.Contains(stderr, "OS keychain cannot be reached") {
		t.Errorf("presign with the default profile and no keychain: exit %d %q", code, stderr)
	}
	if show := s.ok("", "profile", "show", "old"); !strings.Contains(show, "cannot be reached") {
		t.Errorf("show:\n%s", show)
	}

	// The way out the hint names.
	s.vars = map[string]string{envAccessKeyID: testKeyID, envAccessKeySecret: secret}
	if out := s.ok("", "presign", "--region", "cn-hangzhou", "--bucket", "uploads", "--key", "k.txt"); !strings.Contains(out, "x-oss-signature=") {
		t.Errorf("presign from the environment:\n%s", out)
	}
	assertNoLeak(t, s.output.String(), secret)
	assertNoLeakInDir(t, home, secret)
}

// fakeKeychain stands in for a keychain that was there when a profile was
// added.
type fakeKeychain struct{}

func (fakeKeychain) Get(string, string) (string, error) { return "", credentials.ErrItemNotFound }
func (fakeKeychain) Set(string, string, string) error   { return nil }
func (fakeKeychain) Delete(string, string) error        { return nil }

func TestProfileEnvironment(t *testing.T) {
	mockKeyring(t)
	s := newSession(t)
	secret, token := "s3cr3t-LEAK-CANARY-env", "t0k3n-LEAK-CANARY-env"
	s.ok("stored\n", "profile", "add", "work", "--access-key-id", testKeyID, "--region", "cn-hangzhou")
	s.vars = map[string]string{envAccessKeyID: "STS.NFromEnv00000cafe", envAccessKeySecret: secret, envSessionToken: token}

	list := s.ok("", "profile", "list")
	t.Logf("profile list:\n%s", list)
	if row := lineWith(list, "environment"); !strings.Contains(row, "STS.****cafe") || !strings.Contains(row, "from OSS_ACCESS_KEY_ID") {
		t.Errorf("environment row = %q", row)
	}
	show := s.ok("", "profile", "show", "environment")
	if !strings.Contains(show, "set in OSS_ACCESS_KEY_SECRET") || !strings.Contains(show, "set in OSS_SESSION_TOKEN") {
		t.Errorf("show environment:\n%s", show)
	}
	if out := s.ok("", "profile", "default", "work"); !strings.Contains(out, "is set in this shell and is used instead") {
		t.Errorf("default did not warn that the environment wins: %q", out)
	}
	s.ok("", "profile", "test", "environment")
	assertNoLeak(t, s.output.String(), secret, token)
}
