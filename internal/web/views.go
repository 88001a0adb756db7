package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/store"
)

// perPage is how many tickets a list page shows.
const perPage = 50

// maxPage bounds offset pagination so a crafted ?page= can't ask for a huge scan.
const maxPage = 1000

// viewLink is one entry of the views menu.
type viewLink struct {
	Key, Label string
	Count      int64
	Active     bool
}

// ticketRow is one line of a ticket list.
type ticketRow struct {
	ID              int64
	Subject         string
	RequesterID     int64
	Requester       string
	Status          string
	Priority        string
	Group, Assignee string
	Updated         time.Time
	Stub            bool
	// SLA is the ticket's next SLA target, if any (sla.go).
	SLA *slaBadge
}

// sortColumn is a sortable list header.
type sortColumn struct {
	Label, URL, AriaSort string
}

// listData is what a ticket list page shows.
type listData struct {
	Heading   string
	Views     []viewLink
	Requester *model.User
	Rows      []ticketRow
	Columns   map[string]sortColumn
	Total     int64
	PageNum   int
	Pages     int
	PrevURL   string
	NextURL   string
	Empty     string
	// Users and Error are for search results.
	Users []model.User
	Error string
	// Notice explains an ambiguous ticket number.
	Notice string
	// Bulk, on a view's page, is the form that edits the selected rows.
	Bulk *bulkForm
	// Hide names the optional columns (requester, priority, group, assignee) a
	// view's execution leaves out.
	Hide map[string]bool
}

// listQuery is the sort and page a list request asks for.
type listQuery struct {
	sort store.ViewSort
	page int
	base string
	q    url.Values
}

func parseListQuery(r *http.Request) listQuery {
	q := r.URL.Query()
	lq := listQuery{sort: store.ViewSort{By: "updated", Desc: true}, page: 1, base: r.URL.Path, q: q}
	if by := q.Get("sort"); store.ValidViewSort(by) {
		lq.sort = store.ViewSort{By: by, Desc: q.Get("dir") != "asc"}
	}
	if n, err := strconv.Atoi(q.Get("page")); err == nil && n > 1 {
		lq.page = min(n, maxPage)
	}
	return lq
}

// url renders the list's URL with some parameters replaced.
func (lq listQuery) url(set map[string]string) string {
	v := url.Values{}
	for k, vals := range lq.q {
		if k != "flash" {
			v[k] = vals
		}
	}
	for k, val := range set {
		if val == "" {
			v.Del(k)
		} else {
			v.Set(k, val)
		}
	}
	if len(v) == 0 {
		return lq.base
	}
	return lq.base + "?" + v.Encode()
}

// requesterPage lists every ticket a user requested.
func (s *Server) requesterPage(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	u, err := s.desk.User(r.Context(), rq.user, id)
	if err != nil {
		return err
	}
	f := store.ViewFilter{RequesterID: u.ID}
	d := listData{Heading: "Tickets requested by " + u.Name, Requester: &u, Empty: "This user has no tickets."}
	if d.Total, err = s.desk.CountListTickets(r.Context(), rq.user, f); err != nil {
		return err
	}
	if err := s.fillList(r.Context(), rq.user, &d, f, parseListQuery(r)); err != nil {
		return err
	}
	s.render(w, r, rq, http.StatusOK, "list.html", d.Heading, d)
	return nil
}

// fillList loads one page of tickets of f (d.Total already counted) with the names
// of their requesters, assignees and groups, plus the sort and page links.
func (s *Server) fillList(ctx context.Context, actor model.User, d *listData, f store.ViewFilter, lq listQuery) error {
	d.PageNum = min(lq.page, pageCount(d.Total))
	tickets, err := s.desk.ListTickets(ctx, actor, f, lq.sort, perPage, (d.PageNum-1)*perPage)
	if err != nil {
		return err
	}
	if d.Rows, err = s.ticketRows(ctx, actor, tickets); err != nil {
		return err
	}
	d.pager(lq, d.Total)
	d.Columns = sortColumns(lq, viewSortKeys)
	return nil
}

