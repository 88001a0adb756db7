package store

import (
	"context"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// FullText describes a backend's full-text index of tickets. A ticket is indexed
// in parts, one row each: part 0 is its subject, part k its k-th comment. Adding
// a comment then writes one small row, and a subject change rewrites one row,
// instead of re-indexing the whole conversation. Free-text terms are matched per
// part and the ticket is found when each term matches some part. Text is
// normalised in Go first (lower case, letters and digits only), so both backends
// split it into the same words.
type FullText struct {
	// Insert stores document $3 as part $2 of ticket $1.
	Insert string
	// DeletePart removes part $2 of ticket $1.
	DeletePart string
	// Delete removes every part of ticket $1.
	Delete string
	// Match is a SELECT of the ids of the tickets with a part matching the
	// expression in the placeholder %s (a format verb, filled with "$n"). A ticket
	// may come once per matching part.
	Match string
	// Expr renders terms, all of which must match one part, as that expression.
	Expr func(terms []Term) string
	// Broad is put before the id column of the match condition when the query
	// matches many tickets. SQLite's "+" keeps the planner from driving the query
	// from the full-text matches (thousands of lookups, then a sort) so it walks
	// the sort index and stops after a page; PostgreSQL plans that itself.
	Broad string
	// IDSet, Has and IDList let a backend combine a query's words in Go
	// (textMatches) instead of with SQL set operations; PostgreSQL leaves them
	// empty. IDSet is a SELECT of one value, the set (package idset) of the
	// tickets with a part matching the expression in %s; Has tests whether the
	// id column (%[2]s) is in the set in placeholder %[1]s, bound as one byte
	// per id (idset.Set.Flags); IDList is a SELECT
	// of the ids in the JSON array in placeholder %s.
	IDSet, Has, IDList string
	// TagSet is a SELECT of the set of the tickets tagged with the value of
	// placeholder %s. FacetSet is a SELECT of the set of the live tickets whose
	// column %[1]s holds the value of placeholder %[2]s, which may be NULL.
	TagSet, FacetSet string
	// DataVersion, with IDSet, is a query whose value changes on the writer's
	// connection when another process writes the database (termCache).
	DataVersion string
}

// MaxParts bounds the parts of one ticket: comments past it are not searchable
// (Zendesk itself stops a ticket at 5,000 comments). The SQLite index packs the
// part into the low 20 bits of its rowid.
const MaxParts = 1 << 20

// Term is one normalised free-text word or phrase: its tokens must appear in this
// order, and with Prefix the last token matches any word it begins.
type Term struct {
	Tokens []string
	Prefix bool
}

// maxDocBytes caps an indexed document. Text past it is not searchable; the cap
// keeps PostgreSQL's tsvector under its 1 MB limit whatever the comments hold.
const maxDocBytes = 256 << 10

// NormalizeText lower-cases s, drops accents (café is cafe) and turns every run
// of characters that are not letters or digits into one space.
func NormalizeText(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := true
	for _, r := range norm.NFD.String(s) {
		if unicode.Is(unicode.Mn, r) {
			continue // a combining accent, split off by NFD
		}
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(unicode.ToLower(r))
			space = false
			continue
		}
		if !space {
			b.WriteByte(' ')
			space = true
		}
	}
	return strings.TrimRight(b.String(), " ")
}

// ParseTerm normalises a free-text word or phrase from a query; ok is false when
// nothing searchable is left (punctuation only).
func ParseTerm(word string) (Term, bool) {
	t := Term{Prefix: strings.HasSuffix(word, "*")}
	t.Tokens = strings.Fields(NormalizeText(strings.TrimRight(word, "*")))
	return t, len(t.Tokens) > 0
}

// truncateDoc cuts s to at most maxDocBytes at a rune boundary.
func truncateDoc(s string) string {
	if len(s) <= maxDocBytes {
		return s
	}
	cut := maxDocBytes
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut]
}

// IndexSubject (re)indexes ticket id's subject, part 0. Call it in the
// transaction that created the ticket or changed its subject.
func (q *Queries) IndexSubject(ctx context.Context, id int64, subject string) error {
	q.index.add(termChange{kind: replacePart, ticket: id}, "unindex subject", q.d.FullText.DeletePart, id, 0)
	q.addPart(id, 0, subject)
	return nil
}

// IndexNewTicket indexes a ticket created in this transaction: its subject and,
// when body is not empty, its first comment. It spares the delete IndexSubject
// and the comment count IndexComment run for a ticket that may have parts.
func (q *Queries) IndexNewTicket(_ context.Context, id int64, subject, body string) {
	q.addPart(id, 0, subject)
	if body != "" {
		q.addPart(id, 1, body)
	}
}

