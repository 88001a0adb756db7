package store

import (
	"context"
	"database/sql"

	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/search/index"
)

// Searcher returns the search engine over this database (package
// search/index): the SQLite one combines match sets in Go and keeps them in a
// cache this database feeds with each commit's index changes; the PostgreSQL
// one is SQL alone.
func (db *DB) Searcher() index.Searcher { return db.searcher }

// WarmSearch starts the load of the search cache's ticket times in the
// background, so that the first searches after a start find them ready. It
// does nothing on a backend without a cache.
func (db *DB) WarmSearch() { db.terms.Warm() }

// The methods below are index.Reader, what the search engine reads through:
// it writes its own SQL over the tables, and the rows are read into models here.

// QueryContext runs a search's query on q's connection.
func (q *Queries) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return q.q.QueryContext(ctx, query, args...)
}

// QueryRowContext runs a search's one-row query on q's connection.
func (q *Queries) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	return q.q.QueryRowContext(ctx, query, args...)
}

// SelectTickets reads the tickets of "SELECT <ticket columns> " + from.
func (q *Queries) SelectTickets(ctx context.Context, from string, args ...any) ([]model.Ticket, error) {
	return q.tickets(ctx, `SELECT `+ticketCols+` `+from, args...)
}

// SelectUsers reads the users of "SELECT <user columns> " + from.
func (q *Queries) SelectUsers(ctx context.Context, from string, args ...any) ([]model.User, error) {
	return q.users(ctx, `SELECT `+userCols+` `+from, args...)
}

// SelectOrganizations reads the organizations of "SELECT <columns> " + from.
func (q *Queries) SelectOrganizations(ctx context.Context, from string, args ...any) ([]model.Organization, error) {
	return q.orgs(ctx, `SELECT `+orgCols+` `+from, args...)
}

// SearchCache is the search engine's cache of match sets, nil on a backend
// without one; tests look into it.
func (db *DB) SearchCache() *index.Cache { return db.terms }
