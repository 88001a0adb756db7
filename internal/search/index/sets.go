package index

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/twindesk/twindesk/internal/idset"
	"github.com/twindesk/twindesk/internal/search"
)

// driveSetMax is the largest text match set that drives a search as a list of
// ids: each is one row lookup, then the page is sorted. Past it the sort index
// is walked and each ticket probed against the set until a page is full, which
// reads about (page size / share of tickets matching) index rows.
const driveSetMax = 2000

// Memo carries what the count and the page of one search share: the
// tickets its free text matches, found once. Create one per search with
// new(Memo); without one, each store call makes its own.
type Memo struct {
	done bool
	// set holds the matches; with negOnly (the query has only negated words)
	// it holds the tickets to leave out instead.
	set     idset.Set
	negOnly bool
	// folded: the query's foldable keyword conditions are in set too (foldConds),
	// and rest holds the others, to be rendered as SQL.
	folded bool
	rest   []search.Cond
	// names holds the ids of the groups and users the query names, looked up
	// once for the count and the page.
	names map[nameKey][]int64
}

// textMatches returns the tickets the free text matches, from the memo when it
// has them. Each term's matches come out of the full-text index as one set
// (FullText.IDSet); the positive ones are intersected and the negated ones
// subtracted in Go.
func (q *run) textMatches(ctx context.Context, memo *Memo, pos, neg []Term) (*Memo, error) {
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
	*memo = Memo{done: true, set: set, negOnly: len(pos) == 0}
	return memo, nil
}

// termSet returns the set of live tickets with a part matching t, from the term
// cache when it has it.
func (q *run) termSet(ctx context.Context, t Term) (idset.Set, error) {
	key, cacheIt := cacheable(t)
	return q.cachedSet(ctx, key, cacheIt, q.ft.IDSet, q.ft.Expr([]Term{t}))
}

// tagSet returns the set of live tickets tagged tag (lower-cased).
func (q *run) tagSet(ctx context.Context, tag string) (idset.Set, error) {
	return q.cachedSet(ctx, TagKey(tag), true, q.ft.TagSet, tag)
}

// cachedSet returns the set under key in the term cache, or runs query (a
// format with one %s for the placeholder of arg) and offers its set to the
// cache when cacheIt.
func (q *run) cachedSet(ctx context.Context, key string, cacheIt bool, query string, arg any) (idset.Set, error) {
	cacheIt = cacheIt && q.terms != nil
	var gen uint64
	if cacheIt {
		set, ok, g := q.terms.get(key)
		if ok {
			return set, nil
		}
		gen = g
	}
	var b []byte
	if err := q.r.QueryRowContext(ctx, fmt.Sprintf(query, "$1"), arg).Scan(&b); err != nil {
		return idset.Set{}, wrap("search set", err)
	}
	set := idset.FromBytes(b)
	if cacheIt {
		q.terms.put(key, set, gen)
	}
	return set, nil
}

// resolveTags reads the set of each tag the query names, for setCond.
func (q *run) resolveTags(ctx context.Context, w *sqlWhere, query *search.Query) error {
	for _, c := range query.Conds {
		tag := strings.ToLower(c.Value)
		if c.Field != "tags" || tag == "none" {
			continue
		}
		if _, ok := w.tagSets[tag]; ok {
			continue
		}
		set, err := q.tagSet(ctx, tag)
		if err != nil {
			return err
		}
		if w.tagSets == nil {
			w.tagSets = map[string]idset.Set{}
		}
		w.tagSets[tag] = set
	}
	return nil
}

// addSets combines the free text and the keyword conditions that fold into it
// as sets in Go (FullText.IDSet), adds the result to w, and leaves p's query
// with the conditions still to render as SQL.
func (q *run) addSets(ctx context.Context, w *sqlWhere, p *Params, pos, neg []Term) error {
	m, err := q.foldedMatches(ctx, *p, pos, neg)
	if err != nil {
		return err
	}
	if err := addTextMatches(w, m); err != nil {
		return err
	}
	if m.folded {
		rest := *p.Query
		rest.Conds = m.rest
		p.Query = &rest
	}
	return nil
}

