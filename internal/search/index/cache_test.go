package index_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/search"
	"github.com/twindesk/twindesk/internal/search/index"
	"github.com/twindesk/twindesk/internal/store"
	"github.com/twindesk/twindesk/internal/store/sqlite"
)

// cacheQueries are checked with and without the term cache after every write.
var cacheQueries = []string{"alpha", "beta", "gamma", "alpha beta", "alpha -beta", "-gamma beta", "alph*",
	`"alpha printer"`, `"now beta"`, "tags:vip", "tags:vip alpha", "-tags:vip beta", "tags:other",
	"alpha status:new", "beta -status:open", "gamma status<solved", "alpha type:incident", "beta -type:incident",
	"alpha priority:none", "beta tags:vip status:new", "alpha status:new status:open",
	"alpha assignee:none", "beta assignee:ann@example.com", "beta -assignee:ann", "alpha group:ops", "beta group:none",
	"alpha -group:ops status:open", "beta assignee:none assignee:ann", "alpha assignee:nobody@example.com",
	// Dates fold through the in-memory times; tickets are made at t0 + 1, 2, ... minutes.
	"alpha created>2026-03-01T12:02:00Z", "beta created<2026-03-01T12:03:00Z", "alpha -created<=2026-03-01T12:02:00Z",
	"beta created>=2026-03-01T12:02:00Z created<2026-03-01T12:04:00Z", "alpha created:2026-03-01", "beta created:2026-03-02",
	"alpha updated>2026-03-01T11:02:00Z status:new", "gamma -updated>2026-03-01T12:00:00Z", "beta created>30days",
	"alpha created:2026-03-01T12:01:00Z created:2026-03-01T12:03:00Z"}

// cacheOrders are the page orders requireCacheAgrees checks, each over two
// pages, so that an offset into the in-memory times is checked too.
var cacheOrders = []struct{ by, dir string }{{"", ""}, {"updated_at", "asc"}, {"created_at", "desc"}, {"created_at", "asc"}}

// uncached is db's search engine without its cache: every word's matches
// come from the index, as the truth the cache is checked against.
func uncached(db *store.DB) index.Searcher {
	return index.New(db.Dialect().FullText, nil, func() index.Reader { return db.Read() })
}

// requireCacheAgrees runs cacheQueries through the cache and past it and
// requires the same counts and pages, in each of cacheOrders.
func requireCacheAgrees(t *testing.T, db *store.DB, step string) {
	t.Helper()
	for _, query := range cacheQueries {
		q, err := search.Parse(query)
		require.NoError(t, err)
		for _, order := range cacheOrders {
			for _, offset := range []int{0, 2} {
				var counts [2]int64
				var pages [2][]int64
				for i, read := range []index.Searcher{db.Searcher(), uncached(db)} {
					p := index.Params{Query: q, Now: time.Now(), Limit: 2, Offset: offset, SortBy: order.by, SortOrder: order.dir, Memo: new(index.Memo)}
					counts[i], err = read.CountTickets(t.Context(), p)
					require.NoError(t, err)
					got, err := read.Tickets(t.Context(), p)
					require.NoError(t, err)
					for _, tk := range got {
						pages[i] = append(pages[i], tk.ID)
					}
				}
				require.Equal(t, counts[1], counts[0], "%s: count of %q through the cache", step, query)
				require.Equal(t, pages[1], pages[0], "%s: page at %d of %q by %s %s through the cache", step, offset, query, order.by, order.dir)
			}
		}
	}
}

