// Package instance keeps the desktop app to one running instance per user.
// Two windows on the same preferences, profiles and history would each
// rewrite what the other just wrote (Fyne read a half-written preferences
// file as "EOF"), and "ossdrop LINK FILE…" while the app runs should show
// the link and the files in the window the person already has.
//
// The first start claims the instance: an OS lock (app/filelock) on a
// file in the user's config directory, which the kernel releases when the
// process ends, however it ends. It listens on a loopback port and writes
// the port and a random token to a file only its user may read
// (app/privatefile). A later start finds the lock held, reads that file and
// hands its request (the link, the files, --sandbox) over that connection
// with the token, then exits. A local process of another user cannot read
// the token, so it cannot put a link into someone else's window.
//
// The package never imports Fyne: the UI decides what a request does.
package instance

import (
	"bufio"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/ossdrop/ossdrop/app/filelock"
	"github.com/ossdrop/ossdrop/app/privatefile"
)

// File names in the directory Claim is given.
const (
	// LockFile is held (OS lock) by the running instance.
	LockFile = "instance.lock"
	// InfoFile says where the running instance listens, and its token.
	InfoFile = "instance.json"
)

// maxMessage bounds one handed-over request: a link is read up to 1 MiB
// (as the command line reads one from stdin), plus the paths, which are
// no longer than a command line (2 MiB of arguments on Linux, 32 K
// characters on Windows), twice over for JSON's escapes.
const maxMessage = 1<<20 + 4<<20

// handOverTimeout bounds the wait for a running instance that has the lock
// but does not answer yet (it is starting: the info file comes after the
// lock), and one exchange with it.
var handOverTimeout = 5 * time.Second // a variable for tests

// ErrHandedOff says another instance runs and took the request: this
// process has nothing more to do.
var ErrHandedOff = errors.New("handed over to the running OSS Drop")

// ErrNotAnswering says another instance holds the lock but did not take
// the request; the error names its process.
var ErrNotAnswering = errors.New("the running OSS Drop does not answer")

// Request is what a start asks of the running instance.
type Request struct {
	// Link is a link or curl command for the Upload tab.
	Link string `json:"link,omitempty"`
	// Files are the files and folders to upload through it, in the order
	// given: absolute paths, since the running instance has another
	// working directory.
	Files []string `json:"files,omitempty"`
	// File is the first of Files, for a window of an older OSS Drop that
	// reads this one only (and ignores files); Claim sets it.
	File string `json:"file,omitempty"`
	// Sandbox asks for the local sandbox (--sandbox).
	Sandbox bool `json:"sandbox,omitempty"`
}

// Paths are the files and folders a request names: Files, or File from
// an older start that sent one.
func (r Request) Paths() []string {
	if len(r.Files) == 0 && r.File != "" {
		return []string{r.File}
	}
	return r.Files
}

// info is the InfoFile: where the running instance listens.
type info struct {
	PID   int    `json:"pid"`
	Addr  string `json:"addr"`
	Token string `json:"token"`
}

// The exchange, one JSON line each way at a time: the later start sends a
// random nonce (hello), the instance proves that it knows the token
// (proof: an HMAC of the nonce), and only then the start sends the token
// and its request (message). An info file left by an instance that was
// killed may name a port some other program has since taken: that program
// cannot prove the token, and is never sent the link.
type hello struct {
	Nonce string `json:"nonce"`
}

type proof struct {
	Proof string `json:"proof"`
}

// message is one request on the wire.
type message struct {
	Token   string  `json:"token"`
	Request Request `json:"request"`
}

// prove is the instance's answer to a nonce.
func prove(token, nonce string) string {
	mac := hmac.New(sha256.New, []byte(token))
	mac.Write([]byte("ossdrop instance " + nonce))
	return hex.EncodeToString(mac.Sum(nil))
}

// reply is the running instance's answer, one JSON line.
type reply struct {
	OK    bool   `json:"ok"`
	Error string `json:"error,omitempty"`
}

// Primary is this process as the running instance.
type Primary struct {
	lock  *os.File
	ln    net.Listener
	token string
	dir   string

	closeOnce sync.Once
	done      chan struct{}
}

// Claim makes this process the running instance for dir (the user's
// config directory), or hands req to the one already running and returns
// ErrHandedOff. Relative paths are made absolute first.
func Claim(dir string, req Request) (*Primary, error) {
	paths := req.Paths()
	req.Files, req.File = make([]string, len(paths)), ""
	for i, p := range paths {
		req.Files[i] = p
		if abs, err := filepath.Abs(p); err == nil {
			req.Files[i] = abs
		}
	}
	if len(req.Files) > 0 {
		req.File = req.Files[0]
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("claim the instance: %w", err)
	}
	f, err := os.OpenFile(filepath.Join(dir, LockFile), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("claim the instance: %w", err)
	}
	held, err := filelock.TryLock(f)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("claim the instance: %w", err)
	}
	if !held {
		f.Close()
		return nil, handOver(dir, req)
	}
	p, err := listen(dir, f)
	if err != nil {
		filelock.Unlock(f)
		f.Close()
		return nil, err
	}
	return p, nil
}

// listen opens the loopback port and publishes it with a fresh token.
func listen(dir string, lock *os.File) (*Primary, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("claim the instance: %w", err)
	}
	var raw [32]byte
	rand.Read(raw[:]) // never fails since Go 1.24
	p := &Primary{lock: lock, ln: ln, token: hex.EncodeToString(raw[:]), dir: dir, done: make(chan struct{})}
	data, _ := json.Marshal(info{PID: os.Getpid(), Addr: ln.Addr().String(), Token: p.token}) // plain data: cannot fail
	if err := privatefile.Write(filepath.Join(dir, InfoFile), data); err != nil {
		ln.Close()
		return nil, fmt.Errorf("claim the instance: %w", err)
	}
	return p, nil
}

