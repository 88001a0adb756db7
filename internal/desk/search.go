package desk

import (
	"context"
	"fmt"
	"time"

	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/search"
	"github.com/twindesk/twindesk/internal/search/index"
	"github.com/twindesk/twindesk/internal/store"
)

// broadMatches is the match count above which a search page is read by walking
// the sort order rather than sorting every match (index.Params.Broad).
const broadMatches = 2000

// MaxSearchResults is how far offset pagination reaches, as in Zendesk; the
// export endpoint pages further with a cursor.
const MaxSearchResults = 1000

// SearchRequest is one search call.
type SearchRequest struct {
	Query     string
	SortBy    string
	SortOrder string
	// Page (from 1) and PerPage page the results with offsets.
	Page    int
	PerPage int
	// Export switches to cursor pagination over one type (Type), in id order,
	// after AfterID, with no cap and no count.
	Export  bool
	Type    string
	AfterID int64
}

// SearchPage is a page of results: tickets first, then users, then
// organizations.
type SearchPage struct {
	Tickets       []model.Ticket
	Users         []model.User
	Organizations []model.Organization
	// Count is the number of matches (-1 on export); More says whether another
	// page can be fetched.
	Count int64
	More  bool
}

// ErrSearchTooDeep is returned for an offset page past MaxSearchResults.
var ErrSearchTooDeep = fmt.Errorf("search results are limited to %d; use the export endpoint for more", MaxSearchResults)

// Search runs a Zendesk search query for an agent. A malformed query returns the
// parser's *search.ParseError (which says where), and a keyword twindesk can't
// search index.ErrUnsupported; both are the caller's mistake.
func (s *Service) Search(ctx context.Context, actor model.User, req SearchRequest) (SearchPage, error) {
	if err := requireStaff(actor); err != nil {
		return SearchPage{}, err
	}
	p, err := s.searchParams(ctx, actor, req)
	if err != nil {
		return SearchPage{}, err
	}
	if p.Offset >= MaxSearchResults && !req.Export {
		return SearchPage{}, ErrSearchTooDeep
	}
	release, err := s.searchSlot(ctx)
	if err != nil {
		return SearchPage{}, err
	}
	defer release()
	if req.Export {
		return s.exportPage(ctx, p, req.Type)
	}
	p.Limit = min(p.Limit, MaxSearchResults-p.Offset)
	defer s.observeSearch(p.Query, time.Now())
	return s.offsetPage(ctx, p, req.Query)
}

