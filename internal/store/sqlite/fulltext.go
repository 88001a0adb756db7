package sqlite

import (
	"strings"

	"github.com/twindesk/twindesk/internal/search/index"
)

// fullText is the FTS5 index of migration 008: one row per ticket part, rowid =
// (ticket id << 20) + part, so the ticket id of a match is its rowid shifted
// right and a ticket's rows are one rowid range.
var fullText = index.FullText{
	Insert:     `INSERT INTO ticket_text (rowid, doc) VALUES (($1 << 20) + $2, $3)`,
	DeletePart: `DELETE FROM ticket_text WHERE rowid = ($1 << 20) + $2`,
	Delete:     `DELETE FROM ticket_text WHERE rowid BETWEEN ($1 << 20) AND ($1 << 20) + 1048575`,
	Match:      `SELECT rowid >> 20 FROM ticket_text WHERE ticket_text MATCH %s`,
	Expr:       ftsExpr,
	Broad:      "+",
	IDSet:      `SELECT td_idset(rowid >> 20) FROM ticket_text WHERE ticket_text MATCH %s`,
	// The set comes as one byte per id (idset.Set.Flags); substr of a blob is
	// a direct read, no call into Go.
	Has:    `substr(%s, %s + 1, 1) = x'01'`,
	IDList: `SELECT value FROM json_each(%s)`,
	TagSet: `SELECT td_idset(ticket_id) FROM ticket_tags WHERE tag = %s`,
	// IS, not =, so that a bound NULL finds unassigned tickets; both use the index.
	FacetSet: `SELECT td_idset(id) FROM tickets WHERE deleted_at IS NULL AND %s IS %s`,
	// data_version moves when another connection commits; the writer has the
	// process's only writing connection, so for it that is another process.
	DataVersion: `PRAGMA data_version`,
}

// ftsExpr renders terms as an FTS5 query: each term a quoted phrase ("a b"),
// followed by '*' for a prefix; juxtaposed phrases must all match. Tokens hold only
// letters and digits, so the quotes need no escaping.
func ftsExpr(terms []index.Term) string {
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
