package postgres

import (
	"strings"

	"github.com/twindesk/twindesk/internal/search/index"
)

// fullText is the tsvector index of migration 008: one row per ticket part.
var fullText = index.FullText{
	Insert:     `INSERT INTO ticket_search (ticket_id, part, doc) VALUES ($1, $2, to_tsvector('simple', $3))`,
	DeletePart: `DELETE FROM ticket_search WHERE ticket_id = $1 AND part = $2`,
	Delete:     `DELETE FROM ticket_search WHERE ticket_id = $1`,
	Match:      `SELECT ticket_id FROM ticket_search WHERE doc @@ to_tsquery('simple', %s)`,
	Expr:       tsqueryExpr,
	// Migration 031: free text is searched through each ticket's words.
	Words: "ticket_words",
	Parts: "ticket_search",
	// A page of status<solved walks each status's tickets by time (issue 20).
	SplitEnums: true,
}

// tsqueryExpr renders terms as a tsquery: a phrase is "a <-> b", a prefix ends
// in ":*", and terms are joined with "&". Tokens hold only letters and digits, so
// nothing in them is tsquery syntax.
func tsqueryExpr(terms []index.Term) string {
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