// foldedMatches returns p's memo with the tickets its free text matches,
// narrowed by the keyword conditions that fold into that set (foldConds).
func (q *run) foldedMatches(ctx context.Context, p Params, pos, neg []Term) (*Memo, error) {
	m, err := q.textMatches(ctx, p.Memo, pos, neg)
	if err != nil {
		return nil, err
	}
	return m, q.foldConds(ctx, m, p)
}

// addTextMatches adds the condition "matches the free text" for m to w. A query
// whose words match nothing returns errNoMatch.
func addTextMatches(w *sqlWhere, m *Memo) error {
	if m.negOnly {
		w.add("NOT (" + w.setCond(m.set) + ")")
		return nil
	}
	if m.set.Len() == 0 {
		return errNoMatch
	}
	w.add(w.setCond(m.set))
	return nil
}

// setCond renders "id is in set". A small set is listed, so that SQLite drives
// the query from it; a large one is probed per ticket (FullText.Has) while an
// index drives.
func (w *sqlWhere) setCond(set idset.Set) string {
	ft := w.ft
	switch n := set.Len(); {
	case n == 0:
		return "1 = 0"
	case n <= driveSetMax:
		return "id IN (" + fmt.Sprintf(ft.IDList, w.arg(idsJSON(set.IDs()))) + ")"
	}
	return fmt.Sprintf(ft.Has, w.flagsArg(set), "id")
}

// flagBufs recycles the byte-per-id blobs of setCond: one is a megabyte at a
// million tickets, and allocating one per search made the garbage collector
// cost more than the probes it sped up. It keeps a few only (flagBufsKept): a
// sync.Pool kept one per search in flight, hundreds of megabytes after a burst.
// Each engine has its own; a nil one recycles nothing.
type flagBufs chan []byte

const flagBufsKept = 8

// get returns a recycled buffer, or nil when none is free.
func (f flagBufs) get() []byte {
	select {
	case b := <-f:
		return b
	default:
		return nil
	}
}

// put keeps b for a later search, unless enough are kept already.
func (f flagBufs) put(b []byte) {
	select {
	case f <- b:
	default: // this one goes to the garbage collector
	}
}

// flagsArg binds set as one byte per id in a recycled buffer.
func (w *sqlWhere) flagsArg(set idset.Set) string {
	b := set.Flags(w.bufs.get())
	w.flags = append(w.flags, b)
	return w.arg(b)
}

