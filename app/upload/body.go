package upload

import (
	"context"
	"crypto/md5"
	"errors"
	"hash"
	"io"
	"sync"
	"sync/atomic"

	"github.com/ossdrop/ossdrop/app/osscrc"
)

// The body pipeline. One goroutine reads the file into a few large buffers,
// another hashes each buffer while the transport sends it, and the buffers
// go round: memory stays flat whatever the file's size, the file is read
// once, and the sending goroutine does nothing but send. Hashing on the
// sending goroutine, one buffer after the other, was the uploader's
// bottleneck on fast links (about a third of curl's rate on loopback).
const (
	// chunkSize is one read of the file and, through uploadConn, one write
	// to the socket: large enough that a fast link costs few system calls,
	// small enough that the buffers stay in the processor's cache between
	// the read, the hash and the send.
	chunkSize = 256 << 10
	// chunks is how many buffers an attempt has: one being sent, one being
	// hashed, the rest read ahead.
	chunks = 4
)

// md5HotPathMax is the largest file whose MD5 is computed while it is sent,
// beside the CRC-64: up to here it costs a few milliseconds of the hashing
// goroutine. A larger file's MD5 is computed only when the server's answer
// has no CRC-64 to compare (by a second read of the file, see fileMD5): OSS
// sends the CRC-64 for every PUT and PostObject, it is what OSS's own SDKs
// verify, and an MD5 costs more processor time than the whole transfer on a
// fast link.
const md5HotPathMax = 8 << 20

// chunk is one buffer of the file, shared by the sender and the hasher; the
// last of them to finish with it returns it to the pool.
type chunk struct {
	buf  []byte // the filled part
	refs atomic.Int32
	// err ends the stream after buf: io.EOF, errShrunk or a read error.
	err error
}

// errShrunk reports a file that ended before its size said.
var errShrunk = errors.New("file shrank during the upload")

var errBodyFinished = errors.New("upload attempt finished")

// body streams one attempt's file to the transport: it reads (through the
// reader goroutine), hashes (through the hashing goroutine), counts,
// reports progress, tells the stall watchdog, and stops when the attempt's
// context ends. The transport may still read it after Do returns (on
// cancellation), so finish fences it off before the sums are read.
//
// Read serves any transport; WriteTo, reached through uploadConn, hands
// the buffers to the socket without copying them again.
type body struct {
	ctx   context.Context
	total int64
	// onRead, if set, is told of every read (the stall watchdog).
	onRead func()

	free  chan *chunk // buffers to fill
	send  chan *chunk // filled, in order, for the transport
	hashq chan *chunk // filled, in order, for the hasher
	stop  chan struct{}
	wg    sync.WaitGroup
	once  sync.Once

	// Hashes, written by the hasher goroutine only; read after wg.Wait.
	crc    hash.Hash64
	md5    hash.Hash // nil when the MD5 is not computed on the way
	hashed int64

	// The transport's side: only the goroutine that reads the body uses
	// cur and rest.
	cur  *chunk
	rest []byte

	mu       sync.Mutex // guards what finish reads
	sent     int64
	done     bool
	readErr  error
	progress *progress
}

// newBody starts the reader and hashing goroutines for one attempt; r
// yields the file's bytes (at most total). finish stops them.
func newBody(ctx context.Context, r io.Reader, total int64, progress *progress) *body {
	b := &body{ctx: ctx, total: total, progress: progress,
		free: make(chan *chunk, chunks), send: make(chan *chunk, chunks), hashq: make(chan *chunk, chunks),
		stop: make(chan struct{}), crc: osscrc.New()}
	if total <= md5HotPathMax {
		b.md5 = md5.New()
	}
	n := chunks
	if total < chunkSize*chunks {
		// A small file needs no more memory than itself.
		n = int(total/chunkSize) + 1
	}
	for range n {
		b.free <- &chunk{buf: make([]byte, 0, min(int64(chunkSize), total+1))}
	}
	b.wg.Add(2)
	go b.read(io.LimitReader(r, total))
	go b.hash()
	return b
}

