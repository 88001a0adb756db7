package web

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/twindesk/twindesk/internal/desk"
	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/store"
)

// The list pages of views (issue 19): the sidebar lists the views the agent may
// use with their counts, a view's page lists its tickets full width and lets the
// agent edit the selected rows together. Views, counts and permissions are the
// desk's; each count is one SQL count.

// legacyViews keeps the old fixed list paths (bookmarks, login's default
// next page) on the default views that replaced them.
var legacyViews = map[string]int64{"mine": 1, "unassigned": 2, "open": 3, "recent": 4, "pending": 5}

func (s *Server) home(w http.ResponseWriter, r *http.Request, _ *request) error {
	http.Redirect(w, r, "/views/mine", http.StatusSeeOther)
	return nil
}

// viewID reads /views/{view}: a view id or an old fixed list's name.
func viewID(r *http.Request) (int64, bool) {
	key := r.PathValue("view")
	if id, ok := legacyViews[key]; ok {
		return id, true
	}
	id, err := strconv.ParseInt(key, 10, 64)
	return id, err == nil && id > 0
}

// viewLinks lists the agent's active views with their counts.
func (s *Server) viewLinks(ctx context.Context, user model.User, current int64) ([]viewLink, error) {
	views, err := s.desk.TicketViews(ctx, user, "", true)
	if err != nil {
		return nil, err
	}
	links := make([]viewLink, 0, len(views))
	for i := range views {
		n, err := s.desk.CountTicketView(ctx, user, &views[i])
		if err != nil {
			return nil, err
		}
		links = append(links, viewLink{Key: strconv.FormatInt(views[i].ID, 10), Label: views[i].Title, Count: n,
			Active: views[i].ID == current})
	}
	return links, nil
}

// viewPage shows one view, with the counts of all of them.
func (s *Server) viewPage(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, ok := viewID(r)
	if !ok {
		return errNotFound
	}
	ctx := r.Context()
	links, err := s.viewLinks(ctx, rq.user, id)
	if err != nil {
		return err
	}
	lq := parseListQuery(r)
	var sort *store.ViewSort
	if r.URL.Query().Get("sort") != "" {
		sort = &lq.sort
	}
	// The page number is clamped to the count, which RunTicketView returns with
	// the page: a page past the end shows the last one, as the other lists do.
	page, err := s.desk.RunTicketView(ctx, rq.user, id, sort, perPage, (lq.page-1)*perPage)
	if errors.Is(err, model.ErrNotFound) && r.PathValue("view") != strconv.FormatInt(id, 10) && len(links) > 0 {
		// An old fixed list whose default view was deleted: show the first view.
		http.Redirect(w, r, "/views/"+links[0].Key, http.StatusSeeOther)
		return nil
	}
	if err != nil {
		return err
	}
	if last := pageCount(page.Count); lq.page > last {
		lq.page = last
		if page, err = s.desk.RunTicketView(ctx, rq.user, id, sort, perPage, (lq.page-1)*perPage); err != nil {
			return err
		}
	}
	d := listData{Heading: page.View.Title, Views: links, Total: page.Count, Empty: "No tickets in this view.", PageNum: lq.page}
	if !slices.ContainsFunc(links, func(l viewLink) bool { return l.Active }) {
		d.Views = append(d.Views, viewLink{Key: strconv.FormatInt(id, 10), Label: page.View.Title, Count: page.Count, Active: true})
	}
	if d.Rows, err = s.ticketRows(ctx, rq.user, page.Tickets); err != nil {
		return err
	}
	d.pager(lq, d.Total)
	if sort == nil {
		lq.sort = store.ViewSortOf(page.View.Execution)
	}
	d.Columns = sortColumns(lq, viewSortKeys)
	d.Hide = hiddenColumns(page.View.Execution.Columns)
	if len(d.Rows) > 0 {
		if d.Bulk, err = s.bulkForm(ctx, rq.user, r.URL.RequestURI()); err != nil {
			return err
		}
	}
	s.render(w, r, rq, http.StatusOK, "list.html", d.Heading, d)
	return nil
}

// hiddenColumns returns the optional list columns a view's execution doesn't
// name; a view naming no columns shows them all. ID, subject, status and
// updated are always shown: they identify and order the rows.
func hiddenColumns(cols []string) map[string]bool {
	if len(cols) == 0 {
		return nil
	}
	hide := map[string]bool{}
	for _, c := range []string{"requester", "priority", "group", "assignee"} {
		hide[c] = !slices.Contains(cols, c)
	}
	return hide
}