// searchSlot waits for a turn to search. A search keeps a CPU busy while it
// runs and holds a set of up to a megabyte per word at a million tickets; past
// two per CPU more searches at once only wait for the database's readers, each
// holding its sets meanwhile, which took the node to 500 MB in a burst.
func (s *Service) searchSlot(ctx context.Context) (release func(), err error) {
	select {
	case s.searches <- struct{}{}:
		return func() { <-s.searches }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// SearchCount counts the matches of a query.
func (s *Service) SearchCount(ctx context.Context, actor model.User, query string) (int64, error) {
	if err := requireStaff(actor); err != nil {
		return 0, err
	}
	p, err := s.searchParams(ctx, actor, SearchRequest{Query: query})
	if err != nil {
		return 0, err
	}
	release, err := s.searchSlot(ctx)
	if err != nil {
		return 0, err
	}
	defer release()
	var n int64
	if wants(p, "ticket") {
		got, err := s.ticketCount(ctx, p, query)
		if err != nil {
			return 0, err
		}
		n = got.n
	}
	u, o, err := s.otherCounts(ctx, p)
	return n + u + o, err
}

// wants reports whether a search's results include records of type typ.
func wants(p index.Params, typ string) bool {
	return p.Query.Type == "" || p.Query.Type == typ
}

// otherCounts counts the users and the organizations matching p, as its type
// asks.
func (s *Service) otherCounts(ctx context.Context, p index.Params) (users, orgs int64, err error) {
	if wants(p, "user") {
		if users, err = s.db.Searcher().CountUsers(ctx, p); err != nil {
			return 0, 0, err
		}
	}
	if wants(p, "organization") {
		orgs, err = s.db.Searcher().CountOrganizations(ctx, p)
	}
	return users, orgs, err
}

// searchParams turns req into the store's parameters for actor, with the private
// groups hidden from actor left out of the ticket results.
func (s *Service) searchParams(ctx context.Context, actor model.User, req SearchRequest) (index.Params, error) {
	q, err := search.Parse(req.Query)
	if err != nil {
		return index.Params{}, err
	}
	if len(q.Words)+len(q.NotWords)+len(q.Conds)+len(q.IDs) == 0 && q.Type == "" && !req.Export {
		return index.Params{}, &search.ParseError{Pos: 0, Msg: "the query is empty; give words or keywords such as status:open"}
	}
	if req.Export {
		if q.Type != "" && q.Type != req.Type {
			return index.Params{}, &search.ParseError{Pos: 0, Msg: fmt.Sprintf("type:%s in the query conflicts with filter[type]=%s", q.Type, req.Type)}
		}
		q.Type = req.Type
	}
	hidden, err := s.hiddenGroups(ctx, nil, actor)
	if err != nil {
		return index.Params{}, err
	}
	page := max(req.Page, 1)
	return index.Params{Query: q, ActorID: actor.ID, Now: s.clock(), SortBy: req.SortBy, SortOrder: req.SortOrder,
		Limit: req.PerPage, Offset: (page - 1) * req.PerPage, Cursor: req.Export, AfterID: req.AfterID,
		Memo: new(index.Memo), HiddenGroups: hidden}, nil
}

// offsetPage fetches one page across tickets, users, then organizations; raw
// is the query text.
func (s *Service) offsetPage(ctx context.Context, p index.Params, raw string) (SearchPage, error) {
	var out SearchPage
	var nTickets int64
	var err error
	if wants(p, "ticket") {
		got, err := s.ticketCount(ctx, p, raw)
		if err != nil {
			return out, err
		}
		nTickets, p.Candidates = got.n, got.ids
	}
	nUsers, nOrgs, err := s.otherCounts(ctx, p)
	if err != nil {
		return out, err
	}
	out.Count = nTickets + nUsers + nOrgs
	p.Broad = nTickets > broadMatches
	if int64(p.Offset) < nTickets {
		if out.Tickets, err = s.db.Searcher().Tickets(ctx, p); err != nil {
			return out, err
		}
	}
	if left := p.Limit - len(out.Tickets); left > 0 && nUsers > 0 {
		up := p
		up.Limit, up.Offset = left, max(0, p.Offset-int(nTickets))
		if out.Users, err = s.db.Searcher().Users(ctx, up); err != nil {
			return out, err
		}
	}
	if left := p.Limit - len(out.Tickets) - len(out.Users); left > 0 && nOrgs > 0 {
		op := p
		op.Limit, op.Offset = left, max(0, p.Offset-int(nTickets+nUsers))
		if out.Organizations, err = s.db.Searcher().Organizations(ctx, op); err != nil {
			return out, err
		}
	}
	end := int64(p.Offset + p.Limit)
	out.More = end < out.Count && end < MaxSearchResults
	return out, nil
}

// exportPage fetches one cursor page of one type; it asks for one row more than
// it returns to learn whether another page exists.
func (s *Service) exportPage(ctx context.Context, p index.Params, typ string) (SearchPage, error) {
	out := SearchPage{Count: -1}
	want := p.Limit
	p.Limit++
	var err error
	switch typ {
	case "user":
		out.Users, err = s.db.Searcher().Users(ctx, p)
		if len(out.Users) > want {
			out.Users, out.More = out.Users[:want], true
		}
	case "organization":
		out.Organizations, err = s.db.Searcher().Organizations(ctx, p)
		if len(out.Organizations) > want {
			out.Organizations, out.More = out.Organizations[:want], true
		}
	default:
		out.Tickets, err = s.db.Searcher().Tickets(ctx, p)
		if len(out.Tickets) > want {
			out.Tickets, out.More = out.Tickets[:want], true
		}
	}
	return out, err
}

// indexChange keeps the full-text index in step with a ticket change, in the same
// transaction: the subject on create and when it changed, and a new comment.
func (s *Service) indexChange(ctx context.Context, tx *store.Tx, before, t *model.Ticket, c *model.Comment) error {
	if before == nil {
		body := ""
		if c != nil {
			body = c.Body
		}
		tx.IndexNewTicket(ctx, t.ID, t.Subject, body)
		return nil
	}
	if before.Subject != t.Subject {
		if err := tx.IndexSubject(ctx, t.ID, t.Subject); err != nil {
			return err
		}
	}
	if c == nil {
		return nil
	}
	return tx.IndexComment(ctx, t.ID, c.Body)
}
