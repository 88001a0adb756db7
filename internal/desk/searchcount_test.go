package desk_test

import (
	"context"
	"testing"
	"time"

	"github.com/twindesk/twindesk/internal/desk"
	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/store"
)

// TestBroadSearchCountIsReused: the count of a search with more than a couple
// of thousand matches is reused for a while, then recounted in the background,
// while narrow counts stay exact.
func TestBroadSearchCountIsReused(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d, clock := sessionDesk(t)
	agent := model.User{ID: -1, Role: model.RoleAdmin}
	now := time.Now().UTC()
	bts := make([]store.BulkTicket, 2500)
	for i := range bts {
		tags := []string{"bulk"}
		if i < 10 {
			tags = append(tags, "few")
		}
		tk := model.Ticket{Subject: "printer", Description: "d", Status: model.StatusOpen, RequesterID: 1, SubmitterID: 1,
			Tags: tags, Via: "api", CreatedAt: now, UpdatedAt: now}
		bts[i] = store.BulkTicket{Ticket: tk, Entries: []store.BulkEntry{{Audit: model.Audit{AuthorID: 1, Via: "api", CreatedAt: now}}}}
	}
	if err := d.DB().WriteTx(ctx, func(tx *store.Tx) error { return tx.BulkInsertTickets(ctx, bts) }); err != nil {
		t.Fatal(err)
	}
	count := func(q string) int64 {
		t.Helper()
		page, err := d.Search(ctx, agent, desk.SearchRequest{Query: q, PerPage: 10})
		if err != nil {
			t.Fatal(err)
		}
		return page.Count
	}
	if n := count("tags:bulk"); n != 2500 {
		t.Fatalf("tags:bulk: %d, want 2500", n)
	}
	if n := count("tags:few"); n != 10 {
		t.Fatalf("tags:few: %d, want 10", n)
	}
	subject, body, tags := "printer", "one more", []string{"bulk", "few"}
	if _, err := d.CreateTicket(ctx, agent, desk.TicketInput{Subject: &subject, Comment: &desk.CommentInput{Body: body},
		Tags: &tags, Status: ptr("open"), RequesterID: ptr(int64(1))}, ""); err != nil {
		t.Fatal(err)
	}
	if n := count("tags:bulk"); n != 2500 {
		t.Errorf("tags:bulk right after a create: %d, want the reused 2500", n)
	}
	if n := count("tags:few"); n != 11 {
		t.Errorf("tags:few: %d, want an exact 11", n)
	}
	if n := count("tags:bulk status:open"); n != 2501 {
		t.Errorf("a new broad query: %d, want an exact 2501", n)
	}
	// Past its 30 s, the reused count is still answered at once while one
	// recount runs in the background; the next requests then get its result.
	clock.Add(31 * time.Second)
	if n := count("tags:bulk"); n != 2500 {
		t.Errorf("tags:bulk 31 s later: %d, want the old 2500 while it is recounted", n)
	}
	deadline := time.Now().Add(10 * time.Second)
	for count("tags:bulk") != 2501 {
		if time.Now().After(deadline) {
			t.Fatal("the background recount of tags:bulk never arrived")
		}
		time.Sleep(10 * time.Millisecond)
	}
	// A count too old to answer is counted by the request itself.
	if _, err := d.CreateTicket(ctx, agent, desk.TicketInput{Subject: &subject, Comment: &desk.CommentInput{Body: body},
		Tags: &tags, Status: ptr("open"), RequesterID: ptr(int64(1))}, ""); err != nil {
		t.Fatal(err)
	}
	clock.Add(61 * time.Second)
	if n := count("tags:bulk"); n != 2502 {
		t.Errorf("tags:bulk 61 s later: %d, want an exact 2502", n)
	}
}

func ptr[T any](v T) *T { return &v }
