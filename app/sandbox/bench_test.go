package sandbox

import (
	"bytes"
	"crypto/md5"
	"fmt"
	"io"
	"math/rand/v2"
	"mime/multipart"
	"os"
	"testing"
	"time"
)

// benchSize is what one iteration of the store benchmarks moves.
const benchSize = 64 << 20

func benchData() []byte {
	data := make([]byte, benchSize)
	rand.NewChaCha8([32]byte{1}).Read(data)
	return data
}

// benchBoundary and benchFields make the form of the POST benchmarks, as
// curl -F sends a request link's form.
const benchBoundary = "------------------------d74496d66958873e"

var benchFields = [][2]string{{"key", "in/${filename}"}, {"policy", string(bytes.Repeat([]byte("eyJ"), 300))}, {"x-oss-signature", "0123456789abcdef"}}

// BenchmarkStorePut measures the store path of a PUT: the body into the
// temporary file with its MD5 and CRC-64, fsync, the commit of a new
// object. MD5 is its floor (BenchmarkMD5 beside it gives the rate in the
// same run).
func BenchmarkStorePut(b *testing.B) {
	st, err := newStore(b.TempDir(), time.Now)
	if err != nil {
		b.Fatal(err)
	}
	data := benchData()
	b.SetBytes(benchSize)
	i := 0
	for b.Loop() {
		i++
		in := putInput{Bucket: "bench", Key: fmt.Sprint("k", i), Size: benchSize, ContentType: "application/octet-stream", StorageClass: "Standard", ACL: "default"}
		if _, err := st.put(in, bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkStorePost is BenchmarkStorePut for a form (PostObject): the
// fields read, then the file part found by formReader and streamed into
// the store from the buffers it was read into.
func BenchmarkStorePost(b *testing.B) {
	st, err := newStore(b.TempDir(), time.Now)
	if err != nil {
		b.Fatal(err)
	}
	body := form(benchBoundary, benchFields, "bench.bin", benchData())
	b.SetBytes(benchSize)
	i := 0
	for b.Loop() {
		i++
		fr, err := newFormReader(bytes.NewReader(body), benchBoundary)
		if err != nil {
			b.Fatal(err)
		}
		file := benchFilePart(b, fr)
		in := putInput{Bucket: "bench", Key: fmt.Sprint("k", i), Size: -1, ContentType: "application/octet-stream", StorageClass: "Standard", ACL: "default"}
		info, err := st.putFrom(in, file)
		if err != nil || info.Size != benchSize {
			b.Fatalf("%+v, %v", info, err)
		}
	}
}

// benchFilePart reads the fields of a benchmark form and returns its file.
func benchFilePart(b *testing.B, fr *formReader) *streamedPart {
	for {
		p, err := fr.nextPart()
		if err != nil {
			b.Fatal(err)
		}
		if p.formName() == "file" {
			return p
		}
		if _, err := io.ReadAll(p); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkIngest is the store path without the commit, and reports how
// long the MD5 waited for buffers (it should not wait at all) and how many
// buffers the upload used.
func BenchmarkIngest(b *testing.B) {
	dir := b.TempDir()
	data := benchData()
	b.SetBytes(benchSize)
	var waited time.Duration
	buffers := 0
	for b.Loop() {
		f, err := os.CreateTemp(dir, "ingest-*")
		if err != nil {
			b.Fatal(err)
		}
		got := ingest(newDiskWriter(f), readerSource{bytes.NewReader(data)}, false, ingestChunk)
		if got.readErr != nil || got.writeErr != nil || got.n != benchSize {
			b.Fatalf("%+v", got)
		}
		waited += got.md5Wait
		buffers += got.buffers
		f.Close() // kept: removing it here would time the removal
	}
	b.ReportMetric(float64(waited.Microseconds())/float64(b.N), "md5-wait-µs/op")
	b.ReportMetric(float64(buffers)/float64(b.N), "buffers/op")
}

// BenchmarkMD5 is the single-core MD5 rate the store path is held to.
func BenchmarkMD5(b *testing.B) {
	data := benchData()
	b.SetBytes(benchSize)
	for b.Loop() {
		md5.Sum(data)
	}
}

// BenchmarkFormReader reads the file part of a form into 1 MiB buffers,
// with formReader (into them) and with mime/multipart (through its own
// buffer) for comparison.
func BenchmarkFormReader(b *testing.B) {
	body := form(benchBoundary, benchFields, "bench.bin", benchData())
	buf := alignedBytes(ingestChunk)
	b.Run("formReader", func(b *testing.B) {
		b.SetBytes(benchSize)
		for b.Loop() {
			fr, _ := newFormReader(bytes.NewReader(body), benchBoundary)
			file := benchFilePart(b, fr)
			total := 0
			for {
				n, err := file.fill(buf)
				total += n
				if err == io.EOF {
					break
				}
				if err != nil {
					b.Fatal(err)
				}
			}
			if total != benchSize {
				b.Fatalf("%d bytes", total)
			}
		}
	})
	b.Run("mime-multipart", func(b *testing.B) {
		b.SetBytes(benchSize)
		for b.Loop() {
			mr := multipart.NewReader(bytes.NewReader(body), benchBoundary)
			for {
				p, err := mr.NextPart()
				if err != nil {
					b.Fatal(err)
				}
				n, err := io.CopyBuffer(io.Discard, p, buf)
				if err != nil {
					b.Fatal(err)
				}
				if p.FormName() == "file" {
					if n != benchSize {
						b.Fatalf("%d bytes", n)
					}
					break
				}
			}
		}
	})
}