// Addr is where the instance listens (on 127.0.0.1).
func (p *Primary) Addr() string { return p.ln.Addr().String() }

// Serve calls handle with each request a later start hands over, on
// Serve's own goroutine, until Close. A request without the token, or one
// that does not parse, is refused and never reaches handle.
func (p *Primary) Serve(handle func(Request)) {
	for {
		conn, err := p.ln.Accept()
		if err != nil {
			select {
			case <-p.done:
				return
			default:
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				continue
			}
			return
		}
		if req, ok := p.receive(conn); ok {
			handle(req)
		}
	}
}

// receive proves the token to the peer, reads one request and answers it.
func (p *Primary) receive(conn net.Conn) (Request, bool) {
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(handOverTimeout))
	r := bufio.NewReader(&limitedReader{r: conn, n: maxMessage})
	answer := func(v any) {
		b, _ := json.Marshal(v) // plain data: cannot fail
		conn.Write(append(b, '\n'))
	}
	var h hello
	line, err := r.ReadBytes('\n')
	if err != nil || json.Unmarshal(line, &h) != nil || len(h.Nonce) < 32 || len(h.Nonce) > 128 {
		answer(reply{Error: "expected a nonce"})
		return Request{}, false
	}
	answer(proof{Proof: prove(p.token, h.Nonce)})
	var m message
	line, err = r.ReadBytes('\n')
	switch {
	case err != nil:
		answer(reply{Error: "the request is incomplete or too long"})
		return Request{}, false
	case json.Unmarshal(line, &m) != nil:
		answer(reply{Error: "the request is not JSON"})
		return Request{}, false
	case subtle.ConstantTimeCompare([]byte(m.Token), []byte(p.token)) != 1:
		answer(reply{Error: "wrong token"})
		return Request{}, false
	}
	answer(reply{OK: true})
	return m.Request, true
}

// limitedReader reads at most n bytes, then fails: a peer cannot make
// the instance hold more than maxMessage.
type limitedReader struct {
	r net.Conn
	n int
}

func (l *limitedReader) Read(b []byte) (int, error) {
	if l.n <= 0 {
		return 0, errors.New("request too long")
	}
	if len(b) > l.n {
		b = b[:l.n]
	}
	n, err := l.r.Read(b)
	l.n -= n
	return n, err
}

// Close stops listening and gives the instance up: the next start claims it.
func (p *Primary) Close() error {
	p.closeOnce.Do(func() {
		close(p.done)
		p.ln.Close()
		os.Remove(filepath.Join(p.dir, InfoFile))
		filelock.Unlock(p.lock)
		p.lock.Close()
	})
	return nil
}

// handOver gives req to the instance that holds the lock. It may be
// starting (the info file comes after the lock), so it is asked again
// for up to handOverTimeout.
func handOver(dir string, req Request) error {
	deadline := time.Now().Add(handOverTimeout)
	var last error
	pid := 0
	for {
		in, err := readInfo(dir)
		if err == nil {
			pid = in.PID
			if err = send(in, req); err == nil {
				return ErrHandedOff
			}
		}
		last = err
		if time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	who := "another process"
	if pid > 0 {
		who = "process " + strconv.Itoa(pid)
	}
	return fmt.Errorf("%w (%s): %w", ErrNotAnswering, who, last)
}

func readInfo(dir string) (info, error) {
	var in info
	data, err := os.ReadFile(filepath.Join(dir, InfoFile))
	if err != nil {
		return in, err
	}
	if err := json.Unmarshal(data, &in); err != nil {
		return in, fmt.Errorf("%s: %w", InfoFile, err)
	}
	if host, _, err := net.SplitHostPort(in.Addr); err != nil || host != "127.0.0.1" {
		return in, fmt.Errorf("%s: the address %q is not on 127.0.0.1", InfoFile, in.Addr)
	}
	return in, nil
}

// send makes one exchange with the running instance: the request goes
// only to a peer that proved it knows the token.
func send(in info, req Request) error {
	conn, err := net.DialTimeout("tcp", in.Addr, time.Second)
	if err != nil {
		return err
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(handOverTimeout))
	r := bufio.NewReader(conn)
	write := func(v any) error {
		b, _ := json.Marshal(v) // plain data: cannot fail
		_, err := conn.Write(append(b, '\n'))
		return err
	}
	read := func(v any) error {
		line, err := r.ReadBytes('\n')
		if err != nil {
			return err
		}
		return json.Unmarshal(line, v)
	}
	var raw [32]byte
	rand.Read(raw[:]) // never fails since Go 1.24
	nonce := hex.EncodeToString(raw[:])
	var pr proof
	if err := write(hello{Nonce: nonce}); err != nil {
		return err
	}
	if err := read(&pr); err != nil {
		return err
	}
	if !hmac.Equal([]byte(pr.Proof), []byte(prove(in.Token, nonce))) {
		return errors.New("the program at " + in.Addr + " is not OSS Drop")
	}
	if err := write(message{Token: in.Token, Request: req}); err != nil {
		return err
	}
	var rep reply
	if err := read(&rep); err != nil {
		return err
	}
	if !rep.OK {
		return errors.New(rep.Error)
	}
	return nil
}
