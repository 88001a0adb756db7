package idset_test

import (
	"testing"

	"github.com/RoaringBitmap/roaring/v2"

	"github.com/twindesk/twindesk/internal/idset"
)

// The operations a search makes on the match sets of a million tickets: a
// common word (one ticket in 10), a rarer one (one in 25), intersected, one
// subtracted, the result counted and walked, and a cached set copied. They
// compare idset with github.com/RoaringBitmap/roaring, the well-kept library
// for the job (issue 20); the figures are in docs/benchmarks.md.
const benchTickets = 1_000_000

func benchIDs(step, offset int) []uint32 {
	var ids []uint32
	for id := offset; id < benchTickets; id += step {
		ids = append(ids, uint32(id))
	}
	return ids
}

func idsetOf(ids []uint32) idset.Set {
	var s idset.Set
	for _, id := range ids {
		s.Add(int64(id))
	}
	return s
}

// sink keeps results alive so the compiler can't drop the work.
var sink int

func BenchmarkSearchSets(b *testing.B) {
	common, rare := benchIDs(10, 3), benchIDs(25, 1)
	b.Run("idset", func(b *testing.B) {
		a, r := idsetOf(common), idsetOf(rare)
		enc := a.Bytes()
		b.Run("decode", func(b *testing.B) {
			for b.Loop() {
				sink += idset.FromBytes(enc).Len()
			}
		})
		b.Run("and+andnot+len+walk", func(b *testing.B) {
			for b.Loop() {
				s := a.Clone()
				s.And(r)
				t := a.Clone()
				t.AndNot(r)
				n := s.Len() + t.Len()
				for id := range s.All() {
					n += int(id & 1)
				}
				sink += n
			}
		})
	})
	b.Run("roaring", func(b *testing.B) {
		a, r := roaring.BitmapOf(common...), roaring.BitmapOf(rare...)
		a.RunOptimize()
		enc, err := a.ToBytes()
		if err != nil {
			b.Fatal(err)
		}
		b.Run("decode", func(b *testing.B) {
			for b.Loop() {
				s := roaring.New()
				if _, err := s.FromBuffer(enc); err != nil {
					b.Fatal(err)
				}
				sink += int(s.GetCardinality())
			}
		})
		b.Run("and+andnot+len+walk", func(b *testing.B) {
			for b.Loop() {
				s := roaring.And(a, r)
				t := roaring.AndNot(a, r)
				n := int(s.GetCardinality() + t.GetCardinality())
				it := s.Iterator()
				for it.HasNext() {
					n += int(it.Next() & 1)
				}
				sink += n
			}
		})
	})
}
