package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
)

// syncTags brings ticket id's rows in ticket_tags (migration 009) from the tags
// it had to the tags it has, touching only the difference.
func (q *Queries) syncTags(ctx context.Context, id int64, had, has []string) error {
	had, has = lowerTags(had), lowerTags(has)
	for _, tag := range had {
		if !slices.Contains(has, tag) {
			if err := q.exec(ctx, "untag ticket", false, `DELETE FROM ticket_tags WHERE tag = $1 AND ticket_id = $2`, tag, id); err != nil {
				return err
			}
			q.index.add(termChange{kind: removeKey, ticket: id, doc: tagKey(tag)}, "", "")
		}
	}
	for _, tag := range has {
		if !slices.Contains(had, tag) {
			if err := q.exec(ctx, "tag ticket", false, `INSERT INTO ticket_tags (tag, ticket_id) VALUES ($1, $2)
				ON CONFLICT (tag, ticket_id) DO NOTHING`, tag, id); err != nil {
				return err
			}
			q.index.add(termChange{kind: addKey, ticket: id, doc: tagKey(tag)}, "", "")
		}
	}
	return nil
}

// lowerTags returns tags lower-cased, without empty strings or repeats, as the
// tags: search compares them.
func lowerTags(tags []string) []string {
	out := make([]string, 0, len(tags))
	for _, t := range tags {
		if t = strings.ToLower(t); t != "" && !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out
}

// bulkTags writes the tag rows of freshly inserted tickets, several per statement.
func (q *Queries) bulkTags(ctx context.Context, bts []BulkTicket) error {
	var args []any
	flush := func() error {
		if len(args) == 0 {
			return nil
		}
		batch := args
		args = nil
		var b strings.Builder
		b.WriteString(`INSERT INTO ticket_tags (tag, ticket_id) VALUES `)
		for i := range len(batch) / 2 {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, "($%d,$%d)", 2*i+1, 2*i+2)
		}
		return q.exec(ctx, "bulk tag tickets", false, b.String(), batch...)
	}
	for i := range bts {
		for _, tag := range lowerTags(bts[i].Ticket.Tags) {
			args = append(args, tag, bts[i].Ticket.ID)
			if len(args) >= 2*rowsPer(2) {
				if err := flush(); err != nil {
					return err
				}
			}
		}
	}
	return flush()
}
