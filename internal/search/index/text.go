package index

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// FullText describes a backend's full-text index of tickets. A ticket is indexed
// in parts, one row each: part 0 is its subject, part k its k-th comment. Adding
// a comment then writes one small row, and a subject change rewrites one row,
// instead of re-indexing the whole conversation. Free-text terms are matched per
// part and the ticket is found when each term matches some part. Text is
// normalised in Go first (lower case, letters and digits only), so both backends
// split it into the same words.
type FullText struct {
	// Insert stores document $3 as part $2 of ticket $1.
	Insert string
	// DeletePart removes part $2 of ticket $1.
	DeletePart string
	// Delete removes every part of ticket $1.
	Delete string
	// Match is a SELECT of the ids of the tickets with a part matching the
	// expression in the placeholder %s (a format verb, filled with "$n"). A ticket
	// may come once per matching part.
	Match string
	// Expr renders terms, all of which must match one part, as that expression.
	Expr func(terms []Term) string
	// Broad is put before the id column of the match condition when the query
	// matches many tickets. SQLite's "+" keeps the planner from driving the query
	// from the full-text matches (thousands of lookups, then a sort) so it walks
	// the sort index and stops after a page; PostgreSQL plans that itself.
	Broad string
	// IDSet, Has and IDList let a backend combine a query's words in Go
	// (run.textMatches) instead of with SQL set operations; PostgreSQL leaves them
	// empty. IDSet is a SELECT of one value, the set (package idset) of the
	// tickets with a part matching the expression in %s; Has tests whether the
	// id column (%[2]s) is in the set in placeholder %[1]s, bound as one byte
	// per id (idset.Set.Flags); IDList is a SELECT
	// of the ids in the JSON array in placeholder %s.
	IDSet, Has, IDList string
	// TagSet is a SELECT of the set of the tickets tagged with the value of
	// placeholder %s. FacetSet is a SELECT of the set of the live tickets whose
	// column %[1]s holds the value of placeholder %[2]s, which may be NULL.
	TagSet, FacetSet string
	// DataVersion, with IDSet, is a query whose value changes on the writer's
	// connection when another process writes the database (Cache).
	DataVersion string
	// Words and Parts, on PostgreSQL, name the table of each live ticket's
	// words (ticket_id, words: a tsvector without positions) and the table of
	// its parts (ticket_id, doc); free text is searched through them
	// (wordsText) instead of Match.
	Words, Parts string
	// SplitEnums reads a page in time order once per value of a status or
	// priority condition with several values, and merges (splitPageSQL):
	// PostgreSQL 15 can't walk one index across several values in order.
	SplitEnums bool
}

// MaxParts bounds the parts of one ticket: comments past it are not searchable
// (Zendesk itself stops a ticket at 5,000 comments). The SQLite index packs the
// part into the low 20 bits of its rowid.
const MaxParts = 1 << 20

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

// PartDoc is the indexed form of a part's text: normalised, cut to maxDocBytes.
func PartDoc(text string) string { return truncateDoc(NormalizeText(text)) }

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
