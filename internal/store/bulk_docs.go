package store

import (
	"context"
	"fmt"
	"strings"
)

// bulkDoc builds a ticket's full-text document the way IndexTicket does: the
// normalised subject, then each comment body in id order, space-separated, cut
// to maxDocBytes. TestBulkDocMatchesIndexTicket keeps the two in step.
func bulkDoc(t *BulkTicket) string {
	var b strings.Builder
	b.WriteString(NormalizeText(t.Ticket.Subject))
	for _, e := range t.Entries {
		if e.Comment == nil {
			continue
		}
		b.WriteByte(' ')
		b.WriteString(NormalizeText(e.Comment.Body))
	}
	return truncateDoc(b.String())
}

// bulkDocs writes the full-text documents of freshly inserted tickets (which have
// none yet), several per statement when the dialect's insert allows it.
func (q *Queries) bulkDocs(ctx context.Context, bts []BulkTicket) error {
	head, tuple, ok := splitValues(q.d.FullText.Insert)
	for start := 0; start < len(bts); start += rowsPer(2) {
		chunk := bts[start:min(start+rowsPer(2), len(bts))]
		if !ok {
			for i := range chunk {
				if err := q.exec(ctx, "bulk index ticket", false, q.d.FullText.Insert, chunk[i].Ticket.ID, bulkDoc(&chunk[i])); err != nil {
					return err
				}
			}
			continue
		}
		var b strings.Builder
		b.WriteString(head)
		args := make([]any, 0, 2*len(chunk))
		for i := range chunk {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, tuple, 2*i+1, 2*i+2)
			args = append(args, chunk[i].Ticket.ID, bulkDoc(&chunk[i]))
		}
		if err := q.exec(ctx, "bulk index tickets", false, b.String(), args...); err != nil {
			return err
		}
	}
	return nil
}

// splitValues turns the dialect's one-row insert, "INSERT ... VALUES ($1, f($2))",
// into its head ("INSERT ... VALUES ") and a tuple format with the two
// placeholders as verbs ("($%[1]d, f($%[2]d))"), so rows can be repeated. ok is
// false when the statement doesn't have that shape; callers then insert one row
// per statement.
func splitValues(insert string) (head, tuple string, ok bool) {
	i := strings.LastIndex(strings.ToUpper(insert), "VALUES")
	if i < 0 {
		return "", "", false
	}
	head, tuple = insert[:i+len("VALUES")]+" ", strings.TrimSpace(insert[i+len("VALUES"):])
	if strings.Count(tuple, "$1") != 1 || strings.Count(tuple, "$2") != 1 || strings.Contains(tuple, "$3") ||
		strings.Contains(tuple, "%") || !strings.HasPrefix(tuple, "(") || !strings.HasSuffix(tuple, ")") {
		return "", "", false
	}
	return head, strings.NewReplacer("$1", "$%[1]d", "$2", "$%[2]d").Replace(tuple), true
}
