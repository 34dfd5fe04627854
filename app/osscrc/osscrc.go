// Package osscrc computes the CRC-64 that OSS returns for every upload
// (x-oss-hash-crc64ecma): CRC-64/ECMA-182 as hash/crc64 computes it with
// the ECMA table, bit for bit, but with the processor's carry-less
// multiplication where there is one (PCLMULQDQ on amd64), about ten times
// the table's rate. The uploader computes it on the hot path and the
// sandbox for every object it stores; at the table's rate it cost more
// processor time than sending the bytes over loopback.
package osscrc

import (
	"encoding/binary"
	"hash"
	"hash/crc64"
)

// Size is the size of the checksum in bytes.
const Size = crc64.Size

var table = crc64.MakeTable(crc64.ECMA)

// Update returns the CRC-64 of the bytes before p (crc) and p, as
// crc64.Update does with the ECMA table.
func Update(crc uint64, p []byte) uint64 {
	return update(crc, p)
}

// Checksum returns the CRC-64 of p.
func Checksum(p []byte) uint64 { return Update(0, p) }

// New returns a hash.Hash64 of the CRC-64; its Sum is big-endian, as
// hash/crc64's.
func New() hash.Hash64 { return &digest{} }

type digest struct{ crc uint64 }

func (d *digest) Size() int      { return Size }
func (d *digest) BlockSize() int { return 1 }
func (d *digest) Reset()         { d.crc = 0 }
func (d *digest) Sum64() uint64  { return d.crc }
func (d *digest) Sum(in []byte) []byte {
	return binary.BigEndian.AppendUint64(in, d.crc)
}

func (d *digest) Write(p []byte) (int, error) {
	d.crc = Update(d.crc, p)
	return len(p), nil
}

// xPowMod returns x^e mod P for the ECMA polynomial P, bit-reflected (bit
// i is the coefficient of x^(63-i)), as the folding constants need it.
func xPowMod(e int) uint64 {
	r := uint64(1) << 63 // x^0
	for range e {
		// Multiplying by x moves every coefficient up one; x^64 is
		// replaced by its remainder, the polynomial's low terms.
		carry := r & 1
		r >>= 1
		if carry != 0 {
			r ^= crc64.ECMA
		}
	}
	return r
}
