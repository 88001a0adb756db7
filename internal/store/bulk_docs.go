package store

import (
	"context"
	"strings"

	"github.com/twindesk/twindesk/internal/search/index"
)

// docRow is one part of a ticket's full-text index (FullText).
type docRow struct {
	ticketID int64
	part     int64
	doc      string
}

// bulkDocRows lists the parts of freshly inserted tickets as IndexSubject and
// IndexComment write them: the subject, then each comment in order.
func bulkDocRows(bts []BulkTicket) []docRow {
	var rows []docRow
	for i := range bts {
		t := &bts[i]
		rows = append(rows, docRow{t.Ticket.ID, 0, index.PartDoc(t.Ticket.Subject)})
		part := int64(0)
		for _, e := range t.Entries {
			if e.Comment == nil {
				continue
			}
			if part++; part >= index.MaxParts {
				break
			}
			rows = append(rows, docRow{t.Ticket.ID, part, index.PartDoc(e.Comment.Body)})
		}
	}
	return rows
}

// bulkDocs indexes freshly inserted tickets (which have no parts yet), several
// rows per statement when the dialect's insert allows it.
func (q *Queries) bulkDocs(ctx context.Context, bts []BulkTicket) error {
	rows := bulkDocRows(bts)
	head, tuple, ok := splitValues(q.d.FullText.Insert)
	per := rowsPer(3)
	if !ok {
		per = 1
	}
	for start := 0; start < len(rows); start += per {
		chunk := rows[start:min(start+per, len(rows))]
		if !ok {
			r := chunk[0]
			if err := q.exec(ctx, "bulk index ticket", false, q.d.FullText.Insert, r.ticketID, r.part, r.doc); err != nil {
				return err
			}
			continue
		}
		args := make([]any, 0, 3*len(chunk))
		for _, r := range chunk {
			args = append(args, r.ticketID, r.part, r.doc)
		}
		if err := q.exec(ctx, "bulk index tickets", false, valuesSQL(head, tuple, 3, len(chunk)), args...); err != nil {
			return err
		}
	}
	return nil
}

// splitValues turns the dialect's one-row insert, "INSERT ... VALUES ($1, $2, f($3))",
// into its head ("INSERT ... VALUES ") and a tuple format with the three
// placeholders as verbs ("($%[1]d, $%[2]d, f($%[3]d))"), so rows can be repeated.
// ok is false when the statement doesn't have that shape; callers then insert one
// row per statement.
func splitValues(insert string) (head, tuple string, ok bool) {
	i := strings.LastIndex(strings.ToUpper(insert), "VALUES")
	if i < 0 {
		return "", "", false
	}
	head, tuple = insert[:i+len("VALUES")]+" ", strings.TrimSpace(insert[i+len("VALUES"):])
	for _, p := range []string{"$1", "$2", "$3"} {
		if strings.Count(tuple, p) != 1 {
			return "", "", false
		}
	}
	if strings.Contains(tuple, "$4") || strings.Contains(tuple, "%") || !strings.HasPrefix(tuple, "(") || !strings.HasSuffix(tuple, ")") {
		return "", "", false
	}
	return head, strings.NewReplacer("$1", "$%[1]d", "$2", "$%[2]d", "$3", "$%[3]d").Replace(tuple), true
}
