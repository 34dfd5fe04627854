package osscrc

import (
	"fmt"
	"hash/crc64"
	"math/rand/v2"
	"testing"
)

func random(n int, seed byte) []byte {
	p := make([]byte, n)
	rand.NewChaCha8([32]byte{seed, byte(n), byte(n >> 8)}).Read(p)
	return p
}

// TestMatchesHashCRC64: every length around the folding's edges (64-byte
// blocks, the 128-byte minimum), large ones, and split writes give
// exactly hash/crc64's ECMA checksum.
func TestMatchesHashCRC64(t *testing.T) {
	var sizes []int
	for n := range 300 {
		sizes = append(sizes, n)
	}
	sizes = append(sizes, 1023, 1024, 1025, 4096+17, 1<<20, 1<<20+63, 3<<20+5)
	for _, n := range sizes {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			p := random(n, 1)
			want := crc64.Checksum(p, table)
			if got := Checksum(p); got != want {
				t.Fatalf("Checksum = %#x, want %#x", got, want)
			}
			// A running CRC: start from a non-zero one, and in pieces.
			split := n / 3
			if got, want := Update(Update(0, p[:split]), p[split:]), want; got != want {
				t.Errorf("split at %d: %#x, want %#x", split, got, want)
			}
			h := New()
			h.Write(p[:split])
			h.Write(p[split:])
			if h.Sum64() != want || len(h.Sum(nil)) != Size {
				t.Errorf("hash %#x, want %#x", h.Sum64(), want)
			}
		})
	}
}

// TestKnownValue: the CRC-64/XZ check value of "123456789", which OSS's
// x-oss-hash-crc64ecma is.
func TestKnownValue(t *testing.T) {
	if got := Checksum([]byte("123456789")); got != 0x995dc9bbdf1939fa {
		t.Errorf("got %#x", got)
	}
	p := []byte{}
	for range 40 {
		p = append(p, "123456789"...)
	}
	if got, want := Checksum(p), crc64.Checksum(p, table); got != want {
		t.Errorf("360 bytes: %#x, want %#x", got, want)
	}
}

func FuzzMatchesHashCRC64(f *testing.F) {
	f.Add([]byte("123456789"), uint64(0), 3)
	f.Add(random(200, 2), uint64(1), 64)
	f.Add(random(1000, 3), ^uint64(0), 500)
	f.Fuzz(func(t *testing.T, p []byte, crc uint64, split int) {
		if got, want := Update(crc, p), crc64.Update(crc, table, p); got != want {
			t.Fatalf("Update(%#x, %d bytes) = %#x, want %#x", crc, len(p), got, want)
		}
		if split < 0 || split > len(p) {
			return
		}
		if got, want := Update(Update(crc, p[:split]), p[split:]), crc64.Update(crc, table, p); got != want {
			t.Fatalf("split at %d: %#x, want %#x", split, got, want)
		}
	})
}

func BenchmarkUpdate(b *testing.B) {
	p := random(1<<20, 4)
	b.SetBytes(int64(len(p)))
	for b.Loop() {
		Update(0, p)
	}
}

func BenchmarkHashCRC64(b *testing.B) {
	p := random(1<<20, 4)
	b.SetBytes(int64(len(p)))
	for b.Loop() {
		crc64.Update(0, table, p)
	}
}
