package index

import (
	"context"
	"math/bits"
	"slices"

	"github.com/twindesk/twindesk/internal/idset"
	"github.com/twindesk/twindesk/internal/model"
)

// Search pages picked from the tickets' times (ticketTimes) instead of SQL's
// sort: the first offset+limit matches of a set in page order, kept in a heap.

// pageOrder is a search page's order: by created_at or updated_at, then id,
// both descending unless asc.
type pageOrder struct {
	byCreated, asc bool
}

// timeKey is one match as the page order sees it.
type timeKey struct{ at, id int64 }

// before reports whether a comes before b in the order.
func (o pageOrder) before(a, b timeKey) bool {
	if a.at != b.at {
		return (a.at < b.at) == o.asc
	}
	return (a.id < b.id) == o.asc
}

// timePage returns the ids of the tickets at [offset, offset+limit) of set in
// order o; false when the times are not loaded yet or miss a member of set
// (the caller then asks SQL).
func (c *Cache) timePage(set idset.Set, o pageOrder, offset, limit int) ([]int64, bool) {
	cols := c.wantTimes()
	if cols == nil {
		return nil, false
	}
	// The first offset+limit in order, kept in a heap whose root is the last of
	// them: a match enters only when it comes before the root. Newer tickets
	// have higher ids and mostly later times, so walking the ids the way the
	// order goes fills the heap with nearly the right ones first; newest first,
	// most older blocks then fail their bound without a look at their ids.
	h := firstN{o: o, n: offset + limit}
	visit := func(id int64) bool {
		k := timeKey{cols.time(id, o.byCreated), id}
		if k.at == 0 {
			return false
		}
		if len(h.keys) < h.n || o.before(k, h.keys[0]) {
			h.offer(k)
		}
		return true
	}
	if o.asc {
		for id := range set.All() {
			if !visit(id) {
				return nil, false
			}
		}
	} else {
		for block, w := range set.BlocksBackward() {
			bound, ok := cols.bound(block, o.byCreated)
			if !ok {
				return nil, false
			}
			// Every kept id is from a block walked before, so higher than this
			// block's ids: on a tie in time, the kept one comes first too.
			if len(h.keys) == h.n && bound <= h.keys[0].at {
				continue // no ticket of the block can come before the page's last
			}
			for ; w != 0; w &^= 1 << uint(63-bits.LeadingZeros64(w)) {
				if !visit(int64(block)<<6 + int64(63-bits.LeadingZeros64(w))) {
					return nil, false
				}
			}
		}
	}
	slices.SortFunc(h.keys, func(a, b timeKey) int {
		if o.before(a, b) {
			return -1
		}
		return 1
	})
	if offset >= len(h.keys) {
		return []int64{}, true
	}
	page := make([]int64, 0, len(h.keys)-offset)
	for _, k := range h.keys[offset:] {
		page = append(page, k.id)
	}
	return page, true
}

// firstN keeps the first n keys offered, in order o, as a heap with the last
// of them at the root.
type firstN struct {
	o    pageOrder
	n    int
	keys []timeKey
}

func (h *firstN) offer(k timeKey) {
	switch {
	case h.n <= 0:
	case len(h.keys) < h.n:
		h.keys = append(h.keys, k)
		h.up(len(h.keys) - 1)
	case h.o.before(k, h.keys[0]):
		h.keys[0] = k
		h.down(0)
	}
}

// later reports whether key i comes after key j: the heap's order.
func (h *firstN) later(i, j int) bool { return h.o.before(h.keys[j], h.keys[i]) }

func (h *firstN) up(i int) {
	for i > 0 {
		parent := (i - 1) / 2
		if !h.later(i, parent) {
			return
		}
		h.keys[i], h.keys[parent] = h.keys[parent], h.keys[i]
		i = parent
	}
}

func (h *firstN) down(i int) {
	for {
		last := i
		for _, child := range []int{2*i + 1, 2*i + 2} {
			if child < len(h.keys) && h.later(child, last) {
				last = child
			}
		}
		if last == i {
			return
		}
		h.keys[i], h.keys[last] = h.keys[last], h.keys[i]
		i = last
	}
}

// pageFromSet reads a search page by picking its ids from the in-memory times
// (timePage) when the query's matches are exactly a set in Go: free text with
// every condition folded into its set, or one tag alone. False leaves the page
// to SQL: another kind of query or order, a cursor, or times not loaded yet.
func (q *run) pageFromSet(ctx context.Context, p Params) ([]model.Ticket, bool, error) {
	by, dir := sortKeys(p)
	if q.terms == nil || p.Cursor || len(p.Query.IDs) > 0 || (by != "" && by != "updated_at" && by != "created_at") {
		return nil, false, nil
	}
	set, ok, err := q.exactSet(ctx, p)
	if !ok || err != nil {
		return nil, false, err
	}
	ids, ok := q.terms.timePage(set, pageOrder{byCreated: by == "created_at", asc: dir == "asc"}, p.Offset, p.Limit)
	if !ok {
		return nil, false, nil
	}
	rows, err := q.r.TicketsByIDs(ctx, ids)
	if err != nil {
		return nil, false, err
	}
	// Back in page order; a ticket deleted since the set was read is left out.
	byID := make(map[int64]model.Ticket, len(rows))
	for _, t := range rows {
		byID[t.ID] = t
	}
	page := make([]model.Ticket, 0, len(ids))
	for _, id := range ids {
		if t, ok := byID[id]; ok {
			page = append(page, t)
		}
	}
	if len(page) == 0 {
		return nil, true, nil // as the SQL plans answer no match, whichever plan ran
	}
	return page, true, nil
}

// exactSet returns the set of the tickets p's query matches, when it is known
// in Go; false otherwise.
func (q *run) exactSet(ctx context.Context, p Params) (idset.Set, bool, error) {
	if tag, ok := onlyTag(p.Query); ok {
		set, err := q.tagSet(ctx, tag)
		return set, err == nil, err
	}
	pos, neg := textTerms(p.Query)
	if len(pos) == 0 {
		return idset.Set{}, false, nil
	}
	m, err := q.foldedMatches(ctx, p, pos, neg)
	if err != nil {
		return idset.Set{}, false, err
	}
	return m.set, len(m.rest) == 0, nil
}
