package sandbox

import (
	"crypto/md5"
	"crypto/sha256"
	"hash"
	"io"
	"sync"
	"sync/atomic"
	"syscall"

	"github.com/ossdrop/ossdrop/app/osscrc"
)

// Ingesting a body: the handler's goroutine reads the socket into a few
// large buffers and hands each one to the disk writer, the MD5, the CRC-64
// (and the SHA-256 when the request declares one), each on a goroutine of
// its own, so they run in parallel with each other and with the next read.
// The MD5 (the ETag) is the slowest of them and sets the pace; done one
// after the other on one goroutine, they took four times as long.
const (
	// ingestChunk is one read of the socket, one write to the file and one
	// step of each hash.
	ingestChunk = 256 << 10
	// ingestChunks is how many buffers one upload has: enough that a hash
	// running a buffer behind does not stop the read, few enough that 256
	// uploads at once stay within a few hundred megabytes.
	ingestChunks = 4
)

// source fills buffers with a body's bytes: fill writes into buf (its
// whole length is free) and returns how many bytes it wrote, with io.EOF
// at the body's end (possibly with the last bytes) or the error that ended
// it. A source may keep bytes that are not yet known to be the body's (a
// form's file may be followed by its closing boundary).
type source interface {
	fill(buf []byte) (int, error)
}

// writebackEvery is how often the disk writer asks the kernel to start
// writing what it has (see startWriteback).
const writebackEvery = 8 << 20

// diskWriter writes an upload to its temporary file and has the kernel
// write it to disk as it goes, so the fsync before the commit (kept: an
// answered upload survives a crash) has little left to do.
type diskWriter struct {
	f       io.Writer
	written int64
	flushed int64 // start of the range not yet handed to writeback
}

func (d *diskWriter) Write(p []byte) (int, error) {
	n, err := d.f.Write(p)
	d.written += int64(n)
	if d.written-d.flushed >= writebackEvery {
		if c, ok := d.f.(syscall.Conn); ok {
			startWriteback(c, d.flushed, d.written-d.flushed)
		}
		d.flushed = d.written
	}
	return n, err
}

// readerSource is a plain body (PutObject).
type readerSource struct{ r io.Reader }

func (s readerSource) fill(buf []byte) (int, error) {
	n := 0
	for n < len(buf) {
		m, err := s.r.Read(buf[n:])
		n += m
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// ingested is what went through ingest.
type ingested struct {
	n      int64
	md5    []byte
	crc    uint64
	sha256 []byte // nil unless asked for
	// readErr is the uploader's side failing (a short or stalled body),
	// writeErr the server's (a full disk): they are told apart for the
	// answer (IncompleteBody or InternalError).
	readErr, writeErr error
}

// ingestBuf is one buffer on its way round.
type ingestBuf struct {
	b    []byte
	refs atomic.Int32
}

// ingest copies src into w, hashing on the way. After a write error it
// stops reading; every goroutine it started has ended when it returns.
func ingest(w io.Writer, src source, withSHA256 bool) ingested {
	var (
		out    ingested
		failed atomic.Bool
		wg     sync.WaitGroup
		free   = make(chan *ingestBuf, ingestChunks)
		queues []chan *ingestBuf
	)
	release := func(c *ingestBuf) {
		if c.refs.Add(-1) == 0 {
			free <- c // never blocks: free holds every buffer
		}
	}
	consume := func(work func([]byte)) {
		q := make(chan *ingestBuf, ingestChunks)
		queues = append(queues, q)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c := range q {
				work(c.b)
				release(c)
			}
		}()
	}
	consume(func(b []byte) {
		if failed.Load() {
			return
		}
		n, err := w.Write(b)
		if err == nil && n < len(b) {
			err = io.ErrShortWrite
		}
		if err != nil {
			out.writeErr = err // read after wg.Wait
			failed.Store(true)
		}
	})
	md5sum, crc := md5.New(), osscrc.New()
	hashInto := func(h hash.Hash) { consume(func(b []byte) { h.Write(b) }) }
	hashInto(md5sum)
	hashInto(crc)
	var shaSum hash.Hash
	if withSHA256 {
		shaSum = sha256.New()
		hashInto(shaSum)
	}

	for range ingestChunks {
		free <- &ingestBuf{b: make([]byte, ingestChunk)}
	}
	for !failed.Load() {
		c := <-free
		n, err := src.fill(c.b[:cap(c.b)])
		if n > 0 {
			c.b = c.b[:n]
			out.n += int64(n)
			c.refs.Store(int32(len(queues)))
			for _, q := range queues {
				q <- c // never blocks: each queue holds every buffer
			}
		} else {
			free <- c
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			out.readErr = err
			break
		}
	}
	for _, q := range queues {
		close(q)
	}
	wg.Wait()
	if out.writeErr != nil {
		// The bytes read after the failed write were not stored.
		out.readErr = nil
	}
	out.md5, out.crc = md5sum.Sum(nil), crc.Sum64()
	if shaSum != nil {
		out.sha256 = shaSum.Sum(nil)
	}
	return out
}
