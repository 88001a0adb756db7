package desk_test

import (
	"io"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/desk"
	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/pgtest"
	"github.com/twindesk/twindesk/internal/store"
	"github.com/twindesk/twindesk/internal/store/postgres"
	"github.com/twindesk/twindesk/internal/store/sqlite"
)

// TestSearchConformance is the one search suite both backends pass: the same
// tickets written through desk, the same queries asked through desk.Search and
// desk.SearchCount, the same answers (matches, counts, order, pages). Each
// query runs twice, so on SQLite the second run is answered from the term
// cache the first one filled. PostgreSQL runs when TWINDESK_PG_URL is set
// (skipped with a message otherwise, failing under CI).
func TestSearchConformance(t *testing.T) {
	t.Parallel()
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		db, err := sqlite.Open(t.Context(), t.TempDir())
		require.NoError(t, err)
		t.Cleanup(func() { _ = db.Close() })
		searchConformance(t, db)
	})
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		db, err := postgres.Open(t.Context(), pgtest.URL(t))
		require.NoError(t, err)
		t.Cleanup(func() { _ = db.Close() })
		searchConformance(t, db)
	})
}

// conformanceData is what searchConformance wrote: the agent searching and
// the ticket ids in the order they were created, an hour apart.
type conformanceData struct {
	d            *desk.Service
	agent        model.User
	ids          []int64
	acme, globex model.Organization
	jo, kim      model.User
}

func (c *conformanceData) pick(n ...int) []int64 {
	out := []int64{}
	for _, i := range n {
		out = append(out, c.ids[i])
	}
	return out
}

