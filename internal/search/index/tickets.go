package index

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/twindesk/twindesk/internal/idset"
	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/search"
)

// Params is a parsed query and the page of results wanted.
type Params struct {
	Query *search.Query
	// ActorID is who "me" means.
	ActorID int64
	// Now anchors relative dates such as created>3days.
	Now time.Time
	// SortBy (created_at, updated_at, priority, status, ticket_type) and SortOrder
	// (asc, desc) come from the request; order_by: and sort: in the query win.
	SortBy    string
	SortOrder string
	// Limit and Offset page the results. With Cursor, rows come in id order
	// after AfterID instead (the export's cursor pagination).
	Limit   int
	Offset  int
	Cursor  bool
	AfterID int64
	// Broad says the caller knows the query matches many tickets (it counted
	// them): the backend may then walk the sort order and filter, instead of
	// fetching every match and sorting (FullText.Broad).
	Broad bool
	// Memo, when set, keeps the free text's matches between the count and the
	// page of a search.
	Memo *Memo
	// HiddenGroups are private groups whose tickets a ticket search leaves out
	// of its pages and counts (hideGroups); user searches ignore it.
	HiddenGroups []int64
	// Candidates, on PostgreSQL, are the tickets the query matched when it was
	// counted (TicketIDs): a page is read from them, its keyword conditions
	// checked again, instead of finding the matches anew.
	Candidates []int64
}

// sqlWhere collects conditions and their arguments as $n placeholders.
type sqlWhere struct {
	conds []string
	args  []any
	// setCol is the id column as set conditions (full text, tags) test it:
	// "id", or with FullText.Broad before it for a query with many matches.
	setCol string
	// rangeCol goes before the column of a date range: FullText.Broad for the
	// page of a query with many matches. A range such as created>30days can
	// span a sixth of all tickets, and SQLite would rather scan and sort that
	// than walk the sort index, which finds a page in a few hundred rows.
	rangeCol string
	// names holds the ids of the groups and users the query names.
	names map[nameKey][]int64
	// tagSets holds the tickets of each tag the query names, when the backend
	// combines sets in Go (FullText.TagSet).
	tagSets map[string]idset.Set
	// ft is the backend's full-text description, for setCond.
	ft *FullText
	// flags are the buffers bound as arguments (flagsArg), to go back to
	// bufs, the engine's, when the statement has run.
	flags [][]byte
	bufs  flagBufs
	// split is the condition a page may be read once per value of
	// (FullText.SplitEnums), and lastEnum the IN list being rendered.
	split, lastEnum *enumSplit
}

// arg appends v and returns its placeholder.
func (w *sqlWhere) arg(v any) string {
	w.args = append(w.args, v)
	return "$" + strconv.Itoa(len(w.args))
}

func (w *sqlWhere) add(cond string) { w.conds = append(w.conds, cond) }

func (w *sqlWhere) sql() string {
	if len(w.conds) == 0 {
		return ""
	}
	return " AND " + strings.Join(w.conds, " AND ")
}

// errNoMatch is returned internally when a query names a keyword that the record
// type doesn't have (status: for users), so that type can't match at all.
var errNoMatch = errors.New("no match for this type")

// condSQL renders one condition for a record type; negated conditions are wrapped
// so that NULL columns count as "not matching" rather than unknown.
type condSQL func(w *sqlWhere, c search.Cond, p Params) (string, error)

// addConds renders the query's conditions. Repeated positive ':' conditions on the
// same field are OR-ed (status:open status:pending finds both); everything else is
// AND-ed.
func addConds(w *sqlWhere, p Params, render condSQL) error {
	groups := map[string][]string{}
	var order []string
	for _, c := range p.Query.Conds {
		w.lastEnum = nil
		if pos, ok := negatedEnum(w, c); ok {
			w.add(pos)
			w.keepEnum()
			continue
		}
		s, err := render(w, c, p)
		if err != nil {
			return err
		}
		if c.Negate {
			w.add("NOT COALESCE((" + s + "), FALSE)")
			continue
		}
		if c.Op != search.OpEq {
			w.add("(" + s + ")")
			w.keepEnum()
			continue
		}
		if _, ok := groups[c.Field]; !ok {
			order = append(order, c.Field)
		}
		groups[c.Field] = append(groups[c.Field], "("+s+")")
	}
	for _, f := range order {
		w.add("(" + strings.Join(groups[f], " OR ") + ")")
	}
	return nil
}

