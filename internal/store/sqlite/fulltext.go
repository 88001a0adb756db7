package sqlite

import (
	"strings"

	"github.com/twindesk/twindesk/internal/store"
)

// fullText is the FTS5 index of migration 004 (rowid = ticket id).
var fullText = store.FullText{
	Delete: `DELETE FROM ticket_fts WHERE rowid = $1`,
	Insert: `INSERT INTO ticket_fts (rowid, doc) VALUES ($1, $2)`,
	Match:  `SELECT rowid FROM ticket_fts WHERE ticket_fts MATCH %s`,
	Count:  `SELECT COUNT(*) FROM ticket_fts WHERE ticket_fts MATCH %s`,
	Expr:   ftsExpr,
	Broad:  "+",
}

// ftsExpr renders terms as an FTS5 query: each term a quoted phrase ("a b"),
// followed by '*' for a prefix; juxtaposed phrases must all match. Tokens hold only
// letters and digits, so the quotes need no escaping.
func ftsExpr(terms []store.Term) string {
	parts := make([]string, 0, len(terms))
	for _, t := range terms {
		p := `"` + strings.Join(t.Tokens, " ") + `"`
		if t.Prefix {
			p += "*"
		}
		parts = append(parts, p)
	}
	return strings.Join(parts, " ")
}
