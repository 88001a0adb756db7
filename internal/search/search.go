// Package search parses Zendesk's search query syntax, for example
//
//	type:ticket status<solved group:"IT Ops" printer -tags:spam created>3days
//
// into a structured Query that the store layer translates into SQL
// (SQLite FTS5 or a PostgreSQL tsvector). The package checks syntax and
// keyword values; it never touches the database.
//
// The rules, where Zendesk's documentation leaves a choice to us:
//   - Terms are separated by whitespace. A term starting with '-' is negated.
//   - Double quotes make a phrase ("printer on fire") or a value with spaces
//     (group:"IT Ops"). There is no escape character inside quotes; a quote in
//     the middle of a bare word ends the word and starts a phrase.
//   - Keyword names are case-insensitive. Values keep their case, except
//     enumerated values (status, priority, ticket_type, role, type, order_by,
//     sort) and the words "me" and "none", which are lower-cased. Tags and
//     other text values are compared case-insensitively by the store.
//   - A keyword this package does not know (foo:bar, http://x) is not an
//     error: the whole term becomes free text, as Zendesk roughly does.
//   - Free text is lower-cased. A phrase keeps its inner spaces (collapsed to
//     one). A trailing '*' stays in the word and tells the store to match a
//     prefix (print* matches printer); '*' elsewhere has no special meaning.
//   - A bare positive number (12345) is a ticket id search: it goes ONLY into
//     Query.IDs, not into Words. A negated number (-12345) is a NotWord.
//   - Conds keep query order. Words are AND-ed; how repeated conditions on the
//     same field combine (AND or OR) is the store's decision.
//   - An empty or all-whitespace query parses to an empty Query; rejecting it
//     is the caller's job.
package search

import "fmt"

// MaxQueryLen is the longest query, in bytes, that Parse accepts.
const MaxQueryLen = 1000

// Op is a comparison operator between a keyword and its value.
type Op string

// The operators Zendesk's search syntax supports. Only orderable fields
// (status, priority, created, updated, solved, id) take the ordering ones.
const (
	OpEq Op = ":"
	OpLT Op = "<"
	OpGT Op = ">"
	OpLE Op = "<="
	OpGE Op = ">="
)

// Cond is one keyword condition such as status<solved or -tags:spam.
type Cond struct {
	// Field is the normalised keyword: status, priority, ticket_type, group,
	// assignee, requester, submitter, tags, external_id, created, updated,
	// solved, subject, description, custom_field_<id>, via, id, email, name,
	// or role.
	Field string
	// Op is the operator as written. For subject and description ':' means
	// "contains the word or phrase"; for other fields it means equality.
	Op Op
	// Value is the value without surrounding quotes. For date fields it is kept
	// raw (2026-01-01, 3days); resolve it with Cond.Time. "none" means the
	// field is empty; "me" (people fields) means the searching user.
	Value string
	// Negate is set for a leading '-': the condition must not hold.
	Negate bool
}

// Query is a parsed search query.
type Query struct {
	// Type is "ticket", "user", "organization", or "" for any type.
	Type string
	// Words are lower-cased free-text words and phrases; all must match.
	Words []string
	// NotWords are lower-cased words and phrases that must not match.
	NotWords []string
	// Conds are the keyword conditions, in query order.
	Conds []Cond
	// IDs are bare numbers in the query, searched as ticket ids. They are not
	// repeated in Words.
	IDs []int64
	// OrderBy is created_at, updated_at, priority, status, ticket_type, or ""
	// for the default order (relevance, then updated_at).
	OrderBy string
	// SortOrder is asc, desc, or "" (the default, desc).
	SortOrder string
}

// ParseError reports a malformed query.
type ParseError struct {
	// Pos is the byte offset in the query where the problem is,
	// 0 <= Pos <= len(query).
	Pos int
	// Msg is a human-readable description of the problem.
	Msg string
}

// Error formats the error as "search: position 7: unterminated quote".
func (e *ParseError) Error() string {
	return fmt.Sprintf("search: position %d: %s", e.Pos, e.Msg)
}

// Parse parses a Zendesk search query. It returns a *ParseError, and a nil
// Query, when q is malformed. It never panics.
func Parse(q string) (*Query, error) {
	if len(q) > MaxQueryLen {
		return nil, &ParseError{Pos: MaxQueryLen,
			Msg: fmt.Sprintf("query is longer than %d bytes", MaxQueryLen)}
	}
	p := parser{s: scanner{src: q}, q: &Query{}}
	for {
		t, ok, err := p.s.next()
		if err != nil {
			return nil, err
		}
		if !ok {
			return p.q, nil
		}
		if err := p.add(t); err != nil {
			return nil, err
		}
	}
}
