package sandbox

import (
	"errors"
	"io"
	"net/http"
	"os"
	"time"
)

// Defaults for the limits in Config. They bound what a peer that stops
// (or never starts) talking can hold, without cutting off an upload that
// is slow but moving: no limit is on a request's total time.
const (
	// DefaultHeaderTimeout bounds reading a request's head.
	DefaultHeaderTimeout = 30 * time.Second
	// DefaultIdleTimeout bounds a kept-alive connection between requests.
	DefaultIdleTimeout = 2 * time.Minute
	// DefaultStallTimeout bounds each read of a request body and each
	// write of a response: a peer that moves no byte for this long is
	// dropped.
	DefaultStallTimeout = time.Minute
	// DefaultMaxConnections caps the connections served at once; more wait
	// in the kernel's queue until one ends.
	DefaultMaxConnections = 256
)

// drainGrace bounds reading the rest of a body the server has already
// refused: long enough for a client that sent it all (it is in the socket
// buffer), short enough that a stalled peer does not hold a connection slot
// after its answer.
const drainGrace = 2 * time.Second

// limits are Config's limits with the defaults filled in.
type limits struct {
	header, idle, stall time.Duration
	maxConns            int
}

func newLimits(cfg Config) limits {
	l := limits{header: cfg.HeaderTimeout, idle: cfg.IdleTimeout, stall: cfg.BodyStallTimeout, maxConns: cfg.MaxConnections}
	if l.header <= 0 {
		l.header = DefaultHeaderTimeout
	}
	if l.idle <= 0 {
		l.idle = DefaultIdleTimeout
	}
	if l.stall <= 0 {
		l.stall = DefaultStallTimeout
	}
	if l.maxConns <= 0 {
		l.maxConns = DefaultMaxConnections
	}
	return l
}

// deadline keeps a connection's read or write deadline a stall timeout
// ahead of the last progress. Moving a deadline is cheap but not free, so
// it moves only once an eighth of the timeout has passed: a stalled peer
// is dropped between 7/8 of the timeout and the whole of it after its last
// byte.
type deadline struct {
	set   func(time.Time) error
	stall time.Duration
	at    time.Time // the deadline last set
}

func (d *deadline) extend() {
	now := time.Now()
	if d.at.Sub(now) > d.stall-d.stall/8 {
		return
	}
	d.at = now.Add(d.stall)
	// http.ErrNotSupported (a writer without deadlines) leaves the peer
	// unbounded, as before; there is nothing better to do.
	_ = d.set(d.at)
}

// bodyReader reads a request body with a per-read deadline, counts the
// bytes for the log line and remembers how the body ended.
type bodyReader struct {
	r        io.ReadCloser
	n        int64
	eof      bool
	timedOut bool
	deadline deadline
}

func newBodyReader(rc *http.ResponseController, body io.ReadCloser, stall time.Duration) *bodyReader {
	return &bodyReader{r: body, deadline: deadline{set: rc.SetReadDeadline, stall: stall}}
}

func (b *bodyReader) Read(p []byte) (int, error) {
	b.deadline.extend()
	n, err := b.r.Read(p)
	b.n += int64(n)
	switch {
	case err == io.EOF:
		b.eof = true
		// The stall timeout is for the body only. A deadline left behind
		// would fire in net/http's background read while the handler
		// still works (a callback) and cancel the request.
		_ = b.deadline.set(time.Time{})
	case errors.Is(err, os.ErrDeadlineExceeded):
		b.timedOut = true
		err = errStalled
	}
	return n, err
}

func (b *bodyReader) Close() error { return b.r.Close() }

// unread reports whether the request had a body that was not read to its end.
func (b *bodyReader) unread(r *http.Request) bool {
	return r.ContentLength != 0 && r.Body != http.NoBody && !b.eof
}

// errStalled is a body read that made no progress for the stall timeout.
var errStalled = errors.New("the request body made no progress within the stall timeout")