func writeConformanceData(t *testing.T, db *store.DB) *conformanceData {
	ctx := t.Context()
	clock := &fakeClock{now: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	c := &conformanceData{}
	c.d = desk.New(db, slog.New(slog.NewTextHandler(io.Discard, nil)), desk.WithClock(clock.Now))
	admin, err := c.d.BootstrapUser(ctx, desk.UserInput{Name: ptr("Admin"), Email: ptr("admin@example.com"), Role: ptr("admin")})
	require.NoError(t, err)
	c.agent, err = c.d.CreateUser(ctx, admin, desk.UserInput{Name: ptr("Ann Agent"), Email: ptr("ann@example.com"), Role: ptr("agent")})
	require.NoError(t, err)
	c.acme, err = c.d.SaveOrganization(ctx, admin, 0, desk.OrgInput{Name: ptr("Acme Corp"), ExternalID: ptr("ext-acme"),
		DomainNames: &[]string{"acme.example"}})
	require.NoError(t, err)
	clock.Add(time.Minute)
	c.globex, err = c.d.SaveOrganization(ctx, admin, 0, desk.OrgInput{Name: ptr("Globex"), DomainNames: &[]string{"globex.example"}})
	require.NoError(t, err)
	c.jo, err = c.d.CreateUser(ctx, admin, desk.UserInput{Name: ptr("Jo Requester"), Email: ptr("jo@example.com"), OrganizationID: ptr(c.acme.ID)})
	require.NoError(t, err)
	jo := c.jo
	c.kim, err = c.d.CreateUser(ctx, admin, desk.UserInput{Name: ptr("Kim"), Email: ptr("kim@globex.example"), OrganizationID: ptr(c.globex.ID)})
	require.NoError(t, err)
	g, err := c.d.SaveGroup(ctx, admin, 0, desk.GroupInput{Name: ptr("IT Ops")})
	require.NoError(t, err)
	_, err = c.d.AddMembership(ctx, admin, model.GroupMembership{UserID: c.agent.ID, GroupID: g.ID})
	require.NoError(t, err)
	type tk struct {
		subject, body, status, priority, typ string
		assigned                             bool
		tags                                 []string
	}
	tickets := []tk{
		{"Printer on fire", "The printer in room 4 is on fire", "new", "high", "incident", false, []string{"hardware"}},
		{"Password reset", "Please reset my password", "open", "normal", "question", true, []string{"vip", "account"}},
		{"VPN broken", "Cannot reach the printing server over VPN", "pending", "urgent", "problem", true, nil},
		{"Salary question", "Café au lait and payroll", "solved", "low", "question", true, []string{"payroll"}},
		{"Old thing", "nothing interesting", "hold", "low", "task", false, []string{"spam"}},
	}
	for _, p := range []string{"low", "normal", "high", "urgent", "normal", "low", "high"} {
		tickets = append(tickets, tk{"Paper jam", "paper stuck in the tray", "open", p, "incident", false, []string{"jam"}})
	}
	for i, x := range tickets {
		clock.Add(time.Hour)
		in := desk.TicketInput{Subject: ptr(x.subject), Comment: &desk.CommentInput{Body: x.body}, Status: ptr(x.status),
			Priority: ptr(x.priority), Type: ptr(x.typ), RequesterID: ptr(jo.ID), Tags: &x.tags}
		switch { // the first four keep their requester's organization, Acme
		case i == 4:
			in.OrganizationID = ptr(int64(0))
		case i > 4:
			in.OrganizationID = ptr(c.globex.ID)
		}
		if x.assigned {
			in.AssigneeID, in.GroupID = ptr(c.agent.ID), ptr(g.ID)
		}
		res, err := c.d.CreateTicket(ctx, c.agent, in, "")
		require.NoError(t, err, x.subject)
		c.ids = append(c.ids, res.Ticket.ID)
	}
	// A later comment: words of a second part, and the ticket updated last.
	clock.Add(time.Hour)
	_, err = c.d.UpdateTicket(ctx, c.agent, c.ids[2], desk.TicketInput{Comment: &desk.CommentInput{Body: "the tunnel drops every hour"}})
	require.NoError(t, err)
	return c
}

func searchConformance(t *testing.T, db *store.DB) {
	c := writeConformanceData(t, db)
	require.Equal(t, int64(1), c.ids[0], "a fresh database numbers tickets from 1")
	tests := []struct {
		query string
		want  []int64 // in the default order: updated_at descending
	}{
		// Words, phrases, prefixes and negation; a ticket matches when each word
		// is in some part (subject or comment).
		{"printer", c.pick(0)},
		{"PRINTER fire", c.pick(0)},
		{"print*", c.pick(2, 0)},
		{`"on fire"`, c.pick(0)},
		{`"fire on"`, c.pick()},
		{"printer -fire", c.pick()},
		{"vpn tunnel", c.pick(2)},
		{`"broken cannot"`, c.pick()},
		{"cafe", c.pick(3)},
		{"jam -paper", c.pick()},
		// Keywords: status with operators, priority, type, tags, group,
		// assignee, requester, subject.
		{"status:open", c.pick(11, 10, 9, 8, 7, 6, 5, 1)},
		{"status<pending", c.pick(11, 10, 9, 8, 7, 6, 5, 1, 0)},
		{"status:pending status:hold", c.pick(2, 4)},
		{"-status:open", c.pick(2, 4, 3, 0)},
		{"priority>=high", c.pick(2, 11, 8, 7, 0)},
		{"type:question", c.pick(3, 1)},
		{"tags:vip", c.pick(1)},
		{"tags:VIP tags:payroll", c.pick(3, 1)},
		{"-tags:jam -tags:spam", c.pick(2, 3, 1, 0)},
		{"tags:none", c.pick(2)},
		{`group:"IT Ops"`, c.pick(2, 3, 1)},
		{"group:none status:hold", c.pick(4)},
		{"assignee:me", c.pick(2, 3, 1)},
		{"assignee:ann@example.com -status:solved", c.pick(2, 1)},
		{"assignee:none tags:jam", c.pick(11, 10, 9, 8, 7, 6, 5)},
		{"requester:jo@example.com printer", c.pick(0)},
		{"subject:password", c.pick(1)},
		{"paper priority:low", c.pick(10, 5)},
		// Dates: absolute (a bare date is the whole day), relative to now, and
		// combined with words.
		{"created<2026-03-01T15:00:00Z", c.pick(1, 0)},
		{"created>=2026-03-01T23:00:00Z", c.pick(11, 10)},
		{"created:2026-03-02", c.pick(11)},
		{"created>2026-03-02", c.pick()},
		{"updated>2026-03-02T00:30:00Z", c.pick(2)},
		{"jam created>2026-03-01T21:30:00Z", c.pick(11, 10, 9)},
		{"created>2hours", c.pick(11, 10)},
		{"updated>2hours", c.pick(2, 11, 10)},
		// Ids: a number finds that ticket and the tickets mentioning it.
		{"4", c.pick(3, 0)},
		{"type:ticket payroll", c.pick(3)},
		{"role:admin type:ticket", c.pick()},
	}
	for _, tc := range tests {
		q := tc.query
		if !strings.Contains(q, "type:") {
			q += " type:ticket" // counts of tickets alone
		}
		for run := range 2 { // cold, then from what the first run cached
			page, err := c.d.Search(t.Context(), c.agent, desk.SearchRequest{Query: q, PerPage: 100})
			require.NoError(t, err, q)
			require.Equal(t, tc.want, ticketIDs(page.Tickets), "query %q (run %d)", q, run)
			require.EqualValues(t, len(tc.want), page.Count, "count of %q", q)
			n, err := c.d.SearchCount(t.Context(), c.agent, q)
			require.NoError(t, err, q)
			require.EqualValues(t, len(tc.want), n, "SearchCount of %q", q)
		}
	}
	conformanceSorting(t, c)
	conformancePages(t, c)
	conformanceOrganizations(t, c)
	// A change after the searches above: what they cached must follow it.
	_, err := c.d.UpdateTicket(t.Context(), c.agent, c.ids[4], desk.TicketInput{Comment: &desk.CommentInput{Body: "printer toner"},
		Status: ptr("open"), AdditionalTags: []string{"jam"}})
	require.NoError(t, err)
	for q, want := range map[string][]int64{
		"printer": c.pick(4, 0), "tags:jam": c.pick(4, 11, 10, 9, 8, 7, 6, 5), "status:hold": c.pick(),
		"print* status:open": c.pick(4), "-tags:spam -tags:jam": c.pick(2, 3, 1, 0),
	} {
		page, err := c.d.Search(t.Context(), c.agent, desk.SearchRequest{Query: q + " type:ticket", PerPage: 100})
		require.NoError(t, err, q)
		require.Equal(t, want, ticketIDs(page.Tickets), "query %q after a change", q)
		require.EqualValues(t, len(want), page.Count, "count of %q after a change", q)
	}
}

func ticketIDs(ts []model.Ticket) []int64 {
	out := []int64{}
	for _, tk := range ts {
		out = append(out, tk.ID)
	}
	return out
}

// conformanceSorting checks each sort key both ways, ties broken by id.
func conformanceSorting(t *testing.T, c *conformanceData) {
	jams := c.pick(5, 6, 7, 8, 9, 10, 11)
	desc := slices.Clone(jams)
	slices.Reverse(desc)
	byPriority := c.pick(5, 10, 6, 9, 7, 11, 8) // low, low, normal, normal, high, high, urgent
	byPriorityDesc := c.pick(8, 11, 7, 9, 6, 10, 5)
	for _, tc := range []struct {
		by, order, query string
		want             []int64
	}{
		{"created_at", "asc", "tags:jam", jams},
		{"created_at", "desc", "tags:jam", desc},
		{"updated_at", "asc", "paper", jams},
		{"", "", "paper order_by:created_at sort:asc", jams},
		{"priority", "asc", "tags:jam", byPriority},
		{"priority", "desc", "jam", byPriorityDesc},
		{"status", "asc", "-tags:jam", c.pick(0, 1, 2, 4, 3)},
		{"updated_at", "desc", "-tags:jam", c.pick(2, 4, 3, 1, 0)},
	} {
		for run := range 2 {
			page, err := c.d.Search(t.Context(), c.agent, desk.SearchRequest{Query: tc.query, SortBy: tc.by, SortOrder: tc.order, PerPage: 100})
			require.NoError(t, err, tc.query)
			require.Equal(t, tc.want, ticketIDs(page.Tickets), "%q by %s %s (run %d)", tc.query, tc.by, tc.order, run)
		}
	}
}

// conformancePages walks offset pages and export cursor pages: together they
// hold every match once, in order, and More says whether another page follows.
func conformancePages(t *testing.T, c *conformanceData) {
	ctx := t.Context()
	want := c.pick(0, 1, 2, 4, 5, 6, 7, 8, 9, 10, 11) // status<solved, created ascending
	var got []int64
	for p := 1; ; p++ {
		page, err := c.d.Search(ctx, c.agent, desk.SearchRequest{Query: "status<solved", SortBy: "created_at", SortOrder: "asc", Page: p, PerPage: 4})
		require.NoError(t, err)
		require.EqualValues(t, len(want), page.Count, "count on page %d", p)
		got = append(got, ticketIDs(page.Tickets)...)
		if !page.More {
			require.Equal(t, 3, p, "pages of 4 over 11 matches")
			break
		}
	}
	require.Equal(t, want, got)
	// The same words and tag from the sets (SQLite's term cache) and from SQL.
	got = nil
	for p := 1; p <= 3; p++ {
		page, err := c.d.Search(ctx, c.agent, desk.SearchRequest{Query: "paper", SortBy: "created_at", SortOrder: "desc", Page: p, PerPage: 3})
		require.NoError(t, err)
		got = append(got, ticketIDs(page.Tickets)...)
		require.Equal(t, p < 3, page.More, "More on page %d", p)
	}
	wantDesc := c.pick(11, 10, 9, 8, 7, 6, 5)
	require.Equal(t, wantDesc, got)
	// Export: cursor pages in id order, past the last id nothing.
	got = nil
	var after int64
	for range 10 {
		page, err := c.d.Search(ctx, c.agent, desk.SearchRequest{Query: "status<solved", Export: true, Type: "ticket", PerPage: 4, AfterID: after})
		require.NoError(t, err)
		ids := ticketIDs(page.Tickets)
		got = append(got, ids...)
		if !page.More {
			break
		}
		after = ids[len(ids)-1]
	}
	byID := slices.Clone(want)
	slices.Sort(byID)
	require.Equal(t, byID, got)
}

// conformanceOrganizations checks organization: on tickets and users, and
// type:organization, through the pages and counts of desk.Search.
func conformanceOrganizations(t *testing.T, c *conformanceData) {
	ctx := t.Context()
	search := func(q string, perPage, page int) desk.SearchPage {
		t.Helper()
		res, err := c.d.Search(ctx, c.agent, desk.SearchRequest{Query: q, PerPage: perPage, Page: page})
		require.NoError(t, err, q)
		n, err := c.d.SearchCount(ctx, c.agent, q)
		require.NoError(t, err, q)
		require.Equal(t, res.Count, n, "SearchCount of %q", q)
		return res
	}
	globexID := strconv.FormatInt(c.globex.ID, 10)
	for q, want := range map[string][]int64{
		`organization:"Acme Corp"`:                c.pick(2, 3, 1, 0),
		`organization:"acme corp" -status:solved`: c.pick(2, 1, 0),
		"organization:" + globexID:                c.pick(11, 10, 9, 8, 7, 6, 5),
		"organization:globex priority:low":        c.pick(10, 5),
		"organization:none":                       c.pick(4),
		"-organization:none printer":              c.pick(0),
		"organization:initech":                    c.pick(),
	} {
		res := search(q+" type:ticket", 100, 1)
		require.Equal(t, want, ticketIDs(res.Tickets), "query %q", q)
		require.EqualValues(t, len(want), res.Count, "count of %q", q)
	}
	userIDs := func(us []model.User) []int64 {
		out := []int64{}
		for _, u := range us {
			out = append(out, u.ID)
		}
		return out
	}
	require.Equal(t, []int64{c.jo.ID}, userIDs(search(`type:user organization:"ACME CORP"`, 100, 1).Users))
	require.Equal(t, []int64{c.kim.ID}, userIDs(search("type:user organization:"+globexID, 100, 1).Users))
	orgIDs := func(os []model.Organization) []int64 {
		out := []int64{}
		for _, o := range os {
			out = append(out, o.ID)
		}
		return out
	}
	acme, globex := c.acme.ID, c.globex.ID
	for q, want := range map[string][]int64{
		"type:organization acme":                 {acme},
		"type:organization example":              {globex, acme}, // domain names; newest first
		"type:organization example sort:asc":     {acme, globex},
		"type:organization name:glob":            {globex},
		"type:organization external_id:ext-acme": {acme},
		"type:organization " + globexID:          {globex},
		"type:organization -acme":                {globex},
		"type:organization status:open":          {},
		"type:organization created>2026-03-02":   {},
	} {
		res := search(q, 100, 1)
		require.Equal(t, want, orgIDs(res.Organizations), "query %q", q)
		require.EqualValues(t, len(want), res.Count, "count of %q", q)
		require.Empty(t, res.Tickets, q)
		require.Empty(t, res.Users, q)
	}
	// Without a type, results are tickets, then users, then organizations,
	// paged across the three.
	p1, p2 := search("globex", 1, 1), search("globex", 1, 2)
	require.EqualValues(t, 2, p1.Count)
	require.Equal(t, []int64{c.kim.ID}, userIDs(p1.Users))
	require.Empty(t, p1.Organizations)
	require.True(t, p1.More)
	require.Empty(t, p2.Users)
	require.Equal(t, []int64{globex}, orgIDs(p2.Organizations))
	require.False(t, p2.More)
	// Export: organizations in id order, by cursor.
	var got []int64
	var after int64
	for range 5 {
		res, err := c.d.Search(ctx, c.agent, desk.SearchRequest{Query: "example", Export: true, Type: "organization", PerPage: 1, AfterID: after})
		require.NoError(t, err)
		got = append(got, orgIDs(res.Organizations)...)
		if !res.More {
			break
		}
		after = got[len(got)-1]
	}
	require.Equal(t, []int64{acme, globex}, got)
}
