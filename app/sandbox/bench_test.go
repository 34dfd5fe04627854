package sandbox

import (
	"bytes"
	"crypto/md5"
	"fmt"
	"math/rand/v2"
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

// BenchmarkStorePut measures the store path of a PUT: the body into the
// temporary file with its MD5 and CRC-64, fsync, the commit. MD5 is its
// floor (BenchmarkMD5 beside it gives the rate in the same run).
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
		in := putInput{Bucket: "bench", Key: fmt.Sprint("k", i%2), Size: benchSize, ContentType: "application/octet-stream", StorageClass: "Standard", ACL: "default"}
		if _, err := st.put(in, bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMD5 is the single-core MD5 rate the store path is held to.
func BenchmarkMD5(b *testing.B) {
	data := benchData()
	b.SetBytes(benchSize)
	for b.Loop() {
		md5.Sum(data)
	}
}