// TicketSearch returns the live tickets matching p, ordered and paged as asked.
// errNoMatch-type queries return no rows.
func (q *run) TicketSearch(ctx context.Context, p Params) ([]model.Ticket, error) {
	p = p.hideGroups()
	p.Memo = cmp.Or(p.Memo, new(Memo))
	if ts, ok, err := q.pageFromSet(ctx, p); ok || err != nil {
		return ts, err
	}
	w, err := q.ticketWhere(ctx, p)
	if errors.Is(err, errNoMatch) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer w.release()
	// Only a broad query walks the time order; a narrow one finds its few
	// matches through the most selective index and sorts them, which a split
	// would only break into worse plans (an agent's open tickets walked the
	// new tickets of everyone).
	if q.ft.SplitEnums && w.split != nil && p.Broad && !p.Cursor && walksTime(p) {
		return q.r.SelectTickets(ctx, w.splitPageSQL(p, ticketSort(p)), w.args...)
	}
	return q.r.SelectTickets(ctx, `FROM tickets WHERE deleted_at IS NULL`+w.sql()+pageSQL(w, p, ticketSort(p)), w.args...)
}

// TicketSearchCount counts the live tickets matching p.
func (q *run) TicketSearchCount(ctx context.Context, p Params) (int64, error) {
	p = p.hideGroups()
	p.Memo = cmp.Or(p.Memo, new(Memo))
	w, err := q.ticketWhere(ctx, p)
	if errors.Is(err, errNoMatch) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	defer w.release()
	// Free text and the conditions folded into its set: the size of the set,
	// which holds live tickets only.
	if m := p.Memo; m.folded && len(m.rest) == 0 && len(p.Query.IDs) == 0 {
		return int64(m.set.Len()), nil
	}
	// Free text alone, or one tag alone: the full-text and tag indexes hold live
	// tickets only, so they count the matches without looking each one up in
	// tickets to skip the soft-deleted.
	if pos, neg := textTerms(p.Query); onlyText(p.Query) && len(pos) > 0 {
		cw := &sqlWhere{}
		if q.ft.Words != "" {
			return q.count(ctx, "count search", newWordsText(pos, neg, q.ft.Expr).count(cw, &q.ft), cw.args...)
		}
		return q.count(ctx, "count search", q.textSet(cw, pos, neg, "COUNT(DISTINCT t)"), cw.args...)
	}
	if tag, ok := onlyTag(p.Query); ok {
		if set, ok := w.tagSets[tag]; ok {
			return int64(set.Len()), nil
		}
		return q.count(ctx, "count search", `SELECT COUNT(*) FROM ticket_tags WHERE tag = $1`, tag)
	}
	return q.count(ctx, "count search", `SELECT COUNT(*) FROM tickets WHERE deleted_at IS NULL`+w.sql(), w.args...)
}

// TicketIDs returns the ids of the live tickets matching p when there are at
// most max of them (ok), for a page to be read from (Params.Candidates).
func (q *run) TicketIDs(ctx context.Context, p Params, max int) (ids []int64, ok bool, err error) {
	p = p.hideGroups()
	p.Memo = cmp.Or(p.Memo, new(Memo))
	w, err := q.ticketWhere(ctx, p)
	if errors.Is(err, errNoMatch) {
		return []int64{}, true, nil
	}
	if err != nil {
		return nil, false, err
	}
	defer w.release()
	ids, err = q.int64s(ctx, "search ids", `SELECT id FROM tickets WHERE deleted_at IS NULL`+w.sql()+` LIMIT `+w.arg(max+1), w.args...)
	if err != nil || len(ids) > max {
		return nil, false, err
	}
	if ids == nil {
		ids = []int64{} // no match is a known empty set, not "not found"
	}
	return ids, true, nil
}

