package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/twindesk/twindesk/internal/idset"
)

// driveSetMax is the largest text match set that drives a search as a list of
// ids: each is one row lookup, then the page is sorted. Past it the sort index
// is walked and each ticket probed against the set until a page is full, which
// reads about (page size / share of tickets matching) index rows.
const driveSetMax = 2000

// SearchMemo carries what the count and the page of one search share: the
// tickets its free text matches, found once. Create one per search with
// new(SearchMemo); a nil memo finds them again for each call.
type SearchMemo struct {
	done bool
	// set holds the matches; with negOnly (the query has only negated words)
	// it holds the tickets to leave out instead.
	set     idset.Set
	negOnly bool
}

// textMatches returns the tickets the free text matches, from the memo when it
// has them. Each term's matches come out of the full-text index as one set
// (FullText.IDSet); the positive ones are intersected and the negated ones
// subtracted in Go.
func (q *Queries) textMatches(ctx context.Context, memo *SearchMemo, pos, neg []Term) (*SearchMemo, error) {
	if memo == nil {
		memo = &SearchMemo{}
	}
	if memo.done {
		return memo, nil
	}
	var set idset.Set
	for i, t := range pos {
		s, err := q.termSet(ctx, t)
		if err != nil {
			return nil, err
		}
		if i == 0 {
			set = s
		} else {
			set.And(s)
		}
		if set.Len() == 0 {
			break // nothing left to intersect
		}
	}
	for _, t := range neg {
		if len(pos) > 0 && set.Len() == 0 {
			break
		}
		s, err := q.termSet(ctx, t)
		if err != nil {
			return nil, err
		}
		if len(pos) > 0 {
			set.AndNot(s)
		} else {
			set.Or(s)
		}
	}
	*memo = SearchMemo{done: true, set: set, negOnly: len(pos) == 0}
	return memo, nil
}

// termSet returns the set of live tickets with a part matching t, from the term
// cache when it has it.
func (q *Queries) termSet(ctx context.Context, t Term) (idset.Set, error) {
	word, cacheIt := cacheable(t)
	var gen uint64
	if cacheIt && q.terms != nil {
		set, ok, g := q.terms.get(word)
		if ok {
			return set, nil
		}
		gen = g
	}
	ft := q.d.FullText
	var b []byte
	if err := q.q.QueryRowContext(ctx, fmt.Sprintf(ft.IDSet, "$1"), ft.Expr([]Term{t})).Scan(&b); err != nil {
		return idset.Set{}, q.wrap("search words", err)
	}
	set := idset.FromBytes(b)
	if cacheIt && q.terms != nil {
		q.terms.put(word, set, gen)
	}
	return set, nil
}

// addTextMatches adds the condition "matches the free text" for m to w. A small
// set is listed, so that SQLite drives the query from it; a large one is probed
// per ticket (FullText.Has) while an index drives. A query whose words match
// nothing returns errNoMatch.
func (q *Queries) addTextMatches(w *sqlWhere, m *SearchMemo) error {
	ft := q.d.FullText
	if m.negOnly {
		w.add("NOT " + fmt.Sprintf(ft.Has, w.arg(m.set.Bytes()), "id"))
		return nil
	}
	n := m.set.Len()
	switch {
	case n == 0:
		return errNoMatch
	case n <= driveSetMax:
		w.add("id IN (" + fmt.Sprintf(ft.IDList, w.arg(idsJSON(m.set.IDs()))) + ")")
	default:
		w.add(fmt.Sprintf(ft.Has, w.arg(m.set.Bytes()), "id"))
	}
	return nil
}

// idsJSON renders ids as a JSON array.
func idsJSON(ids []int64) string {
	var b strings.Builder
	b.Grow(8 * len(ids))
	b.WriteByte('[')
	for i, id := range ids {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.FormatInt(id, 10))
	}
	b.WriteByte(']')
	return b.String()
}
