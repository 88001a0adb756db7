package store

import (
	"context"

	"github.com/twindesk/twindesk/internal/search/index"
)

// IndexSubject (re)indexes ticket id's subject, part 0. Call it in the
// transaction that created the ticket or changed its subject.
func (q *Queries) IndexSubject(ctx context.Context, id int64, subject string) error {
	q.index.add(index.Change{Kind: index.ReplacePart, Ticket: id}, "unindex subject", q.d.FullText.DeletePart, id, 0)
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
	if part >= index.MaxParts {
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
	for part := int64(1); rows.Next() && part < index.MaxParts; part++ {
		var body string
		if err := rows.Scan(&body); err != nil {
			return q.wrap("reindex ticket", err)
		}
		q.addPart(id, part, body)
	}
	return q.wrapIf("reindex ticket", rows.Err())
}

// addPart queues the insert of text as part of ticket id.
func (q *Queries) addPart(id, part int64, text string) {
	doc := index.PartDoc(text)
	q.index.add(index.Change{Kind: index.AddDoc, Ticket: id, Doc: doc}, "index ticket part", q.d.FullText.Insert, id, part, doc)
}

// UnindexTicket removes every part of ticket id from the index.
func (q *Queries) UnindexTicket(_ context.Context, id int64) error {
	q.index.add(index.Change{Kind: index.RemoveTicket, Ticket: id}, "unindex ticket", q.d.FullText.Delete, id)
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
	flushed []index.Change
}

// indexOp is one queued write, and what it does to cached match sets
// (index.Cache). An op without a query only tells the cache.
type indexOp struct {
	change      index.Change
	what, query string
	args        []any
}

func (iq *indexQueue) add(change index.Change, what, query string, args ...any) {
	iq.ops = append(iq.ops, indexOp{change, what, query, args})
}

// flushIndex runs the queued full-text writes; call it right before commit, and
// hand the changes it returns to the term cache once the commit succeeded.
// Consecutive part inserts go in as one multi-row INSERT where the backend's
// insert allows it (a new ticket's subject and first comment: one round trip
// on PostgreSQL instead of two); the order of the writes is kept.
func (tx *Tx) flushIndex(ctx context.Context) ([]index.Change, error) {
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
