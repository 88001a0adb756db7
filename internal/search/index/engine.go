package index

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/twindesk/twindesk/internal/model"
)

// ErrUnsupported marks a query the parser accepted but the engine can't run
// (a keyword twindesk has no data for). The API answers it with a 400.
var ErrUnsupported = errors.New("unsupported search")

// Searcher is what desk searches through: tickets, users and organizations
// matching a parsed query, a page of them or their count.
type Searcher interface {
	Tickets(ctx context.Context, p Params) ([]model.Ticket, error)
	CountTickets(ctx context.Context, p Params) (int64, error)
	// TicketIDs returns the ids of the tickets matching p when there are at
	// most max of them (ok); ok is false when there are more.
	TicketIDs(ctx context.Context, p Params, max int) (ids []int64, ok bool, err error)
	Users(ctx context.Context, p Params) ([]model.User, error)
	CountUsers(ctx context.Context, p Params) (int64, error)
	Organizations(ctx context.Context, p Params) ([]model.Organization, error)
	CountOrganizations(ctx context.Context, p Params) (int64, error)
}

// Reader is what the engine reads through: a read connection of the store.
// The engine writes its own SQL over the tables (and the full-text index the
// store keeps in its write transactions); the store reads rows into models.
type Reader interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	// SelectTickets, SelectUsers and SelectOrganizations read the rows of
	// "SELECT <the model's columns> " + from.
	SelectTickets(ctx context.Context, from string, args ...any) ([]model.Ticket, error)
	SelectUsers(ctx context.Context, from string, args ...any) ([]model.User, error)
	SelectOrganizations(ctx context.Context, from string, args ...any) ([]model.Organization, error)
	TicketsByIDs(ctx context.Context, ids []int64) ([]model.Ticket, error)
}

// New returns the engine for a backend's full-text index. With ft.IDSet
// (SQLite) it combines match sets in Go and keeps them in cache, which must
// then not be nil; without (PostgreSQL) every search is SQL alone. read
// returns a read connection for each search.
func New(ft FullText, cache *Cache, read func() Reader) Searcher {
	if ft.IDSet == "" {
		cache = nil
	}
	return &engine{ft: ft, terms: cache, read: read, bufs: make(flagBufs, flagBufsKept)}
}

type engine struct {
	ft    FullText
	terms *Cache
	read  func() Reader
	bufs  flagBufs
}

// run is one search's view of the engine: its read connection.
type run struct {
	r     Reader
	ft    FullText
	terms *Cache
	bufs  flagBufs
}

func (e *engine) run() *run { return &run{r: e.read(), ft: e.ft, terms: e.terms, bufs: e.bufs} }

func (e *engine) Tickets(ctx context.Context, p Params) ([]model.Ticket, error) {
	return e.run().TicketSearch(ctx, p)
}

func (e *engine) CountTickets(ctx context.Context, p Params) (int64, error) {
	return e.run().TicketSearchCount(ctx, p)
}

func (e *engine) TicketIDs(ctx context.Context, p Params, max int) ([]int64, bool, error) {
	return e.run().TicketIDs(ctx, p, max)
}

func (e *engine) Users(ctx context.Context, p Params) ([]model.User, error) {
	return e.run().UserSearch(ctx, p)
}

func (e *engine) CountUsers(ctx context.Context, p Params) (int64, error) {
	return e.run().UserSearchCount(ctx, p)
}

func (e *engine) Organizations(ctx context.Context, p Params) ([]model.Organization, error) {
	return e.run().OrgSearch(ctx, p)
}

func (e *engine) CountOrganizations(ctx context.Context, p Params) (int64, error) {
	return e.run().OrgSearchCount(ctx, p)
}

// count runs a query of one integer.
func (q *run) count(ctx context.Context, what, query string, args ...any) (int64, error) {
	var n int64
	if err := q.r.QueryRowContext(ctx, query, args...).Scan(&n); err != nil {
		return 0, wrap(what, err)
	}
	return n, nil
}

func wrap(what string, err error) error { return fmt.Errorf("search: %s: %w", what, err) }

func wrapIf(what string, err error) error {
	if err == nil {
		return nil
	}
	return wrap(what, err)
}

// ts is a time as the tables store it: microseconds since the epoch.
func ts(t time.Time) int64 { return t.UnixMicro() }

// escapeLike escapes LIKE's wildcards for a pattern with ESCAPE '\'.
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// fieldJSON is one custom field value as the tickets table stores it in its
// JSON list, {"id":7,"value":"x"}.
func fieldJSON(id int64, value string) string {
	v, _ := json.Marshal(value) // a string always marshals
	return `{"id":` + strconv.FormatInt(id, 10) + `,"value":` + string(v) + `}`
}