// onlyTag returns the tag of a query that is one tags: condition alone.
func onlyTag(q *search.Query) (string, bool) {
	if len(q.Words)+len(q.NotWords)+len(q.IDs) > 0 || len(q.Conds) != 1 {
		return "", false
	}
	c := q.Conds[0]
	v := strings.ToLower(c.Value)
	return v, c.Field == "tags" && c.Op == search.OpEq && !c.Negate && v != "none"
}

// onlyText reports whether q is free text alone, words and negated words.
func onlyText(q *search.Query) bool {
	return len(q.IDs) == 0 && len(q.Conds) == 0
}

// ticketWhere renders the free text, ids and conditions of a ticket search.
//
// Each free-text term is a set of ticket ids, its full-text matches. How the
// planner may use them matters more than anything else at a million tickets:
// driving the query from a set of 40,000 matches costs a row lookup per match,
// so a set is only allowed to drive when nothing better can. With an indexed
// keyword condition (status, group, created...) that index drives and the set
// is probed; with many matches (Broad) the sort index is walked and the set
// probed until a page is full. SQLite takes a "+" before the column as "don't
// use an index for this".
func (q *run) ticketWhere(ctx context.Context, p Params) (*sqlWhere, error) {
	ft := q.ft
	w := &sqlWhere{ft: &ft, bufs: q.bufs}
	w.setCol = "id"
	if p.Broad || hasDrivingCond(p.Query) {
		w.setCol = ft.Broad + "id"
	}
	if p.Broad {
		w.rangeCol = ft.Broad
	}
	pos, neg := textTerms(p.Query)
	if p.Candidates != nil {
		// The free text and numbers were matched when the candidates were
		// found; the keyword conditions below are checked again, so a
		// ticket whose status or tags changed since drops out.
		w.add("id = ANY(" + w.arg(p.Candidates) + ")")
		return w, q.keywordConds(ctx, w, p)
	}
	if ft.IDSet != "" && len(pos)+len(neg) > 0 {
		if err := q.addSets(ctx, w, &p, pos, neg); err != nil {
			return nil, err
		}
		pos, neg = nil, nil
	}
	if ft.Words != "" && len(pos)+len(neg) > 0 {
		wt := newWordsText(pos, neg, ft.Expr)
		if wt.all != "" && onlyText(p.Query) && !p.Broad && !p.Cursor {
			w.add(wt.fewCond(w, &ft, "tickets.id"))
		} else {
			for _, c := range wt.conds(w, &ft, "tickets.id", p.Broad && walksTime(p)) {
				w.add(c)
			}
		}
		pos, neg = nil, nil
	}
	// Each term on its own: the words of a query may be in different comments.
	// Free text alone is one set, the first term's matches probed against the
	// others', so only the tickets matching all of it are looked up. With keyword
	// conditions, one IN per term: the backend materializes each once and probes them.
	if len(pos) > 0 && onlyText(p.Query) {
		w.add(w.setCol + " IN (" + q.textSet(w, pos, neg, "t") + ")")
		pos, neg = nil, nil
	}
	for _, t := range pos {
		w.add(w.setCol + " IN (" + q.matchTerm(w, t) + ")")
	}
	for _, t := range neg {
		w.add("NOT " + w.setCol + " IN (" + q.matchTerm(w, t) + ")")
	}
	if len(p.Query.IDs) > 0 {
		// A number finds the ticket with that id, the tickets with that external id,
		// and the tickets that mention it.
		// One IN over a UNION, so each part uses its index (an OR of three IN
		// conditions is a full scan on SQLite); "external_id <> ''" lets the
		// partial index on external_id serve.
		var alts []string
		for _, id := range p.Query.IDs {
			n := strconv.FormatInt(id, 10)
			alts = append(alts, "SELECT "+w.arg(id), "SELECT id FROM tickets WHERE external_id <> '' AND external_id = "+w.arg(n),
				q.mentions(w, n))
		}
		w.add("id IN (" + strings.Join(alts, " UNION ") + ")")
	}
	return w, q.keywordConds(ctx, w, p)
}

// keywordConds adds the query's keyword conditions (status:, tags:, group:...)
// to w.
func (q *run) keywordConds(ctx context.Context, w *sqlWhere, p Params) error {
	w.names = p.Memo.names
	if err := q.resolveNames(ctx, w, p.Query); err != nil {
		return err
	}
	p.Memo.names = w.names
	if q.ft.TagSet != "" {
		if err := q.resolveTags(ctx, w, p.Query); err != nil {
			return err
		}
	}
	return addConds(w, p, ticketCond)
}

