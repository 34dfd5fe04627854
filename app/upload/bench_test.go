package upload

import (
	"context"
	"io"
	"net/http"
	"os"
	"testing"
)

// BenchmarkBody measures the body pipeline alone: the file read into its
// buffers, the CRC-64 on the hashing goroutine, the buffers handed out
// (WriteTo, as to the upload connection) to a writer that does nothing.
func BenchmarkBody(b *testing.B) {
	const size = 64 << 20
	path := writeFile(b, size)
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		f, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		body := newBody(context.Background(), f, size, &progress{})
		if _, err := body.WriteTo(io.Discard); err != nil {
			b.Fatal(err)
		}
		if s := body.finish(); s.sent != size {
			b.Fatalf("sent %d", s.sent)
		}
		f.Close()
	}
}

// BenchmarkUpload sends 64 MiB over loopback to a server that only counts
// the bytes, so it measures the uploader: file reads, CRC-64 and the HTTP
// client (the MD5 is left out past md5HotPathMax).
func BenchmarkUpload(b *testing.B) {
	const size = 64 << 20
	srv := newServer(b, func(w http.ResponseWriter, r *http.Request, _ int) {
		io.Copy(io.Discard, r.Body)
		w.WriteHeader(http.StatusOK)
	})
	req := quick(presignPut(b, srv.URL, nil), writeFile(b, size))
	req.AllowUnverified = true // the server above computes no checksums
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Upload(context.Background(), req); err != nil {
			b.Fatal(err)
		}
	}
}
