package upload

import (
	"bytes"
	"context"
	"crypto/md5"
	"errors"
	"fmt"
	"hash/crc64"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"sync"
	"testing"
)

// chunkSizes are file sizes around the pipeline's edges: empty, one byte,
// one buffer, more than all buffers together, and past the MD5 limit.
var chunkSizes = []int{0, 1, chunkSize - 1, chunkSize, chunkSize*chunks + 7, 3 << 20, md5HotPathMax + 1}

// TestBodyPipeline: through Read (any transport) and through WriteTo (the
// upload connection), the body yields exactly the file, counts every byte
// and hashes what it sent; the MD5 only up to md5HotPathMax.
func TestBodyPipeline(t *testing.T) {
	for _, size := range chunkSizes {
		path := writeFile(t, size)
		data, _ := os.ReadFile(path)
		for _, how := range []string{"Read", "WriteTo"} {
			t.Run(fmt.Sprintf("%s/%d", how, size), func(t *testing.T) {
				f, err := os.Open(path)
				if err != nil {
					t.Fatal(err)
				}
				defer f.Close()
				b := newBody(context.Background(), f, int64(size), &progress{})
				var out bytes.Buffer
				if how == "Read" {
					// Small reads, as a transport that copies through a
					// buffer of its own makes them.
					_, err = io.CopyBuffer(struct{ io.Writer }{&out}, struct{ io.Reader }{b}, make([]byte, 1000))
				} else {
					_, err = b.WriteTo(&out)
				}
				s := b.finish()
				if err != nil || s.readErr != nil {
					t.Fatalf("copy: %v, read error %v", err, s.readErr)
				}
				if !bytes.Equal(out.Bytes(), data) || s.sent != int64(size) {
					t.Fatalf("sent %d bytes (counted %d), want the file's %d", out.Len(), s.sent, size)
				}
				if want := crc64.Checksum(data, crcTable); s.crc != want {
					t.Errorf("CRC-64 %d, want %d", s.crc, want)
				}
				switch sum := md5.Sum(data); {
				case size > md5HotPathMax && s.md5 != nil:
					t.Errorf("MD5 computed on the way for %d bytes", size)
				case size <= md5HotPathMax && !bytes.Equal(s.md5, sum[:]):
					t.Errorf("MD5 %x, want %x", s.md5, sum)
				}
			})
		}
	}
}

// TestBodyShrunkFile: a file shorter than its size fails the body with
// errShrunk once its last byte is out.
func TestBodyShrunkFile(t *testing.T) {
	path := writeFile(t, chunkSize+10)
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b := newBody(context.Background(), f, chunkSize*3, &progress{})
	n, err := b.WriteTo(io.Discard)
	s := b.finish()
	if !errors.Is(err, errShrunk) || !errors.Is(s.readErr, errShrunk) || n != chunkSize+10 {
		t.Errorf("wrote %d, err %v, read error %v", n, err, s.readErr)
	}
}

// TestBodyFinishStopsEverything: finishing a body half sent (the server
// answered early, or the attempt was cancelled) returns, ends its
// goroutines (the file may then close) and refuses further reads.
func TestBodyFinishStopsEverything(t *testing.T) {
	path := writeFile(t, chunkSize*chunks*3)
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	b := newBody(ctx, f, chunkSize*chunks*3, &progress{})
	if _, err := io.ReadFull(b, make([]byte, chunkSize+5)); err != nil {
		t.Fatal(err)
	}
	s := b.finish()
	if s.sent != chunkSize+5 || s.md5 != nil || s.readErr != nil {
		t.Errorf("sums %+v", s)
	}
	if n, err := b.Read(make([]byte, 10)); n != 0 || !errors.Is(err, errBodyFinished) {
		t.Errorf("read after finish: %d, %v", n, err)
	}
	if again := b.finish(); again.sent != s.sent || again.crc != s.crc {
		t.Errorf("second finish %+v, first %+v", again, s)
	}
}

// recordingConn records the sizes of the writes that reach it.
type recordingConn struct {
	net.Conn
	mu     sync.Mutex
	writes []int
}

func (c *recordingConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	c.writes = append(c.writes, len(p))
	c.mu.Unlock()
	return c.Conn.Write(p)
}

// TestUploadConnWritesWholeBuffers: through the upload client, the file
// reaches the socket in the pipeline's buffers (net/http's own path would
// cut it into 32 KiB writes), for a PUT and for a request link's form.
func TestUploadConnWritesWholeBuffers(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(ossHandler))
	defer srv.Close()
	var conns []*recordingConn
	var mu sync.Mutex
	client := *defaultClient()
	tr := client.Transport.(*http.Transport).Clone()
	dial := tr.DialContext
	tr.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := dial(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		// The recorder sits below the upload connection, as the socket does.
		rc := &recordingConn{Conn: c.(*uploadConn).Conn}
		mu.Lock()
		conns = append(conns, rc)
		mu.Unlock()
		return &uploadConn{Conn: rc}, nil
	}
	client.Transport = tr
	req := quick(presignPut(t, srv.URL, nil), writeFile(t, 2<<20))
	req.HTTPClient = &client
	if _, err := Upload(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	whole := 0
	for _, c := range conns {
		for _, n := range c.writes {
			if n == chunkSize {
				whole++
			}
		}
	}
	if whole < 2<<20/chunkSize-1 {
		t.Errorf("%d writes of a whole buffer, want about %d: %v", whole, 2<<20/chunkSize, conns[0].writes)
	}
}

// TestUploadLargeFileMD5: past md5HotPathMax the MD5 is left out when the
// server's CRC-64 verifies the upload, and computed by reading the file
// again when the answer has an MD5 but no CRC-64, where a wrong one is
// still caught.
func TestUploadLargeFileMD5(t *testing.T) {
	path := writeFile(t, md5HotPathMax+1)
	data, _ := os.ReadFile(path)
	wantMD5 := fmt.Sprintf("%x", md5.Sum(data))
	tests := []struct {
		name     string
		header   func(h http.Header)
		kind     error
		crc, md  bool
		md5      string
		md5Note  string
		sentence string
	}{
		{"CRC-64 and MD5 sent", func(http.Header) {}, nil, true, false, "", md5Skipped.String(), ""},
		{"no CRC-64: MD5 by a second read", func(h http.Header) { h.Del("x-oss-hash-crc64ecma") }, nil, false, true, wantMD5, "", ""},
		{"no CRC-64, wrong ETag", func(h http.Header) {
			h.Del("x-oss-hash-crc64ecma")
			h.Del("Content-MD5")
			h.Set("ETag", `"0123456789ABCDEF0123456789ABCDEF"`)
		}, ErrChecksum, false, false, wantMD5, "", "ETag 0123456789ABCDEF0123456789ABCDEF on the server"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := ossServerWith(t, tt.header)
			res, err := Upload(context.Background(), quick(presignPut(t, srv.URL, nil), path))
			if res == nil {
				t.Fatalf("no result: %v", err)
			}
			wantError(t, err, tt.kind, tt.sentence)
			if res.CRCVerified != tt.crc || res.MD5Verified != tt.md || res.MD5 != tt.md5 || res.MD5Note.String() != tt.md5Note {
				t.Errorf("crc %v md5 %v %q note %q, want %v %v %q %q", res.CRCVerified, res.MD5Verified, res.MD5, res.MD5Note, tt.crc, tt.md, tt.md5, tt.md5Note)
			}
		})
	}
}
