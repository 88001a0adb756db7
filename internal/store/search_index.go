package store

import (
	"context"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// FullText describes a backend's full-text index of tickets: one document per
// ticket holding its subject and every comment body. Documents and query terms
// are normalised in Go first (lower case, letters and digits only), so both
// backends split text into the same words.
type FullText struct {
	// Delete removes the document of ticket $1.
	Delete string
	// Insert stores document $2 for ticket $1.
	Insert string
	// Match is a SELECT of the ticket ids whose document matches the expression
	// in the placeholder %s (a format verb, filled with "$n").
	Match string
	// Count is a SELECT COUNT(*) of the documents matching %s, as Match.
	Count string
	// Expr renders terms, all of which must match, as that expression.
	Expr func(terms []Term) string
	// Broad is put before the id column of the match condition when the query
	// matches many tickets. SQLite's "+" keeps the planner from driving the query
	// from the full-text matches (thousands of lookups, then a sort) so it walks
	// the sort index and stops after a page; PostgreSQL plans that itself.
	Broad string
}

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

// IndexTicket rebuilds ticket id's full-text document from its subject and
// comments. Call it in the transaction that changed them.
func (q *Queries) IndexTicket(ctx context.Context, id int64) error {
	var subject string
	if err := q.q.QueryRowContext(ctx, `SELECT subject FROM tickets WHERE id = $1`, id).Scan(&subject); err != nil {
		return q.wrap("index ticket", err)
	}
	rows, err := q.q.QueryContext(ctx, `SELECT body FROM comments WHERE ticket_id = $1 ORDER BY id`, id)
	if err != nil {
		return q.wrap("index ticket comments", err)
	}
	defer rows.Close()
	var b strings.Builder
	b.WriteString(NormalizeText(subject))
	for rows.Next() {
		var body string
		if err := rows.Scan(&body); err != nil {
			return q.wrap("scan comment body", err)
		}
		b.WriteByte(' ')
		b.WriteString(NormalizeText(body))
	}
	if err := rows.Err(); err != nil {
		return q.wrap("index ticket comments", err)
	}
	if err := q.UnindexTicket(ctx, id); err != nil {
		return err
	}
	return q.exec(ctx, "index ticket", false, q.d.FullText.Insert, id, truncateDoc(b.String()))
}

// UnindexTicket removes ticket id's full-text document, if any.
func (q *Queries) UnindexTicket(ctx context.Context, id int64) error {
	if err := q.exec(ctx, "unindex ticket", false, q.d.FullText.Delete, id); err != nil {
		return fmt.Errorf("store: unindex ticket %d: %w", id, err)
	}
	return nil
}