// read fills buffers from the file until its end, an error or stop.
func (b *body) read(r io.Reader) {
	defer b.wg.Done()
	defer close(b.hashq)
	var read int64
	for {
		var c *chunk
		select {
		case c = <-b.free:
		case <-b.stop:
			return
		}
		n, err := io.ReadFull(r, c.buf[:cap(c.buf)])
		read += int64(n)
		c.buf, c.err = c.buf[:n], nil
		switch {
		case err == io.EOF || err == io.ErrUnexpectedEOF:
			c.err = io.EOF
			if read < b.total {
				c.err = errShrunk
			}
		case err != nil:
			c.err = err
		case read == b.total:
			c.err = io.EOF
		}
		c.refs.Store(2)
		b.hashq <- c // never blocks: the channels hold every buffer
		b.send <- c
		if c.err != nil {
			return
		}
	}
}

// hash folds every filled buffer into the sums, in order.
func (b *body) hash() {
	defer b.wg.Done()
	for c := range b.hashq {
		b.crc.Write(c.buf)
		if b.md5 != nil {
			b.md5.Write(c.buf)
		}
		b.hashed += int64(len(c.buf))
		b.release(c)
	}
}

func (b *body) release(c *chunk) {
	if c.refs.Add(-1) == 0 {
		b.free <- c // never blocks: free holds every buffer
	}
}

// next returns the unsent rest of the current buffer, waiting for the
// reader when it is used up; err is the stream's end (io.EOF) or failure.
func (b *body) next() ([]byte, error) {
	for len(b.rest) == 0 {
		if b.cur != nil {
			if err := b.cur.err; err != nil {
				return nil, err
			}
			b.release(b.cur)
			b.cur = nil
		}
		select {
		case c := <-b.send:
			b.cur, b.rest = c, c.buf
		case <-b.stop:
			return nil, errBodyFinished
		case <-b.ctx.Done():
			return nil, b.ctx.Err()
		}
	}
	return b.rest, nil
}

// begin is called before handing bytes to the transport: it refuses once
// the attempt is over and tells the watchdog the body is being read.
func (b *body) begin() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.done {
		return errBodyFinished
	}
	// Checked here too, so a cancelled upload stops feeding the socket even
	// before the transport notices.
	if err := b.ctx.Err(); err != nil {
		return err
	}
	if b.onRead != nil {
		b.onRead()
	}
	return nil
}

// account counts n bytes as sent and remembers a failure of the file.
func (b *body) account(n int, err error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if n > 0 {
		b.sent += int64(n)
		b.progress.add(n)
	}
	if err != nil && err != io.EOF && !errors.Is(err, errBodyFinished) && b.ctx.Err() == nil {
		b.readErr = err
	}
}

func (b *body) Read(p []byte) (int, error) {
	if err := b.begin(); err != nil {
		return 0, err
	}
	rest, err := b.next()
	if err != nil {
		b.account(0, err)
		return 0, err
	}
	n := copy(p, rest)
	b.rest = rest[n:]
	b.account(n, nil)
	return n, nil
}

// WriteTo sends the rest of the body to w buffer by buffer, without the
// copy into the transport's own buffer that Read costs.
func (b *body) WriteTo(w io.Writer) (int64, error) {
	var total int64
	for {
		if err := b.begin(); err != nil {
			return total, err
		}
		rest, err := b.next()
		if err != nil {
			b.account(0, err)
			if err == io.EOF {
				return total, nil
			}
			return total, err
		}
		// Counted before the write, as Read counts what it hands over: the
		// server may answer (and the attempt finish) as soon as the last
		// byte is out, before Write returns here.
		b.rest = nil
		b.account(len(rest), nil)
		n, werr := w.Write(rest)
		total += int64(n)
		if werr != nil {
			return total, werr
		}
	}
}

// Close is a no-op: the attempt owns the file and closes it.
func (b *body) Close() error { return nil }

// sums is what went through a finished body.
type sums struct {
	sent int64
	crc  uint64
	// md5 is nil when the file's MD5 was not computed on the way.
	md5     []byte
	readErr error
}

// finish stops the body, waits for its goroutines (so the file may be
// closed) and returns what went through it; calling it again returns the
// same.
func (b *body) finish() sums {
	b.once.Do(func() { close(b.stop) })
	b.mu.Lock()
	b.done = true
	b.mu.Unlock()
	b.wg.Wait()
	b.mu.Lock()
	defer b.mu.Unlock()
	s := sums{sent: b.sent, crc: b.crc.Sum64(), readErr: b.readErr}
	// The sums cover every byte read, which is every byte sent once the
	// whole file went out; the MD5 is only worth reporting then.
	if b.md5 != nil && b.hashed == b.sent {
		s.md5 = b.md5.Sum(nil)
	}
	return s
}

// unsent is how many bytes the body has yet to hand out.
func (b *body) unsent() int64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.total - b.sent
}
