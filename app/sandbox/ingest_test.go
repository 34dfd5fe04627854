package sandbox

import (
	"bytes"
	"crypto/md5"
	"crypto/sha256"
	"fmt"
	"hash/crc64"
	"io"
	"os"
	"testing"
	"time"
)

// TestDiskWriter: whatever the buffers (whole blocks from aligned memory,
// which go to the disk directly where the filesystem allows, a short last
// one, one that starts off a block boundary or is not whole blocks), the
// file holds exactly the bytes written, and direct I/O is left for the
// page cache at the first buffer it cannot take.
func TestDiskWriter(t *testing.T) {
	block := alignedBytes(4 * blockAlign)
	for i := range block {
		block[i] = byte(i * 7)
	}
	tests := []struct {
		name   string
		writes [][]byte
		direct []bool // after each write, when the file started direct
	}{
		{"whole blocks then a tail", [][]byte{block, block, block[:100]}, []bool{true, true, false}},
		{"short first", [][]byte{block[:5000], block}, []bool{false, false}},
		{"off a boundary", [][]byte{block[1 : 1+blockAlign], block}, []bool{false, false}},
		{"not whole blocks", [][]byte{block[:blockAlign+1]}, []bool{false}},
		{"nothing", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := os.CreateTemp(t.TempDir(), "put-*")
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			d := newDiskWriter(f)
			started := d.direct
			if !started {
				t.Log("this filesystem refuses direct I/O: only the bytes are checked")
			}
			var want []byte
			for i, w := range tt.writes {
				if n, err := d.Write(w); n != len(w) || err != nil {
					t.Fatalf("write %d: %d, %v", i, n, err)
				}
				want = append(want, w...)
				if started && d.direct != tt.direct[i] {
					t.Errorf("after write %d direct is %v", i, d.direct)
				}
			}
			if err := f.Sync(); err != nil {
				t.Fatal(err)
			}
			got, err := os.ReadFile(f.Name())
			if err != nil || !bytes.Equal(got, want) || d.written != int64(len(want)) {
				t.Fatalf("file holds %d bytes (%v), want %d; counted %d", len(got), err, len(want), d.written)
			}
		})
	}
}

// unevenSource fills buffers with one Read each, as unevenly as its
// reader returns them.
type unevenSource struct{ r io.Reader }

func (s unevenSource) fill(buf []byte) (int, error) { return s.r.Read(buf) }

// TestIngest: the digests and the file are those of the body, however a
// source fills the buffers; a source's error is the uploader's, a write
// error the server's.
func TestIngest(t *testing.T) {
	body := randomBody(3, 5*ingestChunk+12345)
	crcTable := crc64.MakeTable(crc64.ECMA)
	for _, sizes := range [][]int{{ingestChunk}, {1}, {blockAlign, 3 * blockAlign, 100000}, {ingestChunk - 1, 7}} {
		t.Run(fmt.Sprint(sizes), func(t *testing.T) {
			f, err := os.CreateTemp(t.TempDir(), "put-*")
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			want := body
			if sizes[0] == 1 {
				want = body[:3000] // a byte a buffer: keep it short
			}
			src := unevenSource{&chunkReader{b: want, sizes: sizes}}
			got := ingest(newDiskWriter(f), src, true, ingestChunk)
			md5sum, shaSum := md5.Sum(want), sha256.Sum256(want)
			if got.readErr != nil || got.writeErr != nil || got.n != int64(len(want)) ||
				!bytes.Equal(got.md5, md5sum[:]) || !bytes.Equal(got.sha256, shaSum[:]) || got.crc != crc64.Checksum(want, crcTable) {
				t.Fatalf("ingested %d bytes, %v/%v, digests wrong", got.n, got.readErr, got.writeErr)
			}
			if stored, _ := os.ReadFile(f.Name()); !bytes.Equal(stored, want) {
				t.Errorf("the file holds %d bytes, not the body's %d", len(stored), len(want))
			}
		})
	}
	t.Run("read error", func(t *testing.T) {
		src := unevenSource{&chunkReader{b: body[:100], sizes: []int{50}, end: errStalled}}
		got := ingest(io.Discard, src, false, ingestChunk)
		if got.readErr != errStalled || got.writeErr != nil || got.n != 100 {
			t.Errorf("%+v", got)
		}
	})
	t.Run("write error", func(t *testing.T) {
		src := unevenSource{&chunkReader{b: body, sizes: []int{blockAlign}}}
		got := ingest(&fullDisk{File: mustTemp(t), limit: 3 * blockAlign}, src, false, ingestChunk)
		if got.writeErr == nil || got.readErr != nil || got.n > (3+ingestMax+1)*blockAlign { // it stopped reading
			t.Errorf("%+v", got)
		}
	})
}

