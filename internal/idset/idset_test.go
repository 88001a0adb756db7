package idset

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestSetMatchesMap checks every operation against a map-based reference on
// random sets, including ids past the other set's end.
func TestSetMatchesMap(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for round := range 50 {
		a, b := Set{}, Set{}
		ma, mb := map[int64]bool{}, map[int64]bool{}
		for range rng.IntN(500) {
			id := rng.Int64N(int64(1 + round*300))
			a.Add(id)
			ma[id] = true
		}
		for range rng.IntN(500) {
			id := rng.Int64N(int64(1 + (50-round)*300))
			b.Add(id)
			mb[id] = true
		}
		check := func(name string, got Set, want func(id int64) bool) {
			t.Helper()
			var ids []int64
			flags := got.Flags(make([]byte, 3))
			for id := int64(0); id < 16000; id++ {
				if want(id) {
					ids = append(ids, id)
				}
				if got.Has(id) != want(id) || (id < int64(len(flags)) && flags[id] == 1) != want(id) {
					t.Fatalf("round %d %s: Has(%d) = %v, want %v", round, name, id, got.Has(id), want(id))
				}
			}
			if !slices.Equal(got.IDs(), ids) && !(len(ids) == 0 && len(got.IDs()) == 0) {
				t.Fatalf("round %d %s: IDs %v, want %v", round, name, got.IDs(), ids)
			}
			if all := slices.Collect(got.All()); !slices.Equal(all, ids) {
				t.Fatalf("round %d %s: All %v, want %v", round, name, all, ids)
			}
			var back []int64
			last := -1
			for block, w := range got.BlocksBackward() {
				if w == 0 || (last >= 0 && block >= last) {
					t.Fatalf("round %d %s: block %d (word %x) after block %d", round, name, block, w, last)
				}
				last = block
				for bit := 63; bit >= 0; bit-- {
					if w&(1<<bit) != 0 {
						back = append(back, int64(block)<<6+int64(bit))
					}
				}
			}
			slices.Reverse(back)
			if !slices.Equal(back, ids) {
				t.Fatalf("round %d %s: BlocksBackward %v, want %v reversed", round, name, back, ids)
			}
			if got.Len() != len(ids) {
				t.Fatalf("round %d %s: Len %d, want %d", round, name, got.Len(), len(ids))
			}
		}
		check("a", a, func(id int64) bool { return ma[id] })
		check("decoded a", FromBytes(a.Bytes()), func(id int64) bool { return ma[id] })
		and := FromBytes(a.Bytes())
		and.And(b)
		check("a and b", and, func(id int64) bool { return ma[id] && mb[id] })
		not := FromBytes(a.Bytes())
		not.AndNot(b)
		check("a and not b", not, func(id int64) bool { return ma[id] && !mb[id] })
		or := FromBytes(a.Bytes())
		or.Or(b)
		check("a or b", or, func(id int64) bool { return ma[id] || mb[id] })
	}
}

func TestNegativeIDsAreNeverMembers(t *testing.T) {
	var s Set
	s.Add(-1)
	s.Add(3)
	if s.Len() != 1 || s.Has(-1) {
		t.Fatalf("negative id in set: %v", s.IDs())
	}
}

func TestFromBytesShortTail(t *testing.T) {
	s := FromBytes([]byte{0, 0, 0, 0, 0, 0, 0, 0, 0b100})
	if !slices.Equal(s.IDs(), []int64{66}) {
		t.Fatalf("IDs = %v, want [66]", s.IDs())
	}
}
