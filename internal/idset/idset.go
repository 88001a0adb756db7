// Package idset is a set of non-negative ids as a bitmap: one bit per id up to
// the largest. It is how a search combines the matches of its words: each word's
// tickets come out of the full-text index as one set, and intersecting or
// subtracting a million-ticket bitmap takes microseconds, where SQL set
// operations over the same matches build a temporary index of each.
//
// The encoding, Bytes, is the bitmap in little-endian 64-bit words, so the SQLite
// functions that build and probe sets (package store/sqlite) and Go agree on it.
package idset

import (
	"encoding/binary"
	"iter"
	"math/bits"
)

// Set is a bitmap of ids; the zero value is empty.
type Set struct{ words []uint64 }

// FromBytes decodes a set encoded by Bytes; trailing bytes short of a word are
// read as zeros.
func FromBytes(b []byte) Set {
	s := Set{words: make([]uint64, (len(b)+7)/8)}
	for i := range s.words {
		var w [8]byte
		copy(w[:], b[8*i:])
		s.words[i] = binary.LittleEndian.Uint64(w[:])
	}
	return s
}

// Bytes encodes s.
func (s Set) Bytes() []byte {
	b := make([]byte, 8*len(s.words))
	for i, w := range s.words {
		binary.LittleEndian.PutUint64(b[8*i:], w)
	}
	return b
}

// Add puts id in s; negative ids are ignored.
func (s *Set) Add(id int64) {
	if id < 0 {
		return
	}
	i := int(id >> 6)
	if i >= len(s.words) {
		// Grow by doubling: ids arrive roughly in order, so this is amortised.
		s.words = append(s.words, make([]uint64, max(i+1-len(s.words), len(s.words)))...)
	}
	s.words[i] |= 1 << (uint64(id) & 63)
}

// Has reports whether id is in s.
func (s Set) Has(id int64) bool {
	i := id >> 6
	return id >= 0 && i < int64(len(s.words)) && s.words[i]&(1<<(uint64(id)&63)) != 0
}

// Flags returns s as one byte per id, 1 for a member and 0 otherwise, up to the
// end of its last word, in buf when it is large enough. SQLite tests a byte of a
// blob with substr() and no function call, several times faster per row than
// calling into Go.
func (s Set) Flags(buf []byte) []byte {
	n := 64 * len(s.words)
	if cap(buf) < n {
		buf = make([]byte, n)
	}
	buf = buf[:n]
	clear(buf)
	for i, w := range s.words {
		for w != 0 {
			buf[i<<6+bits.TrailingZeros64(w)] = 1
			w &= w - 1
		}
	}
	return buf
}

// And keeps in s only the ids also in o.
func (s *Set) And(o Set) {
	s.words = s.words[:min(len(s.words), len(o.words))]
	for i := range s.words {
		s.words[i] &= o.words[i]
	}
}

// AndNot removes from s the ids in o.
func (s *Set) AndNot(o Set) {
	for i := range min(len(s.words), len(o.words)) {
		s.words[i] &^= o.words[i]
	}
}

// Or adds to s the ids in o.
func (s *Set) Or(o Set) {
	if len(o.words) > len(s.words) {
		s.words = append(s.words, make([]uint64, len(o.words)-len(s.words))...)
	}
	for i, w := range o.words {
		s.words[i] |= w
	}
}

// Len is the number of ids in s.
func (s Set) Len() int {
	n := 0
	for _, w := range s.words {
		n += bits.OnesCount64(w)
	}
	return n
}

// IDs lists the ids in s in ascending order.
func (s Set) IDs() []int64 {
	out := make([]int64, 0, s.Len())
	for id := range s.All() {
		out = append(out, id)
	}
	return out
}

// All yields the ids in s in ascending order.
func (s Set) All() iter.Seq[int64] {
	return func(yield func(int64) bool) {
		for i, w := range s.words {
			for w != 0 {
				if !yield(int64(i)<<6 + int64(bits.TrailingZeros64(w))) {
					return
				}
				w &= w - 1
			}
		}
	}
}

// BlocksBackward yields s's non-empty blocks of 64 ids, highest first: block b
// holds ids 64b to 64b+63, bit i of its word standing for id 64b+i. A caller
// that keeps a bound per block can skip a whole block with one test.
func (s Set) BlocksBackward() iter.Seq2[int, uint64] {
	return func(yield func(int, uint64) bool) {
		for i := len(s.words) - 1; i >= 0; i-- {
			if s.words[i] != 0 && !yield(i, s.words[i]) {
				return
			}
		}
	}
}

// Remove takes id out of s.
func (s *Set) Remove(id int64) {
	if i := id >> 6; id >= 0 && i < int64(len(s.words)) {
		s.words[i] &^= 1 << (uint64(id) & 63)
	}
}

// Clone returns a copy of s that shares no memory with it.
func (s Set) Clone() Set { return Set{words: append([]uint64(nil), s.words...)} }
