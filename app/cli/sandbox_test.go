package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// lockedBuffer lets the test read what the running command writes.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// runningSandbox starts 'ossdrop sandbox args...' and returns its output
// once it is ready, and a function that stops it (as SIGINT would) and
// returns the exit code.
func runningSandbox(t *testing.T, stdin string, args ...string) (stdout, stderr *lockedBuffer, stop func() int) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	saved := sandboxSignals
	sandboxSignals = func() (context.Context, context.CancelFunc) { return ctx, cancel }
	t.Cleanup(func() { sandboxSignals = saved; cancel() })

	stdout, stderr = &lockedBuffer{}, &lockedBuffer{}
	env := &Env{Stdin: strings.NewReader(stdin), Stdout: stdout, Stderr: stderr, Getenv: func(string) string { return "" }, Now: time.Now}
	done := make(chan int, 1)
	go func() { done <- Run(append([]string{"sandbox"}, args...), env) }()
	deadline := time.After(5 * time.Second)
	for !strings.Contains(stdout.String(), "Press Ctrl+C") {
		select {
		case code := <-done:
			t.Fatalf("sandbox exited with %d before it was ready:\n%s%s", code, stdout, stderr)
		case <-deadline:
			t.Fatalf("sandbox not ready:\n%s%s", stdout, stderr)
		case <-time.After(5 * time.Millisecond):
		}
	}
	return stdout, stderr, func() int {
		cancel()
		select {
		case code := <-done:
			return code
		case <-time.After(5 * time.Second):
			t.Fatal("sandbox did not stop")
			return -1
		}
	}
}

func field(t *testing.T, text, label string) string {
	t.Helper()
	m := regexp.MustCompile(`(?m)^\s*` + regexp.QuoteMeta(label) + `:\s+(\S+)$`).FindStringSubmatch(text)
	if m == nil {
		t.Fatalf("no %q in output:\n%s", label, text)
	}
	return m[1]
}

// TestSandboxCommand runs the sandbox with a generated key, follows the
// printed example (presign through the CLI), uploads, and stops it.
func TestSandboxCommand(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "objects")
	stdout, stderr, stop := runningSandbox(t, "", "--addr", "127.0.0.1:0", "--dir", dir)
	out := stdout.String()
	endpoint, id, secret := field(t, out, "Endpoint"), field(t, out, "AccessKey ID"), field(t, out, "AccessKey secret")
	if !strings.HasPrefix(endpoint, "http://127.0.0.1:") || strings.HasSuffix(endpoint, ":0") {
		t.Errorf("endpoint %q", endpoint)
	}
	if !strings.HasPrefix(id, "SANDBOX") || regexp.MustCompile(`LTAI[A-Za-z0-9]{12}`).MatchString(id) || len(secret) < 30 {
		t.Errorf("generated pair %q / %d chars", id, len(secret))
	}
	example := "OSS_ACCESS_KEY_ID=" + id + " OSS_ACCESS_KEY_SECRET=" + secret + " ossdrop presign --endpoint " + endpoint + " --region cn-hangzhou --bucket demo --key hello.txt"
	if !strings.Contains(out, example) {
		t.Errorf("no ready example %q in:\n%s", example, out)
	}
	if !strings.Contains(out, dir) || !strings.Contains(out, "throwaway") {
		t.Errorf("output lacks the directory or the throwaway note:\n%s", out)
	}

	// Follow the example: presign with the printed pair, then upload.
	var presignOut, presignErr bytes.Buffer
	env := &Env{Stdin: strings.NewReader(""), Stdout: &presignOut, Stderr: &presignErr, Now: time.Now,
		Getenv: func(name string) string {
			return map[string]string{envAccessKeyID: id, envAccessKeySecret: secret}[name]
		}}
	args := append(strings.Fields(example)[2:], "--json")
	if code := Run(args[1:], env); code != ExitOK {
		t.Fatalf("presign exit %d: %s", code, presignErr.String())
	}
	var link presignOutput
	if err := json.Unmarshal(presignOut.Bytes(), &link); err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(link.Method, link.URL, strings.NewReader("hello"))
	for name, value := range link.Headers {
		req.Header.Set(name, value)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("upload to the sandbox: %d", resp.StatusCode)
	}

	if code := stop(); code != ExitOK {
		t.Fatalf("exit %d:\n%s", code, stderr)
	}
	logs := stderr.String()
	if !strings.Contains(logs, "sandbox request") || !strings.Contains(logs, "key=hello.txt") || !strings.Contains(logs, "status=200") {
		t.Errorf("no request log line:\n%s", logs)
	}
	if strings.Contains(logs, secret) || strings.Contains(logs, "x-oss-signature") {
		t.Errorf("log leaks the secret or signature:\n%s", logs)
	}
}