// TestTermCacheFollowsWrites changes tickets in every way that touches the
// full-text index and checks after each change that searches through the term
// cache find what the index finds.
func TestTermCacheFollowsWrites(t *testing.T) {
	t.Parallel()
	db, err := sqlite.Open(t.Context(), t.TempDir())
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	ctx := t.Context()
	user := model.User{Name: "Jo", Email: "jo@example.com", Role: model.RoleEndUser, Active: true, CreatedAt: t0, UpdatedAt: t0}
	write := func(step string, fn func(tx *store.Tx) error) {
		t.Helper()
		require.NoError(t, db.WriteTx(ctx, fn), step)
		requireCacheAgrees(t, db, step)
	}
	// Each ticket is created a minute after the last and updated an hour
	// before it was made; later steps move updated_at, so the orders differ.
	made := t0
	newTicket := func(tx *store.Tx, subject, body string) (int64, error) {
		made = made.Add(time.Minute)
		tk := model.Ticket{Subject: subject, Description: body, Status: model.StatusNew, RequesterID: user.ID, SubmitterID: user.ID,
			Tags: []string{"vip"}, Via: "web", CreatedAt: made, UpdatedAt: made.Add(-time.Hour)}
		id, err := tx.CreateTicket(ctx, &tk)
		if err != nil {
			return 0, err
		}
		if body != "" {
			if err := addComment(tx, id, user.ID, body); err != nil {
				return 0, err
			}
		}
		tx.IndexNewTicket(ctx, id, subject, body)
		return id, nil
	}
	var first, second, ann, ops int64
	write("create", func(tx *store.Tx) (err error) {
		if user.ID, err = tx.CreateUser(ctx, user); err != nil {
			return err
		}
		if ann, err = tx.CreateUser(ctx, model.User{Name: "Ann", Email: "ann@example.com", Role: model.RoleAgent, Active: true, CreatedAt: t0, UpdatedAt: t0}); err != nil {
			return err
		}
		if ops, err = tx.CreateGroup(ctx, model.Group{Name: "Ops", CreatedAt: t0, UpdatedAt: t0}); err != nil {
			return err
		}
		if first, err = newTicket(tx, "alpha printer", "it jams"); err != nil {
			return err
		}
		if second, err = newTicket(tx, "vpn", "beta gamma"); err != nil {
			return err
		}
		for _, subject := range []string{"alpha", "beta alpha", "alpha beta gamma"} {
			if _, err := newTicket(tx, subject, "vip printer"); err != nil {
				return err
			}
		}
		return nil
	})
	require.Positive(t, db.SearchCache().Len(), "the searches did not go through the cache")
	db.SearchCache().WaitTimes(t)
	write("comment", func(tx *store.Tx) error {
		if err := addComment(tx, first, user.ID, "now beta too"); err != nil {
			return err
		}
		return tx.IndexComment(ctx, first, "now beta too")
	})
	write("retag", func(tx *store.Tx) error {
		before, err := tx.Ticket(ctx, first)
		if err != nil {
			return err
		}
		after := before.Clone()
		after.Tags = []string{"other"}
		after.Status, after.Type = model.StatusOpen, "incident"
		after.AssigneeID, after.GroupID = ann, ops
		after.UpdatedAt = made.Add(time.Hour)
		return tx.UpdateTicket(ctx, &before, &after)
	})
	// Two tickets updated at the same time are ordered by id.
	write("tie", func(tx *store.Tx) error {
		before, err := tx.Ticket(ctx, second)
		if err != nil {
			return err
		}
		after := before.Clone()
		after.UpdatedAt = made.Add(time.Hour)
		after.AssigneeID = ann
		return tx.UpdateTicket(ctx, &before, &after)
	})
	write("subject", func(tx *store.Tx) error { return tx.IndexSubject(ctx, first, "gamma") })
	write("delete", func(tx *store.Tx) error { return tx.SoftDeleteTicket(ctx, second, user.ID, t0) })
	write("restore", func(tx *store.Tx) error { return tx.RestoreTicket(ctx, second, made.Add(2*time.Hour)) })
	write("other script", func(tx *store.Tx) error { _, err := newTicket(tx, "alphaλbeta", "ωgamma"); return err })
	// A write that rolls back must leave the cache as it leaves the index.
	require.Error(t, db.WriteTx(ctx, func(tx *store.Tx) error {
		if _, err := newTicket(tx, "alpha beta", ""); err != nil {
			return err
		}
		return fmt.Errorf("rolled back")
	}))
	requireCacheAgrees(t, db, "failed write")
	require.True(t, db.SearchCache().TimesReady(), "the searches did not page through the tickets' times")
	write("bulk", func(tx *store.Tx) error {
		return tx.BulkInsertTickets(ctx, []store.BulkTicket{{Ticket: model.Ticket{Subject: "alpha beta", Status: model.StatusOpen,
			RequesterID: user.ID, SubmitterID: user.ID, Via: "web", CreatedAt: t0, UpdatedAt: t0}}})
	})
}

func addComment(tx *store.Tx, ticket, author int64, body string) error {
	_, err := tx.AddComment(context.Background(), &model.Comment{TicketID: ticket, AuthorID: author, Body: body, Public: true, Via: "web", CreatedAt: t0})
	return err
}