// textTerms returns the query's searchable words and negated words as terms.
func textTerms(query *search.Query) (pos, neg []Term) {
	for _, word := range query.Words {
		if t, ok := ParseTerm(word); ok {
			pos = append(pos, t)
		}
	}
	for _, word := range query.NotWords {
		if t, ok := ParseTerm(word); ok {
			neg = append(neg, t)
		}
	}
	return pos, neg
}

// textSet renders the tickets matching free text (at least one positive term)
// from the full-text index alone, which holds live tickets: the first term's
// matches probed against the others'. It selects expr over those ticket ids,
// named t: "t" for the set, "COUNT(DISTINCT t)" for its size.
func (q *run) textSet(w *sqlWhere, pos, neg []Term, expr string) string {
	var b strings.Builder
	b.WriteString("WITH m(t) AS (" + q.matchTerm(w, pos[0]) + ") SELECT " + expr + " FROM m WHERE TRUE")
	for _, t := range pos[1:] {
		b.WriteString(" AND t IN (" + q.matchTerm(w, t) + ")")
	}
	for _, t := range neg {
		b.WriteString(" AND t NOT IN (" + q.matchTerm(w, t) + ")")
	}
	return b.String()
}

// matchTerm renders the SELECT of the ids of the tickets with a part matching t,
// its expression appended to w's arguments.
func (q *run) matchTerm(w *sqlWhere, t Term) string {
	ft := q.ft
	return fmt.Sprintf(ft.Match, w.arg(ft.Expr([]Term{t})))
}

// hasDrivingCond reports whether the query has a keyword condition with an index
// of its own over live tickets (migration 010), which should drive the query.
func hasDrivingCond(query *search.Query) bool {
	for _, c := range query.Conds {
		switch c.Field {
		case "status", "priority", "group", "assignee", "requester", "organization", "created", "updated":
			if !c.Negate && c.Value != "none" {
				return true
			}
		}
	}
	return false
}

// placeholders appends ids to w and returns their placeholders.
func placeholders(w *sqlWhere, ids []int64) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = w.arg(id)
	}
	return strings.Join(parts, ",")
}

// ticketCond renders one keyword condition over the tickets table.
func ticketCond(w *sqlWhere, c search.Cond, p Params) (string, error) {
	lv := strings.ToLower(c.Value)
	switch c.Field {
	case "status", "priority":
		return enumCond(w, c)
	case "ticket_type":
		return "type = " + w.arg(noneAsEmpty(lv)), nil
	case "group":
		return groupCond(w, c.Value), nil
	case "assignee", "requester", "submitter":
		return personCond(w, c.Field+"_id", c.Value, p.ActorID), nil
	case "organization":
		return orgIDCond(w, "organization_id", c.Value), nil
	case "tags":
		if lv == "none" {
			return "tags = ''", nil
		}
		if set, ok := w.tagSets[lv]; ok {
			return w.setCond(set), nil
		}
		// Broad as for words: with many tagged tickets, walk the sort order.
		return w.setCol + " IN (SELECT ticket_id FROM ticket_tags WHERE tag = " + w.arg(lv) + ")", nil
	case "external_id":
		return "external_id = " + w.arg(noneAsEmpty(c.Value)), nil
	case "created", "updated":
		return dateCond(w, w.rangeCol+c.Field+"_at", c, p.Now)
	case "subject", "description":
		return "LOWER(" + c.Field + ") LIKE " + w.arg("%"+escapeLike(lv)+"%") + ` ESCAPE '\'`, nil
	case "via":
		return "via = " + w.arg(lv), nil
	case "id":
		return idCond(w, "id", c)
	}
	if id, ok := strings.CutPrefix(c.Field, "custom_field_"); ok {
		return customFieldCond(w, id, c.Value), nil
	}
	if c.Field == "solved" {
		return "", fmt.Errorf("search: %w: solved: twindesk does not record when a ticket was solved; use status:solved with updated", ErrUnsupported)
	}
	return "", errNoMatch
}