func pageCount(total int64) int { return max(1, int((total+perPage-1)/perPage)) }

// pager sets the page count and the previous/next links for total rows.
func (d *listData) pager(lq listQuery, total int64) {
	d.Pages = pageCount(total)
	if d.PageNum > 1 {
		d.PrevURL = lq.url(map[string]string{"page": strconv.Itoa(d.PageNum - 1)})
	}
	if d.PageNum < d.Pages {
		d.NextURL = lq.url(map[string]string{"page": strconv.Itoa(d.PageNum + 1)})
	}
}

// viewSortKeys are the columns a view sorts by.
var viewSortKeys = []string{"id", "subject", "status", "priority", "updated", "created"}

// sortColumns builds the header links of the sortable keys: clicking the active
// column flips its direction, clicking another sorts by it (dates newest first,
// text A to Z). Other columns are plain labels.
func sortColumns(lq listQuery, keys []string) map[string]sortColumn {
	labels := map[string]string{"id": "ID", "subject": "Subject", "status": "Status", "priority": "Priority", "updated": "Updated", "created": "Created"}
	out := map[string]sortColumn{}
	for key, label := range labels {
		out[key] = sortColumn{Label: label}
	}
	for _, key := range keys {
		c := sortColumn{Label: labels[key], AriaSort: "none"}
		dir := "desc"
		if key == "subject" {
			dir = "asc"
		}
		if lq.sort.By == key {
			c.AriaSort, dir = "descending", "asc"
			if !lq.sort.Desc {
				c.AriaSort, dir = "ascending", "desc"
			}
		}
		c.URL = lq.url(map[string]string{"sort": key, "dir": dir, "page": ""})
		out[key] = c
	}
	return out
}

// ticketRows resolves the names a list shows, with one query per kind.
func (s *Server) ticketRows(ctx context.Context, actor model.User, tickets []model.Ticket) ([]ticketRow, error) {
	var ids []int64
	for _, t := range tickets {
		ids = append(ids, t.RequesterID)
		if t.AssigneeID != 0 {
			ids = append(ids, t.AssigneeID)
		}
	}
	users, err := s.usersByID(ctx, actor, ids)
	if err != nil {
		return nil, err
	}
	groups, err := s.groupNames(ctx, actor)
	if err != nil {
		return nil, err
	}
	rows := make([]ticketRow, len(tickets))
	for i, t := range tickets {
		rows[i] = ticketRow{ID: t.ID, Subject: t.Subject, RequesterID: t.RequesterID, Requester: users[t.RequesterID].Name,
			Status: string(t.Status), Priority: t.Priority, Group: groups[t.GroupID], Assignee: users[t.AssigneeID].Name,
			Updated: t.UpdatedAt, Stub: isStub(&t)}
	}
	if err := s.addRowSLA(ctx, actor, rows); err != nil {
		return nil, err
	}
	return rows, nil
}

// usersByID loads users into a map by id.
func (s *Server) usersByID(ctx context.Context, actor model.User, ids []int64) (map[int64]model.User, error) {
	users, err := s.desk.UsersByIDs(ctx, actor, dedupe(ids))
	if err != nil {
		return nil, err
	}
	out := make(map[int64]model.User, len(users))
	for _, u := range users {
		out[u.ID] = u
	}
	return out, nil
}

// groupNames maps every group id to its name.
func (s *Server) groupNames(ctx context.Context, actor model.User) (map[int64]string, error) {
	groups, err := s.desk.AllGroups(ctx, actor)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]string, len(groups))
	for _, g := range groups {
		out[g.ID] = g.Name
	}
	return out, nil
}

func dedupe(ids []int64) []int64 {
	seen := make(map[int64]bool, len(ids))
	out := ids[:0:0]
	for _, id := range ids {
		if id != 0 && !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

func pathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, errNotFound
	}
	return id, nil
}