// IndexComment indexes the newest comment of ticket id, just added with body,
// as the next part. Call it in the transaction that added the comment.
func (q *Queries) IndexComment(ctx context.Context, id int64, body string) error {
	part, err := q.count(ctx, "count comments", `SELECT COUNT(*) FROM comments WHERE ticket_id = $1`, id)
	if err != nil {
		return err
	}
	if part >= MaxParts {
		return nil
	}
	q.addPart(id, part, body)
	return nil
}

// reindexTicket indexes every part and tag of live ticket id, which has none in
// the indexes (a restored ticket).
func (q *Queries) reindexTicket(ctx context.Context, id int64) error {
	t, err := q.Ticket(ctx, id)
	if err != nil {
		return err
	}
	if err := q.syncTags(ctx, id, nil, t.Tags); err != nil {
		return err
	}
	q.addFacets(id, nil, &t)
	q.addPart(id, 0, t.Subject)
	rows, err := q.q.QueryContext(ctx, `SELECT body FROM comments WHERE ticket_id = $1 ORDER BY id`, id)
	if err != nil {
		return q.wrap("reindex ticket", err)
	}
	defer rows.Close()
	for part := int64(1); rows.Next() && part < MaxParts; part++ {
		var body string
		if err := rows.Scan(&body); err != nil {
			return q.wrap("reindex ticket", err)
		}
		q.addPart(id, part, body)
	}
	return q.wrapIf("reindex ticket", rows.Err())
}

// partDoc is the indexed form of a part's text: normalised, cut to maxDocBytes.
func partDoc(text string) string { return truncateDoc(NormalizeText(text)) }

// addPart queues the insert of text as part of ticket id.
func (q *Queries) addPart(id, part int64, text string) {
	doc := partDoc(text)
	q.index.add(termChange{kind: addDoc, ticket: id, doc: doc}, "index ticket part", q.d.FullText.Insert, id, part, doc)
}

// UnindexTicket removes every part of ticket id from the index.
func (q *Queries) UnindexTicket(_ context.Context, id int64) error {
	q.index.add(termChange{kind: removeTicket, ticket: id}, "unindex ticket", q.d.FullText.Delete, id)
	return nil
}

// indexQueue holds a write transaction's full-text writes, in order, until
// just before it commits (Tx.flushIndex). SQLite's FTS5 writes its pending terms
// out as a new index segment whenever a savepoint is released, and group commit
// gives every caller a savepoint: written at once, each request made a tiny
// segment and the merging of those took a tenth of the writer's time. Queued,
// a batch of requests makes one segment. Writes of a caller whose savepoint is
// rolled back are dropped with it (runSaved).
type indexQueue struct {
	ops []indexOp
	// flushed are the cache changes of writes already run in this transaction
	// (a group-commit batch runs each caller's before releasing its savepoint).
	flushed []termChange
}

// indexOp is one queued write, and what it does to cached match sets
// (termCache). An op without a query only tells the cache.
type indexOp struct {
	change      termChange
	what, query string
	args        []any
}

func (iq *indexQueue) add(change termChange, what, query string, args ...any) {
	iq.ops = append(iq.ops, indexOp{change, what, query, args})
}

// flushIndex runs the queued full-text writes; call it right before commit, and
// hand the changes it returns to the term cache once the commit succeeded.
// Consecutive part inserts go in as one multi-row INSERT where the backend's
// insert allows it (a new ticket's subject and first comment: one round trip
// on PostgreSQL instead of two); the order of the writes is kept.
func (tx *Tx) flushIndex(ctx context.Context) ([]termChange, error) {
	if err := tx.runIndexOps(ctx); err != nil {
		return nil, err
	}
	changes := tx.index.flushed
	tx.index.flushed = nil
	return changes, nil
}

// runIndexOps runs the queued full-text writes and moves their cache changes
// to flushed.
func (tx *Tx) runIndexOps(ctx context.Context) error {
	ops := tx.index.ops
	tx.index.ops = nil
	changes := tx.index.flushed
	head, tuple, multi := splitValues(tx.d.FullText.Insert)
	var parts []any // the arguments of the part inserts not yet run
	flushParts := func() error {
		if len(parts) == 0 {
			return nil
		}
		err := tx.exec(ctx, "index ticket parts", false, valuesSQL(head, tuple, 3, len(parts)/3), parts...)
		parts = parts[:0]
		return err
	}
	for _, op := range ops {
		changes = append(changes, op.change)
		if op.query == "" {
			continue
		}
		if multi && op.query == tx.d.FullText.Insert {
			parts = append(parts, op.args...)
			if len(parts) == 3*maxRowsPerWrite {
				if err := flushParts(); err != nil {
					return err
				}
			}
			continue
		}
		if err := flushParts(); err != nil {
			return err
		}
		if err := tx.exec(ctx, op.what, false, op.query, op.args...); err != nil {
			return err
		}
	}
	if err := flushParts(); err != nil {
		return err
	}
	tx.index.flushed = changes
	return nil
}
