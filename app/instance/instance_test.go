package instance

import (
	"bufio"
	"encoding/json"
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ossdrop/ossdrop/app/filelock"
)

// serve runs p.Serve in the background and hands each request to the
// returned channel.
func serve(t *testing.T, p *Primary) <-chan Request {
	t.Helper()
	got := make(chan Request, 10)
	go p.Serve(func(r Request) { got <- r })
	t.Cleanup(func() { p.Close() })
	return got
}

// TestSecondStartHandsOver: the first start is the instance; a second one
// hands its link and every file (made absolute, in order) to it and is
// told so; after the first closes, the next start is the instance again.
func TestSecondStartHandsOver(t *testing.T) {
	dir := t.TempDir()
	first, err := Claim(dir, Request{})
	if err != nil {
		t.Fatal(err)
	}
	got := serve(t, first)
	if data, err := os.ReadFile(filepath.Join(dir, InfoFile)); err != nil || !strings.Contains(string(data), first.Addr()) {
		t.Fatalf("info file %q, %v", data, err)
	}

	const link = "https://demo.oss-cn-hangzhou.aliyuncs.com/in/q3.pdf?x-oss-signature=abc#ossdrop=1&method=PUT"
	abs := filepath.Join(t.TempDir(), "notes.txt")
	second, err := Claim(dir, Request{Link: link, Files: []string{"q3.pdf", abs, "scans"}, Sandbox: true})
	if !errors.Is(err, ErrHandedOff) || second != nil {
		t.Fatalf("second start: %v, %v", second, err)
	}
	wd, _ := os.Getwd()
	want := []string{filepath.Join(wd, "q3.pdf"), abs, filepath.Join(wd, "scans")}
	if r := <-got; r.Link != link || !slices.Equal(r.Paths(), want) || r.File != want[0] || !r.Sandbox {
		t.Fatalf("handed over %+v", r)
	}

	first.Close()
	if _, err := os.Stat(filepath.Join(dir, InfoFile)); !os.IsNotExist(err) {
		t.Errorf("the info file outlives the instance: %v", err)
	}
	third, err := Claim(dir, Request{})
	if err != nil {
		t.Fatalf("a start after the instance closed: %v", err)
	}
	third.Close()
}

// TestImpostorGetsNoLink: the instance holds the lock, but its info file
// names a port another program took (an instance was killed and a new one
// has not written its own yet). That program cannot prove the token: the
// start gives up with a sentence and never sends it the link.
func TestImpostorGetsNoLink(t *testing.T) {
	handOverTimeout = 300 * time.Millisecond
	t.Cleanup(func() { handOverTimeout = 5 * time.Second })
	dir := t.TempDir()
	lock, err := os.OpenFile(filepath.Join(dir, LockFile), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Close()
	if held, err := filelock.TryLock(lock); !held || err != nil {
		t.Fatalf("lock: %v %v", held, err)
	}
	impostor, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer impostor.Close()
	heard := make(chan string, 100)
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		for {
			conn, err := impostor.Accept()
			if err != nil {
				return
			}
			r := bufio.NewReader(conn)
			line, _ := r.ReadString('\n')
			heard <- line
			conn.Write([]byte(`{"proof":"00"}` + "\n"))
			line, _ = r.ReadString('\n')
			heard <- line
			conn.Close()
		}
	}()
	stale, _ := json.Marshal(info{PID: 4242, Addr: impostor.Addr().String(), Token: "stale-token"})
	if err := os.WriteFile(filepath.Join(dir, InfoFile), stale, 0o600); err != nil {
		t.Fatal(err)
	}
	const link = "https://demo.oss-cn-hangzhou.aliyuncs.com/secret-key?x-oss-signature=abc"
	_, err = Claim(dir, Request{Link: link})
	if !errors.Is(err, ErrNotAnswering) || !strings.Contains(err.Error(), "process 4242") || !strings.Contains(err.Error(), "is not OSS Drop") {
		t.Fatalf("Claim: %v", err)
	}
	impostor.Close()
	<-stopped
	close(heard)
	for line := range heard {
		if strings.Contains(line, "secret-key") || strings.Contains(line, "stale-token") {
			t.Fatalf("the impostor heard %q", line)
		}
	}
}