func TestSandboxCommandOwnKey(t *testing.T) {
	stdout, _, stop := runningSandbox(t, testSecret+"\n", "--addr", "127.0.0.1:0", "--dir", t.TempDir(),
		"--access-key-id", "SANDBOXMINE", "--access-key-secret-stdin")
	out := stdout.String()
	if field(t, out, "AccessKey ID") != "SANDBOXMINE" {
		t.Errorf("ID not used:\n%s", out)
	}
	if strings.Contains(out, testSecret) || strings.Contains(out, "AccessKey secret:") {
		t.Errorf("the user's own secret was printed:\n%s", out)
	}
	if code := stop(); code != ExitOK {
		t.Errorf("exit %d", code)
	}
}

func TestSandboxCommandInvalid(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name  string
		stdin string
		args  []string
		want  string
	}{
		{name: "public address", args: []string{"--addr", "0.0.0.0:9000", "--dir", dir}, want: "--public"},
		{name: "lan address", args: []string{"--addr", "192.168.0.10:9000", "--dir", dir}, want: "reachable from other machines"},
		{name: "no port", args: []string{"--addr", "nohost", "--dir", dir},
			want: "error: --addr nohost is not a valid address: it has no port.\nhint: Write a host:port, such as 127.0.0.1:9000 (port 0 picks a free one).\n"},
		// Invalid addresses are called invalid, not reachable from other machines.
		{name: "no IP address", args: []string{"--addr", "999.1.1.1:1", "--dir", dir},
			want: "error: --addr 999.1.1.1:1 is not a valid address: 999.1.1.1 is not an IPv4 address, which is four numbers from 0 to 255 without leading zeros.\nhint: Write a host:port, such as 127.0.0.1:9000"},
		{name: "port too high", args: []string{"--addr", "localhost:99999", "--dir", dir},
			want: "error: --addr localhost:99999 is not a valid address: the port 99999 is above 65535.\nhint: Write a host:port"},
		{name: "port not a number", args: []string{"--addr", ":abc", "--dir", dir},
			want: "error: --addr :abc is not a valid address: the port \"abc\" is not a number.\nhint: Write a host:port"},
		{name: "invalid even with --public", args: []string{"--addr", "999.1.1.1:1", "--public", "--dir", dir}, want: "is not a valid address"},
		{name: "id without secret", args: []string{"--access-key-id", "SANDBOXX", "--dir", dir}, want: "--access-key-secret-stdin"},
		{name: "secret without id", args: []string{"--access-key-secret-stdin", "--dir", dir}, want: "needs --access-key-id"},
		{name: "empty secret", stdin: "\n", args: []string{"--addr", "127.0.0.1:0", "--access-key-id", "SANDBOXX", "--access-key-secret-stdin", "--dir", dir}, want: "empty"},
		{name: "argument", args: []string{"extra"}, want: "Unexpected argument"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			env := &Env{Stdin: strings.NewReader(tc.stdin), Stdout: &out, Stderr: &errOut, Getenv: func(string) string { return "" }, Now: time.Now}
			code := Run(append([]string{"sandbox"}, tc.args...), env)
			if code != ExitInvalid || !strings.Contains(errOut.String(), tc.want) || !strings.HasPrefix(errOut.String(), "error: ") {
				t.Errorf("exit %d, stderr %q; want %d mentioning %q", code, errOut.String(), ExitInvalid, tc.want)
			}
		})
	}
}

// TestSandboxIPv6Loopback: [::1] is loopback, so the sandbox listens there
// without --public, and says where.
func TestSandboxIPv6Loopback(t *testing.T) {
	if ln, err := net.Listen("tcp", "[::1]:0"); err != nil {
		t.Skipf("this machine has no IPv6 loopback: %v", err)
	} else {
		ln.Close()
	}
	stdout, stderr, stop := runningSandbox(t, "", "--addr", "[::1]:0", "--dir", t.TempDir())
	if endpoint := field(t, stdout.String(), "Endpoint"); !strings.HasPrefix(endpoint, "http://[::1]:") || strings.HasSuffix(endpoint, ":0") {
		t.Errorf("endpoint %q\n%s", endpoint, stderr.String())
	}
	if code := stop(); code != ExitOK {
		t.Errorf("exit %d", code)
	}
}

// TestSandboxAddressInUse: a port another program holds is one sentence
// that says so and suggests another address, not Go's "listen tcp …".
func TestSandboxAddressInUse(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	addr := ln.Addr().String()
	_, port, _ := net.SplitHostPort(addr)
	next, _ := strconv.Atoi(port)
	var out, errOut bytes.Buffer
	env := &Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errOut, Getenv: func(string) string { return "" }, Now: time.Now}
	code := Run([]string{"sandbox", "--addr", addr, "--dir", t.TempDir()}, env)
	want := "error: Another program is already listening on " + addr + ".\nhint: Stop it, or choose another address with --addr, such as 127.0.0.1:" + strconv.Itoa(next+1)
	if code != ExitFailed || !strings.HasPrefix(errOut.String(), want) || strings.Contains(errOut.String(), "listen tcp") {
		t.Errorf("exit %d, stderr %q; want %q…", code, errOut.String(), want)
	}
}
