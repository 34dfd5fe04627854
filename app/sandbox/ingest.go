package sandbox

import (
	"crypto/md5"
	"crypto/sha256"
	"errors"
	"hash"
	"io"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"

	"github.com/ossdrop/ossdrop/app/osscrc"
)

// Ingesting a body: the handler's goroutine reads the socket into a few
// large buffers and hands each one to the disk writer (which also folds it
// into the CRC-64), the MD5 (and the SHA-256 when the request declares
// one), each on a goroutine of its own, so they run in parallel with each
// other and with the next read. The MD5 (the ETag) is the slowest of them
// and sets the pace: everything else is arranged so that it never waits
// for a buffer.
const (
	// ingestChunk is one buffer: filled from the socket in as few reads as
	// the kernel allows, written to the file in one write, one step of each
	// hash. Each buffer costs the same handing round whatever its size, and
	// the larger it is, the larger the socket reads that fill it (fewer
	// window updates that wake the sender): 4 MiB buffers took 1.72 s of
	// the sandbox's processor time per GiB of curl -T here, 2 MiB ones
	// 1.84 s, 1 MiB ones 2.10 s, 8 MiB ones 1.79 s (the MD5 alone takes
	// 1.33 s). Direct writes (diskWriter) also want large ones: 256 KiB
	// writes reached 1.1 GB/s here, 1 MiB and larger ones 2 GB/s, against
	// 0.8 GB/s for the MD5.
	ingestChunk = 4 << 20
	// ingestAhead is how many buffers the read runs ahead of the MD5:
	// about 10 ms of MD5 work, so that a moment without the processor for
	// the reading goroutine does not leave the MD5 without bytes.
	ingestAhead = 2
	// ingestMax is how many buffers one upload may hold. Beyond those the
	// MD5 has not hashed yet, it takes more only while the disk writer
	// holds buffers the MD5 is done with: a direct write that waits for a
	// busy disk (here up to 28 ms, when others used it) then does not stop
	// the read, and so the MD5, until the writer catches up (it writes at
	// twice the MD5's rate).
	ingestMax = 8
	// blockAlign is the alignment direct I/O wants: buffers start on it and
	// sources fill them in multiples of it (but at the body's end), so that
	// every write but the last goes to the disk from the buffer itself.
	blockAlign = 4096
)

// spareBuffers bounds the buffers all uploads together hold beyond the
// first of each (which every upload gets, so that it moves): 128 MiB,
// whatever the number of uploads. An upload that finds none spare goes on
// with those it has.
var spareBuffers = budget{max: 32}

// budget counts units taken from a shared maximum.
type budget struct {
	max   int32
	taken atomic.Int32
}

// take takes one unit if one is left.
func (b *budget) take() bool {
	if b.taken.Add(1) > b.max {
		b.taken.Add(-1)
		return false
	}
	return true
}

func (b *budget) give(n int) { b.taken.Add(-int32(n)) }