// exchange talks to p as a later start would, with lines of its own.
func exchange(t *testing.T, p *Primary, lines ...string) []string {
	t.Helper()
	conn, err := net.Dial("tcp", p.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(5 * time.Second))
	r := bufio.NewReader(conn)
	var answers []string
	for _, l := range lines {
		if _, err := conn.Write([]byte(l)); err != nil {
			break
		}
		a, err := r.ReadString('\n')
		if err != nil {
			break
		}
		answers = append(answers, a)
	}
	return answers
}

// TestRefusedRequests: no nonce, a wrong token, garbage or a request over
// the size limit are answered with a refusal and never reach the app.
func TestRefusedRequests(t *testing.T) {
	p, err := Claim(t.TempDir(), Request{})
	if err != nil {
		t.Fatal(err)
	}
	got := serve(t, p)
	nonce := `{"nonce":"` + strings.Repeat("ab", 16) + `"}` + "\n"
	for _, tt := range []struct {
		name  string
		lines []string
		says  string
	}{
		{"no nonce", []string{`{"token":"x"}` + "\n"}, "expected a nonce"},
		{"wrong token", []string{nonce, `{"token":"guessed","request":{"link":"x"}}` + "\n"}, "wrong token"},
		{"not JSON", []string{nonce, "link please\n"}, "not JSON"},
		{"too long", []string{nonce, `{"token":"` + strings.Repeat("x", maxMessage) + "\n"}, "incomplete or too long"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			answers := exchange(t, p, tt.lines...)
			if tt.name == "too long" && len(answers) == 1 {
				return // the refusal may come as a reset: the instance stopped reading
			}
			if len(answers) == 0 || !strings.Contains(answers[len(answers)-1], tt.says) {
				t.Errorf("answers %q, want one saying %q", answers, tt.says)
			}
		})
	}
	select {
	case r := <-got:
		t.Fatalf("a refused request reached the app: %+v", r)
	default:
	}
}

// FuzzHandOver: whatever a peer sends, the instance neither fails nor
// passes on a request without the token.
func FuzzHandOver(f *testing.F) {
	f.Add([]byte(`{"nonce":"abababababababababababababababab"}` + "\n" + `{"token":"x","request":{"link":"l"}}` + "\n"))
	f.Add([]byte("\n\n"))
	f.Add([]byte(`{"nonce":1}`))
	p, err := Claim(f.TempDir(), Request{})
	if err != nil {
		f.Fatal(err)
	}
	defer p.Close()
	f.Fuzz(func(t *testing.T, data []byte) {
		client, server := net.Pipe()
		go io.Copy(io.Discard, client) // the answers
		go func() {
			client.Write(data)
			client.Close()
		}()
		if req, ok := p.receive(server); ok {
			t.Fatalf("accepted %+v without the token", req)
		}
	})
}

// TestOlderAndNewerStarts: the request on the wire between a start and a
// window of another OSS Drop version. An older window reads only "file":
// it gets the first file of a newer start (and ignores "files"); a newer
// window reads an older start's one file.
func TestOlderAndNewerStarts(t *testing.T) {
	tests := []struct {
		name string
		wire string
		want []string
	}{
		{"newer start", `{"link":"L","files":["/a","/b"],"file":"/a"}`, []string{"/a", "/b"}},
		{"older start", `{"link":"L","file":"/a"}`, []string{"/a"}},
		{"no file", `{"link":"L"}`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var r Request
			if err := json.Unmarshal([]byte(tt.wire), &r); err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(r.Paths(), tt.want) || r.Link != "L" {
				t.Errorf("%s read as %+v, paths %q", tt.wire, r, r.Paths())
			}
		})
	}
	// What a newer start sends, as an older window's Request reads it.
	b, _ := json.Marshal(message{Token: "t", Request: Request{Link: "L", Files: []string{"/a", "/b"}, File: "/a"}})
	var older struct {
		Token   string `json:"token"`
		Request struct {
			Link    string `json:"link,omitempty"`
			File    string `json:"file,omitempty"`
			Sandbox bool   `json:"sandbox,omitempty"`
		} `json:"request"`
	}
	if err := json.Unmarshal(b, &older); err != nil || older.Request.Link != "L" || older.Request.File != "/a" {
		t.Errorf("an older window reads %s as %+v, %v", b, older, err)
	}
}
