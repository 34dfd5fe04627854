package upload

import (
	"context"
	"io"
	"net/http"
	"testing"
)

// BenchmarkUpload sends 64 MiB over loopback to a server that only counts
// the bytes, so it measures the uploader: file reads, CRC-64, MD5 and the
// HTTP client.
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
