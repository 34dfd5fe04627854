package sandbox

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ossdrop/ossdrop/signing"
)

// failAfter bounds how long a test waits for something the server must do
// promptly; reaching it means the server hung, not that it was slow.
const failAfter = 10 * time.Second

// readResponse reads one response from conn, failing the test if none
// comes within failAfter.
func readResponse(t *testing.T, conn net.Conn, br *bufio.Reader) (*http.Response, []byte) {
	t.Helper()
	conn.SetReadDeadline(time.Now().Add(failAfter))
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatalf("no response: %v", err)
	}
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("response body: %v", err)
	}
	return resp, body
}

// waitClosed fails the test unless the server closes conn (EOF or reset)
// within failAfter.
func waitClosed(t *testing.T, conn net.Conn, br *bufio.Reader) {
	t.Helper()
	conn.SetReadDeadline(time.Now().Add(failAfter))
	_, err := io.Copy(io.Discard, br)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		t.Fatal("the server kept the connection open")
	}
}

// dialRaw opens a connection to the sandbox and writes head as it is.
func dialRaw(t *testing.T, env *sandboxEnv, head string) (net.Conn, *bufio.Reader) {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(env.srv.URL(), "http://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	if _, err := io.WriteString(conn, head); err != nil {
		t.Fatal(err)
	}
	return conn, bufio.NewReader(conn)
}

func shortLimits(c *Config) {
	c.HeaderTimeout = 300 * time.Millisecond
	c.BodyStallTimeout = 300 * time.Millisecond
	c.IdleTimeout = 300 * time.Millisecond
}

// TestStalledBodyIsAnswered: a PUT that declares 100 bytes and sends 2 gets
// its 403 at once (the signature is checked on the request head), and the
// connection is dropped once the body has made no progress for the stall
// timeout, signed or not.
func TestStalledBodyIsAnswered(t *testing.T) {
	env := startSandbox(t, shortLimits)
	t.Run("unsigned", func(t *testing.T) {
		conn, br := dialRaw(t, env, "PUT /demo/stalled.bin HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nab")
		resp, body := readResponse(t, conn, br)
		ossError(t, resp, body, http.StatusForbidden, CodeAccessDenied)
		waitClosed(t, conn, br)
	})
	t.Run("signed", func(t *testing.T) {
		link := env.link(t, signing.Request{Key: "stalled-signed.bin"})
		conn := rawRequest(t, env, link, 100)
		br := bufio.NewReader(conn)
		if _, err := io.WriteString(conn, "ab"); err != nil {
			t.Fatal(err)
		}
		resp, body := readResponse(t, conn, br)
		ossError(t, resp, body, http.StatusBadRequest, CodeRequestTimeout)
		waitClosed(t, conn, br)
		if _, err := env.srv.Stat("demo", "stalled-signed.bin"); !errors.Is(err, ErrNotFound) {
			t.Errorf("a stalled upload was stored: %v", err)
		}
	})
	t.Run("stalled head", func(t *testing.T) {
		conn, br := dialRaw(t, env, "PUT /demo/x HTTP/1.1\r\nHost: x\r\n")
		waitClosed(t, conn, br)
	})
}

// TestSlowBodyIsNotCut: a body that keeps moving is taken however long it
// takes in total, even when that is many stall timeouts.
func TestSlowBodyIsNotCut(t *testing.T) {
	env := startSandbox(t, func(c *Config) { c.BodyStallTimeout = 200 * time.Millisecond })
	link := env.link(t, signing.Request{Key: "slow.bin"})
	body := randomBody(3, 12)
	conn := rawRequest(t, env, link, int64(len(body)))
	br := bufio.NewReader(conn)
	for i := 0; i < len(body); i += 2 {
		if _, err := conn.Write(body[i : i+2]); err != nil {
			t.Fatal(err)
		}
		time.Sleep(80 * time.Millisecond) // 6 pieces: about 2.4 stall timeouts in all
	}
	resp, got := readResponse(t, conn, br)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d: %s", resp.StatusCode, got)
	}
	wantChecksums(t, resp.Header, body)
}

// TestStalledReaderIsDropped: a GET whose client stops reading does not
// hold its connection forever.
func TestStalledReaderIsDropped(t *testing.T) {
	env := startSandbox(t, shortLimits)
	link := env.link(t, signing.Request{Key: "big.bin", AllowOverwrite: true})
	body := randomBody(5, 32<<20)
	if resp, got := env.put(t, link, body); resp.StatusCode != 200 {
		t.Fatalf("put %d %s", resp.StatusCode, got)
	}
	get := env.getLink(t, signing.Request{Key: "big.bin"})
	u := mustParse(t, get.URL)
	conn, _ := dialRaw(t, env, fmt.Sprintf("GET %s HTTP/1.1\r\nHost: %s\r\n\r\n", u.RequestURI(), u.Host))
	if tc, ok := conn.(*net.TCPConn); ok {
		tc.SetReadBuffer(4 << 10) // so the server's writes block soon
	}
	// Read nothing: the server's writes fill the socket buffers and block.
	deadline := time.Now().Add(failAfter)
	for !strings.Contains(env.logs.String(), "key=big.bin status=200 bytes_in=0") {
		if time.Now().After(deadline) {
			t.Fatalf("the server kept writing to a client that reads nothing; log:\n%s", env.logs.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestConnectionCap: at most MaxConnections are served at once; the next
// one waits (in the kernel's queue) and is served once a slot frees.
func TestConnectionCap(t *testing.T) {
	env := startSandbox(t, func(c *Config) {
		c.MaxConnections = 2
		c.HeaderTimeout = time.Minute // the stalled heads keep their slots
	})
	var held []net.Conn
	for range 2 {
		conn, _ := dialRaw(t, env, "PUT /demo/x HTTP/1.1\r\nHost: x\r\n")
		held = append(held, conn)
	}
	link := env.getLink(t, signing.Request{Key: "none"})
	u := mustParse(t, link.URL)
	conn, br := dialRaw(t, env, fmt.Sprintf("GET %s HTTP/1.1\r\nHost: %s\r\n\r\n", u.RequestURI(), u.Host))
	conn.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
	if _, err := br.Peek(1); err == nil {
		t.Fatal("a third connection was served while two held the cap")
	}
	held[0].Close()
	resp, body := readResponse(t, conn, br)
	ossError(t, resp, body, http.StatusNotFound, CodeNoSuchKey)
}

// TestRefusedStalledPeerFreesItsSlot: after its answer, a peer that stopped
// sending holds its connection slot for drainGrace at most, not for the
// (long) stall timeout, so the next client is served soon.
func TestRefusedStalledPeerFreesItsSlot(t *testing.T) {
	env := startSandbox(t, func(c *Config) {
		c.MaxConnections = 1
		c.BodyStallTimeout = time.Hour
	})
	conn, br := dialRaw(t, env, "PUT /demo/x HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nab")
	resp, body := readResponse(t, conn, br)
	ossError(t, resp, body, http.StatusForbidden, CodeAccessDenied)

	link := env.getLink(t, signing.Request{Key: "none"})
	u := mustParse(t, link.URL)
	next, nbr := dialRaw(t, env, fmt.Sprintf("GET %s HTTP/1.1\r\nHost: %s\r\n\r\n", u.RequestURI(), u.Host))
	resp, body = readResponse(t, next, nbr)
	ossError(t, resp, body, http.StatusNotFound, CodeNoSuchKey)
	waitClosed(t, conn, br)
}
