package osscrc

import (
	"encoding/binary"
	"hash/crc64"

	"golang.org/x/sys/cpu"
)

var hasCLMUL = cpu.X86.HasPCLMULQDQ && cpu.X86.HasSSE41

// foldConstants are, bit-reflected, x^(D+63) mod P and x^(D-1) mod P for
// folding 128 bits over a distance of D bits: D = 512 (four lanes of 16
// bytes), then D = 128 (lane into lane). One less than the distance in
// each exponent makes up for the carry-less product of two reflected
// 64-bit values landing one bit short of the 128-bit register's top.
var foldConstants = [4]uint64{xPowMod(575), xPowMod(511), xPowMod(191), xPowMod(127)}

// foldCLMUL folds p (a multiple of 64 bytes, at least 64), with the CRC
// register crc (already inverted) added to its first bytes, into 16 bytes
// whose CRC-64 from a zero register is p's CRC-64 from crc.
//
//go:noescape
func foldCLMUL(crc uint64, p []byte, k *[4]uint64) (lo, hi uint64)

func update(crc uint64, p []byte) uint64 {
	if !hasCLMUL || len(p) < 128 {
		return crc64.Update(crc, table, p)
	}
	n := len(p) &^ 63
	lo, hi := foldCLMUL(^crc, p[:n], &foldConstants)
	var rest [16]byte
	binary.LittleEndian.PutUint64(rest[:8], lo)
	binary.LittleEndian.PutUint64(rest[8:], hi)
	crc = crc64.Update(^uint64(0), table, rest[:])
	return crc64.Update(crc, table, p[n:])
}
