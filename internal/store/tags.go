package store

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/twindesk/twindesk/internal/search/index"
)

// syncTags brings ticket id's rows in ticket_tags (migration 009) from the tags
// it had to the tags it has, touching only the difference: one statement for
// the removed tags and one for the added (up to maxRowsPerWrite each), since
// on PostgreSQL every statement is a round trip.
func (q *Queries) syncTags(ctx context.Context, id int64, had, has []string) error {
	had, has = lowerTags(had), lowerTags(has)
	hadSet, hasSet := stringSet(had), stringSet(has)
	var gone, added []string
	for _, tag := range had {
		if _, kept := hasSet[tag]; !kept {
			gone = append(gone, tag)
			q.index.add(index.Change{Kind: index.RemoveKey, Ticket: id, Doc: index.TagKey(tag)}, "", "")
		}
	}
	for _, tag := range has {
		if _, was := hadSet[tag]; !was {
			added = append(added, tag)
			q.index.add(index.Change{Kind: index.AddKey, Ticket: id, Doc: index.TagKey(tag)}, "", "")
		}
	}
	for chunk := range slices.Chunk(gone, maxRowsPerWrite) {
		args := make([]any, 0, len(chunk)+1)
		for _, tag := range chunk {
			args = append(args, tag)
		}
		args = append(args, id)
		query := `DELETE FROM ticket_tags WHERE tag IN (` + valuesSQL("", "$%[1]d", 1, len(chunk)) +
			`) AND ticket_id = $` + strconv.Itoa(len(args))
		if err := q.exec(ctx, "untag ticket", false, query, args...); err != nil {
			return err
		}
	}
	for chunk := range slices.Chunk(added, maxRowsPerWrite) {
		args := make([]any, 0, 2*len(chunk))
		for _, tag := range chunk {
			args = append(args, tag, id)
		}
		query := valuesSQL(`INSERT INTO ticket_tags (tag, ticket_id) VALUES `, "($%[1]d, $%[2]d)", 2, len(chunk)) +
			` ON CONFLICT (tag, ticket_id) DO NOTHING`
		if err := q.exec(ctx, "tag ticket", false, query, args...); err != nil {
			return err
		}
	}
	return nil
}

// lowerTags returns tags lower-cased, without empty strings or repeats, as the
// tags: search compares them.
func lowerTags(tags []string) []string {
	out := make([]string, 0, len(tags))
	seen := make(map[string]struct{}, len(tags))
	for _, t := range tags {
		if t = strings.ToLower(t); t != "" {
			if _, dup := seen[t]; !dup {
				seen[t] = struct{}{}
				out = append(out, t)
			}
		}
	}
	return out
}

// stringSet is tags as a set, for linear-time differences of long lists.
func stringSet(tags []string) map[string]struct{} {
	set := make(map[string]struct{}, len(tags))
	for _, t := range tags {
		set[t] = struct{}{}
	}
	return set
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
		query := valuesSQL(`INSERT INTO ticket_tags (tag, ticket_id) VALUES `, "($%[1]d,$%[2]d)", 2, len(batch)/2)
		return q.exec(ctx, "bulk tag tickets", false, query, batch...)
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