// bulkForm is the form that edits a view's selected rows.
type bulkForm struct {
	Action   string
	Back     string
	Statuses []string
	Groups   []model.Group
	Agents   []model.User
}

func (s *Server) bulkForm(ctx context.Context, actor model.User, back string) (*bulkForm, error) {
	groups, err := s.desk.AllGroups(ctx, actor)
	if err != nil {
		return nil, err
	}
	staff, err := s.desk.Staff(ctx, actor)
	if err != nil {
		return nil, err
	}
	staff = slices.DeleteFunc(staff, func(u model.User) bool { return !u.Active })
	secure, err := s.secureGroups(ctx, actor)
	if err != nil {
		return nil, err
	}
	// A pseudo group sends a ticket's content to the secure desk: that is done one
	// ticket at a time, on its page, with a confirmation; never in bulk.
	groups = slices.DeleteFunc(groups, func(g model.Group) bool { return secure[g.ID] })
	return &bulkForm{Action: "/views/bulk", Back: back, Statuses: []string{"open", "pending", "hold", "solved"},
		Groups: groups, Agents: staff}, nil
}

// bulkUpdate applies the bulk form to the selected tickets, each through the
// desk's ordinary update (permissions, validation, audit, triggers). What is
// left at "no change" stays as it is on each ticket.
func (s *Server) bulkUpdate(w http.ResponseWriter, r *http.Request, rq *request) error {
	var ids []int64
	for _, raw := range r.PostForm["ids"] {
		id, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || id <= 0 {
			return &httpError{http.StatusBadRequest, "The selection names a ticket that does not exist."}
		}
		ids = append(ids, id)
	}
	if len(ids) == 0 || len(ids) > desk.MaxBulk {
		return &httpError{http.StatusBadRequest, "Select between 1 and 100 tickets."}
	}
	in, err := bulkInput(r)
	if err != nil {
		return err
	}
	if in.GroupID != nil {
		secure, err := s.secureGroups(r.Context(), rq.user)
		if err != nil {
			return err
		}
		if secure[*in.GroupID] {
			return &httpError{http.StatusBadRequest, "Tickets move to the secure desk one at a time, from the ticket's page."}
		}
	}
	items := make([]desk.BulkUpdate, len(ids))
	for i, id := range ids {
		items[i] = desk.BulkUpdate{ID: id, Input: in}
	}
	job, err := s.desk.UpdateMany(r.Context(), rq.user, items)
	if err != nil {
		return err
	}
	flash := "bulk_updated"
	for _, res := range job.Results {
		if !res.Success {
			flash = "bulk_partial"
		}
	}
	http.Redirect(w, r, withFlash(viewBack(r.PostFormValue("back")), flash), http.StatusSeeOther)
	return nil
}

// bulkInput reads the bulk form: "" leaves a property alone, assignee "none"
// unassigns, tags are added.
func bulkInput(r *http.Request) (desk.TicketInput, error) {
	in := desk.TicketInput{Via: "web"}
	if v := r.PostFormValue("status"); v != "" {
		in.Status = &v
	}
	for _, f := range []struct {
		name string
		dst  **int64
	}{{"group_id", &in.GroupID}, {"assignee_id", &in.AssigneeID}} {
		switch v := r.PostFormValue(f.name); v {
		case "":
		case "none":
			*f.dst = new(int64)
		default:
			id, err := strconv.ParseInt(v, 10, 64)
			if err != nil || id <= 0 {
				return in, &httpError{http.StatusBadRequest, "Choose a group and an assignee from the lists."}
			}
			*f.dst = &id
		}
	}
	in.AdditionalTags = strings.Fields(r.PostFormValue("tags"))
	return in, nil
}

// viewBack is the view page a bulk form returns to: only a local /views/ path,
// so a forged form can't send the agent elsewhere; its old flash is dropped.
func viewBack(path string) string {
	if !strings.HasPrefix(path, "/views/") || strings.ContainsAny(path, "\\\r\n") || strings.Contains(path, "//") {
		return "/views/mine"
	}
	if base, query, ok := strings.Cut(path, "?"); ok {
		var keep []string
		for _, kv := range strings.Split(query, "&") {
			if !strings.HasPrefix(kv, "flash=") {
				keep = append(keep, kv)
			}
		}
		if path = base; len(keep) > 0 {
			path += "?" + strings.Join(keep, "&")
		}
	}
	return path
}

// withFlash adds ?flash=key to a local path.
func withFlash(path, key string) string {
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	return path + sep + "flash=" + key
}