// TestTermCacheUnderConcurrentWrites searches while tickets are created in
// group-committed batches: the cached sets must end where the index ends.
func TestTermCacheUnderConcurrentWrites(t *testing.T) {
	t.Parallel()
	db, err := sqlite.Open(t.Context(), t.TempDir())
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	ctx, cancel := context.WithCancel(t.Context())
	var user model.User
	require.NoError(t, db.WriteTx(ctx, func(tx *store.Tx) (err error) {
		user.ID, err = tx.CreateUser(ctx, model.User{Name: "Jo", Email: "jo@example.com", Role: model.RoleEndUser, Active: true, CreatedAt: t0, UpdatedAt: t0})
		return err
	}))
	// What each reader saw: tickets are only added, so the count a reader reads
	// never goes down, a page never holds more than the count read before it
	// plus what committed since, and no read fails.
	readerErrs := make([]error, 4)
	var readers sync.WaitGroup
	for r := range readerErrs {
		readers.Go(func() {
			q, _ := search.Parse("alpha beta")
			last := int64(0)
			for ctx.Err() == nil {
				// The first page starts the load of the tickets' times while
				// the writers commit.
				p := index.Params{Query: q, Now: t0, Limit: 25, Memo: new(index.Memo)}
				n, err := db.Searcher().CountTickets(ctx, p)
				if err != nil {
					if ctx.Err() == nil {
						readerErrs[r] = fmt.Errorf("count: %w", err)
					}
					return
				}
				if int64(n) < last || n > 200 {
					readerErrs[r] = fmt.Errorf("count went from %d to %d (200 tickets at most, none removed)", last, n)
					return
				}
				last = int64(n)
				page, err := db.Searcher().Tickets(ctx, p)
				if err != nil {
					if ctx.Err() == nil {
						readerErrs[r] = fmt.Errorf("search: %w", err)
					}
					return
				}
				if want := min(int(n), 25); len(page) < want {
					readerErrs[r] = fmt.Errorf("a page of %d tickets after a count of %d", len(page), n)
					return
				}
			}
		})
	}
	writerErrs := make([]error, 8)
	var writers sync.WaitGroup
	for w := range writerErrs {
		writers.Go(func() {
			for i := range 25 {
				err := db.WriteTx(ctx, func(tx *store.Tx) error {
					at := t0.Add(time.Duration(i*8+w) * time.Second)
					tk := model.Ticket{Subject: fmt.Sprintf("alpha %d %d", w, i), Status: model.StatusNew, RequesterID: user.ID, SubmitterID: user.ID, Via: "web", CreatedAt: at, UpdatedAt: at}
					id, err := tx.CreateTicket(ctx, &tk)
					tx.IndexNewTicket(ctx, id, tk.Subject, "beta")
					return err
				})
				if err != nil {
					writerErrs[w] = err
					return
				}
			}
		})
	}
	writers.Wait()
	cancel()
	readers.Wait()
	for _, err := range append(writerErrs, readerErrs...) {
		require.NoError(t, err)
	}
	q, _ := search.Parse("alpha beta")
	for _, read := range []index.Searcher{db.Searcher(), uncached(db)} {
		n, err := read.CountTickets(t.Context(), index.Params{Query: q, Now: t0, Memo: new(index.Memo)})
		require.NoError(t, err)
		require.EqualValues(t, 200, n)
	}
	require.Positive(t, db.SearchCache().Len())
	db.SearchCache().WaitTimes(t)
	requirePagesAgree(t, db, q, 200)
}

// requirePagesAgree pages through every match of q, newest first, through
// the tickets' times and past them, and requires the same ids.
func requirePagesAgree(t *testing.T, db *store.DB, q *search.Query, n int) {
	t.Helper()
	var pages [2][]int64
	for i, read := range []index.Searcher{db.Searcher(), uncached(db)} {
		for offset := 0; offset < n; offset += 50 {
			got, err := read.Tickets(t.Context(), index.Params{Query: q, Now: t0, Limit: 50, Offset: offset, Memo: new(index.Memo)})
			require.NoError(t, err)
			for _, tk := range got {
				pages[i] = append(pages[i], tk.ID)
			}
		}
	}
	require.Len(t, pages[1], n)
	require.Equal(t, pages[1], pages[0], "pages through the tickets' times")
}