// source fills buffers with a body's bytes: fill writes into buf (its
// whole length is free) and returns how many bytes it wrote, with io.EOF
// at the body's end (possibly with the last bytes) or the error that ended
// it. Unless it also returns an error, n is a multiple of blockAlign (the
// rest can wait for the next buffer), and a source fills as much of buf as
// it can: reads of the socket are few and large. A source may keep bytes
// that are not yet known to be the body's (a form's file may be followed
// by its closing boundary).
type source interface {
	fill(buf []byte) (int, error)
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

// writebackEvery is how often the disk writer asks the kernel to start
// writing what it wrote through the page cache (see startWriteback).
const writebackEvery = 8 << 20

// diskWriter writes an upload to its temporary file. Where it can, it
// writes directly (setDirect): every buffer goes to the disk without a
// copy into the page cache. The last buffer (any length) and a file where
// direct I/O is refused go through the page cache, and the kernel is asked
// to write each 8 MiB as it goes; either way the fsync before the commit
// (kept: an answered upload survives a crash) has little left to do.
type diskWriter struct {
	f tempFile
	// file is f when it is a real file, for direct I/O and writeback.
	file    *os.File
	direct  bool
	written int64
	flushed int64 // start of the range not yet handed to writeback
}

func newDiskWriter(f tempFile) *diskWriter {
	d := &diskWriter{f: f}
	if file, ok := f.(*os.File); ok {
		d.file = file
		d.direct = setDirect(file, true) == nil
	}
	return d
}

func (d *diskWriter) Write(p []byte) (int, error) {
	if d.direct && (len(p)%blockAlign != 0 || d.written%blockAlign != 0 || !isAligned(p)) {
		d.endDirect()
	}
	n, err := d.f.Write(p)
	if d.direct && n == 0 && errors.Is(err, syscall.EINVAL) {
		// The filesystem wants more alignment than blockAlign.
		d.endDirect()
		n, err = d.f.Write(p)
	}
	d.written += int64(n)
	if !d.direct && d.file != nil && d.written-d.flushed >= writebackEvery {
		startWriteback(d.file, d.flushed, d.written-d.flushed)
		d.flushed = d.written
	}
	return n, err
}

// endDirect writes the rest through the page cache; what was written
// directly needs no writeback.
func (d *diskWriter) endDirect() {
	if setDirect(d.file, false) == nil {
		d.direct = false
		d.flushed = d.written
	}
}

func isAligned(p []byte) bool {
	return len(p) == 0 || uintptr(unsafe.Pointer(unsafe.SliceData(p)))%blockAlign == 0
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
	// md5Wait is how long the MD5 waited for a buffer after its first: the
	// time the ingest ran slower than the MD5 could; buffers is how many it
	// used (for the benchmarks).
	md5Wait time.Duration
	buffers int
}

// ingestBuf is one buffer on its way round.
type ingestBuf struct {
	b    []byte // from a blockAlign boundary
	n    int    // how many of them hold the body
	refs atomic.Int32
}

// chunkPool keeps buffers between uploads: allocating and clearing them
// for each upload would cost a small upload more than its bytes do.
var chunkPool = sync.Pool{New: func() any { return &ingestBuf{b: alignedBytes(ingestChunk)} }}

// alignedBytes returns n bytes starting on a blockAlign boundary.
func alignedBytes(n int) []byte {
	b := make([]byte, n+blockAlign)
	off := 0
	if r := uintptr(unsafe.Pointer(unsafe.SliceData(b))) % blockAlign; r != 0 {
		off = blockAlign - int(r)
	}
	return b[off : off+n : off+n]
}

// bufferSize is the size of an upload's buffers: ingestChunk (pooled), or
// for a body known to be smaller (at most atMost bytes), one buffer that
// holds it and shows its end, so that small uploads do not each take
// 4 MiB; at least two blocks, which a form's file needs (fill).
func bufferSize(atMost int64) int {
	if atMost < 0 || atMost >= ingestChunk {
		return ingestChunk
	}
	return max(int(atMost)/blockAlign+1, 2) * blockAlign
}

// ingest copies src into w, hashing on the way, in buffers of size bytes
// (bufferSize). After a write error it stops reading; every goroutine it
// started has ended when it returns.
func ingest(w io.Writer, src source, withSHA256 bool, size int) ingested {
	var (
		out    ingested
		failed atomic.Bool
		wg     sync.WaitGroup
		free   = make(chan *ingestBuf, ingestMax)
		queues []chan *ingestBuf
		taken  int // buffers taken from the pool
		// unhashed counts the buffers handed to the MD5 and not hashed
		// yet; hashed wakes the read when the MD5 finished one.
		unhashed atomic.Int32
		hashed   = make(chan struct{}, 1)
	)
	release := func(c *ingestBuf) {
		if c.refs.Add(-1) == 0 {
			free <- c // never blocks: free holds every buffer
		}
	}
	// consume runs work on every buffer on a goroutine of its own, then
	// done; it returns where the time it waited for buffers (after the
	// first) will be.
	consume := func(work func([]byte), done func()) *time.Duration {
		q := make(chan *ingestBuf, ingestMax)
		queues = append(queues, q)
		waited := new(time.Duration)
		wg.Add(1)
		go func() {
			defer wg.Done()
			first := true
			for {
				t := time.Now()
				c, ok := <-q
				if !ok {
					return
				}
				if !first {
					*waited += time.Since(t)
				}
				first = false
				work(c.b[:c.n])
				release(c)
				if done != nil {
					done()
				}
			}
		}()
		return waited
	}
	// The disk writer's goroutine also folds each buffer into the CRC-64,
	// which takes a tenth of the MD5's time: one goroutine fewer to wake
	// for every buffer.
	crc := osscrc.New()
	consume(func(b []byte) {
		if failed.Load() {
			return
		}
		crc.Write(b)
		n, err := w.Write(b)
		if err == nil && n < len(b) {
			err = io.ErrShortWrite
		}
		if err != nil {
			out.writeErr = err // read after wg.Wait
			failed.Store(true)
		}
	}, nil)
	md5sum := md5.New()
	md5Wait := consume(func(b []byte) { md5sum.Write(b) }, func() {
		unhashed.Add(-1)
		select {
		case hashed <- struct{}{}:
		default: // the read has a wake-up waiting already
		}
	})
	var shaSum hash.Hash
	if withSHA256 {
		shaSum = sha256.New()
		consume(func(b []byte) { shaSum.Write(b) }, nil)
	}
	defer func() { spareBuffers.give(max(taken-1, 0)) }()
	// next returns a free buffer, or a new one while the MD5 is short of
	// buffers and others hold the rest.
	next := func() *ingestBuf {
		for {
			select {
			case c := <-free:
				return c
			default:
			}
			if taken == 0 || (unhashed.Load() < ingestAhead && taken < ingestMax && spareBuffers.take()) {
				taken++
				if size != ingestChunk {
					return &ingestBuf{b: alignedBytes(size)}
				}
				return chunkPool.Get().(*ingestBuf)
			}
			select {
			case c := <-free:
				return c
			case <-hashed: // look again
			}
		}
	}

	for !failed.Load() {
		c := next()
		n, err := src.fill(c.b)
		if n > 0 {
			c.n = n
			out.n += int64(n)
			c.refs.Store(int32(len(queues)))
			unhashed.Add(1)
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
	for range taken {
		if c := <-free; size == ingestChunk { // every buffer is back: all work has ended
			chunkPool.Put(c)
		}
	}
	if out.writeErr != nil {
		// The bytes read after the failed write were not stored.
		out.readErr = nil
	}
	out.md5, out.crc, out.md5Wait, out.buffers = md5sum.Sum(nil), crc.Sum64(), *md5Wait, taken
	if shaSum != nil {
		out.sha256 = shaSum.Sum(nil)
	}
	return out
}