func mustTemp(t *testing.T) *os.File {
	t.Helper()
	f, err := os.CreateTemp(t.TempDir(), "put-*")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// stuckWriter is a disk that takes nothing until it is let go, as a busy
// one does for a moment.
type stuckWriter struct {
	letGo chan struct{}
	n     int
}

func (s *stuckWriter) Write(p []byte) (int, error) {
	<-s.letGo
	s.n += len(p)
	return len(p), nil
}

// TestIngestWhileTheDiskWaits: while the disk writer waits, the read goes
// on into more buffers (so the MD5 does not stop) up to ingestMax, then
// waits for the writer; the spare buffers are given back at the end, and
// with none spare the upload still completes, in its one buffer.
func TestIngestWhileTheDiskWaits(t *testing.T) {
	body := randomBody(4, (ingestMax+4)*ingestChunk)
	sum := md5.Sum(body)
	check := func(t *testing.T, got ingested, w *stuckWriter) {
		t.Helper()
		if got.n != int64(len(body)) || w.n != len(body) || !bytes.Equal(got.md5, sum[:]) {
			t.Errorf("ingested %d, wrote %d bytes", got.n, w.n)
		}
	}
	t.Run("spare", func(t *testing.T) {
		before := spareBuffers.taken.Load()
		w := &stuckWriter{letGo: make(chan struct{})}
		done := make(chan ingested)
		go func() { done <- ingest(w, readerSource{bytes.NewReader(body)}, false, ingestChunk) }()
		want := before + ingestMax - 1
		waitFor(t, func() string { return fmt.Sprintf("%d spare buffers taken (%d are)", want, spareBuffers.taken.Load()) },
			func() bool { return spareBuffers.taken.Load() == want })
		close(w.letGo)
		check(t, <-done, w)
		if left := spareBuffers.taken.Load(); left != before {
			t.Errorf("%d spare buffers not given back", left-before)
		}
	})
	t.Run("none spare", func(t *testing.T) {
		held := 0
		for spareBuffers.take() {
			held++
		}
		defer spareBuffers.give(held)
		w := &stuckWriter{letGo: make(chan struct{})}
		close(w.letGo)
		got := ingest(w, readerSource{bytes.NewReader(body)}, false, ingestChunk)
		check(t, got, w)
		if got.buffers != 1 {
			t.Errorf("%d buffers with none spare", got.buffers)
		}
	})
}

// waitFor fails the test, saying what it waited for, unless cond comes
// true within failAfter.
func waitFor(t *testing.T, what func() string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(failAfter)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("waited in vain for %s", what())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestIngestBufferSize: a body known to be small gets one buffer its size
// (rounded up to whole blocks, with room to see its end, two blocks at
// least), others the full ones; a body larger than said still arrives
// whole.
func TestIngestBufferSize(t *testing.T) {
	for _, tt := range []struct {
		atMost int64
		want   int
	}{
		{-1, ingestChunk}, {0, 2 * blockAlign}, {blockAlign - 1, 2 * blockAlign}, {2 * blockAlign, 3 * blockAlign},
		{ingestChunk - 1, ingestChunk}, {ingestChunk, ingestChunk}, {MaxObjectSize, ingestChunk},
	} {
		if got := bufferSize(tt.atMost); got != tt.want {
			t.Errorf("bufferSize(%d) = %d, want %d", tt.atMost, got, tt.want)
		}
	}
	for _, tt := range []struct {
		name        string
		body, said  int
		wantBuffers int
	}{
		{"as said", 10000, 10000, 1},
		{"larger than said", 100000, 10000, 2},
	} {
		t.Run(tt.name, func(t *testing.T) {
			body := randomBody(5, tt.body)
			var stored bytes.Buffer
			got := ingest(&stored, readerSource{bytes.NewReader(body)}, false, bufferSize(int64(tt.said)))
			sum := md5.Sum(body)
			if got.n != int64(len(body)) || !bytes.Equal(got.md5, sum[:]) || !bytes.Equal(stored.Bytes(), body) {
				t.Fatalf("ingested %d of %d bytes", got.n, len(body))
			}
			if got.buffers < tt.wantBuffers || tt.wantBuffers == 1 && got.buffers != 1 {
				t.Errorf("%d buffers, want %d", got.buffers, tt.wantBuffers)
			}
		})
	}
}