// release gives w's flag buffers back once its statement has run: the driver
// copied them when it bound them.
func (w *sqlWhere) release() {
	for _, b := range w.flags {
		w.bufs.put(b)
	}
	w.flags = nil
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

// foldConds narrows the text matches in m by the query's keyword conditions
// that have sets of their own (status, priority, type, tags, assignee, group)
// and then by its date conditions (foldDate), once per search, and keeps the
// other conditions in m.rest. A condition is folded only when it is the
// query's one condition on its field, or a date range: repeated equalities
// combine with OR, ranges with AND.
// Counting a search then needs no SQL at all when every condition folded, and
// a page probes one set instead of walking an index per condition.
func (q *run) foldConds(ctx context.Context, m *Memo, p Params) error {
	if m.folded || m.negOnly {
		return nil
	}
	conds := p.Query.Conds
	perField := map[string]int{}
	for _, c := range conds {
		perField[c.Field]++
	}
	m.rest = nil
	var dates []search.Cond
	for _, c := range conds {
		if (c.Field == "created" || c.Field == "updated") && (c.Op != search.OpEq || perField[c.Field] == 1) {
			dates = append(dates, c) // last: the other sets make the set they filter smaller
			continue
		}
		set, ok, err := q.condSet(ctx, c, perField[c.Field] == 1, p.ActorID)
		if err != nil {
			return err
		}
		switch {
		case !ok:
			m.rest = append(m.rest, c)
		case c.Negate:
			m.set.AndNot(set)
		default:
			m.set.And(set)
		}
	}
	for _, c := range dates {
		ok, err := q.foldDate(&m.set, c, p.Now)
		if err != nil {
			return err
		}
		if !ok {
			m.rest = append(m.rest, c)
		}
	}
	m.folded = true
	return nil
}

// foldDate narrows set to the tickets whose created_at or updated_at meets the
// date condition c, read from the in-memory times (ticketTimes): a walk of the
// set instead of SQL looking up every match's row. False leaves c to SQL, when
// the times are not loaded or miss a member of set.
func (q *run) foldDate(set *idset.Set, c search.Cond, now time.Time) (bool, error) {
	if q.terms == nil {
		return false, nil
	}
	lo, hi, err := dateRange(c, now)
	if err != nil {
		return false, err
	}
	cols := q.terms.wantTimes()
	if cols == nil {
		return false, nil
	}
	var kept idset.Set
	for id := range set.All() {
		at := cols.time(id, c.Field == "created")
		if at == 0 {
			return false, nil
		}
		if (lo <= at && at < hi) != c.Negate {
			kept.Add(id)
		}
	}
	*set = kept
	return true, nil
}

// condSet returns the set of the tickets a keyword condition matches, when it
// has one and alone says it may fold.
func (q *run) condSet(ctx context.Context, c search.Cond, alone bool, actorID int64) (idset.Set, bool, error) {
	if !alone {
		return idset.Set{}, false, nil
	}
	lv := strings.ToLower(c.Value)
	if c.Field == "tags" && c.Op == search.OpEq && lv != "none" {
		set, err := q.tagSet(ctx, lv)
		return set, err == nil, err
	}
	col, values, ok, err := q.condFacet(ctx, c, actorID)
	if !ok || err != nil {
		return idset.Set{}, false, err
	}
	var union idset.Set
	for _, v := range values {
		var arg any = v
		if v == "" && strings.HasSuffix(col, "_id") {
			arg = nil // no assignee or group: the column is NULL
		}
		set, err := q.cachedSet(ctx, FacetKey(col, v), true, fmt.Sprintf(q.ft.FacetSet, col, "%s"), arg)
		if err != nil {
			return idset.Set{}, false, err
		}
		union.Or(set)
	}
	return union, true, nil
}

// condFacet returns the column of FacetCols a condition tests and the values
// it accepts, in FacetValues' form; false when it has none.
func (q *run) condFacet(ctx context.Context, c search.Cond, actorID int64) (string, []string, bool, error) {
	lv := strings.ToLower(c.Value)
	switch {
	case c.Field == "ticket_type" && c.Op == search.OpEq:
		return "type", []string{noneAsEmpty(lv)}, true, nil
	case (c.Field == "status" || c.Field == "priority") && c.Value == "none":
		return c.Field, []string{""}, true, nil
	case c.Field == "status" || c.Field == "priority":
		return c.Field, c.EnumValues(), true, nil
	case c.Op != search.OpEq || (c.Field != "assignee" && c.Field != "group"):
		return "", nil, false, nil
	}
	col, kind := c.Field+"_id", "user"
	if c.Field == "group" {
		kind = "group"
	}
	switch {
	case lv == "none":
		return col, []string{""}, true, nil
	case lv == "me" && kind == "user":
		return col, []string{IDValue(actorID)}, actorID > 0, nil
	}
	ids, err := q.namedIDs(ctx, nameKey{kind, lv})
	var values []string
	for _, id := range ids {
		if id > 0 { // no ticket refers to another id; "" would mean none
			values = append(values, IDValue(id))
		}
	}
	return col, values, err == nil, err
}
