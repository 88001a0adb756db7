package postgres

import (
	"strings"

	"github.com/twindesk/twindesk/internal/store"
)

// fullText is the tsvector index of migration 004.
var fullText = store.FullText{
	Delete: `DELETE FROM ticket_search WHERE ticket_id = $1`,
	Insert: `INSERT INTO ticket_search (ticket_id, doc) VALUES ($1, to_tsvector('simple', $2))`,
	Match:  `SELECT ticket_id FROM ticket_search WHERE doc @@ to_tsquery('simple', %s)`,
	Count:  `SELECT COUNT(*) FROM ticket_search WHERE doc @@ to_tsquery('simple', %s)`,
	Expr:   tsqueryExpr,
}

// tsqueryExpr renders terms as a tsquery: a phrase is "a <-> b", a prefix ends
// in ":*", and terms are joined with "&". Tokens hold only letters and digits, so
// nothing in them is tsquery syntax.
func tsqueryExpr(terms []store.Term) string {
	parts := make([]string, 0, len(terms))
	for _, t := range terms {
		p := strings.Join(t.Tokens, " <-> ")
		if t.Prefix {
			p += ":*"
		}
		parts = append(parts, "("+p+")")
	}
	return strings.Join(parts, " & ")
}
