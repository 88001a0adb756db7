package web

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/twindesk/twindesk/internal/model"
)

// names resolves the ids a ticket page shows (people, groups, fields, forms).
type names struct {
	users     map[int64]model.User
	staff     []model.User
	groups    map[int64]string
	groupList []model.Group
	fields    map[int64]*model.TicketField
	fieldList []model.TicketField
	forms     []model.TicketForm
}

// loadNames fetches, in a fixed number of queries, every name the ticket page
// needs: staff, the requester, comment and audit authors, people in audit events,
// groups, fields and forms.
func (s *Server) loadNames(ctx context.Context, actor model.User, t *model.Ticket, comments []model.Comment, audits []model.Audit) (*names, error) {
	n := &names{users: map[int64]model.User{}, groups: map[int64]string{}, fields: map[int64]*model.TicketField{}}
	var err error
	if n.staff, err = s.desk.Staff(ctx, actor); err != nil {
		return nil, err
	}
	for _, u := range n.staff {
		n.users[u.ID] = u
	}
	ids := append([]int64{t.RequesterID}, t.EmailCCIDs...)
	ids = append(ids, t.FollowerIDs...)
	for _, c := range comments {
		ids = append(ids, c.AuthorID)
	}
	for _, a := range audits {
		ids = append(ids, a.AuthorID)
		for _, e := range a.Events {
			if e.FieldName == "requester_id" {
				ids = append(ids, parseID(e.Value), parseID(e.PreviousValue))
			}
			ids = append(ids, ccEventIDs(e)...)
		}
	}
	missing := ids[:0:0]
	for _, id := range ids {
		if _, ok := n.users[id]; !ok {
			missing = append(missing, id)
		}
	}
	more, err := s.usersByID(ctx, actor, missing)
	if err != nil {
		return nil, err
	}
	for id, u := range more {
		n.users[id] = u
	}
	return n, s.loadCatalog(ctx, actor, n)
}

// loadCatalog adds groups, fields and forms to n.
func (s *Server) loadCatalog(ctx context.Context, actor model.User, n *names) error {
	var err error
	if n.groupList, err = s.desk.AllGroups(ctx, actor); err != nil {
		return err
	}
	for _, g := range n.groupList {
		n.groups[g.ID] = g.Name
	}
	if n.fieldList, err = s.desk.Fields(ctx, actor); err != nil {
		return err
	}
	for i := range n.fieldList {
		n.fields[n.fieldList[i].ID] = &n.fieldList[i]
	}
	n.forms, err = s.desk.Forms(ctx, actor)
	return err
}

// user names a user, falling back to their id.
func (n *names) user(id int64) string {
	if u, ok := n.users[id]; ok {
		return u.Name
	}
	if id == 0 {
		return ""
	}
	return "user " + itoa(id)
}

// auditView is one entry of the ticket's history.
type auditView struct {
	At     time.Time
	Author string
	Via    string
	Lines  []string
}

// audit describes an audit in words.
func (n *names) audit(a *model.Audit) auditView {
	v := auditView{At: a.CreatedAt, Author: n.user(a.AuthorID), Via: a.Via}
	for _, e := range a.Events {
		line := n.event(e)
		if e.ViaTriggerID != 0 {
			line += " (by trigger " + itoa(e.ViaTriggerID) + ")"
		}
		v.Lines = append(v.Lines, line)
	}
	return v
}

// event describes one audit event.
func (n *names) event(e model.AuditEvent) string {
	switch e.Type {
	case "Comment":
		kind := "Public reply"
		if e.Public != nil && !*e.Public {
			kind = "Internal note"
		}
		return kind + " by " + n.user(e.AuthorID)
	case "Create":
		return n.fieldLabel(e.FieldName) + " set to " + dashed(n.value(e.FieldName, e.Value))
	case "Change":
		return n.fieldLabel(e.FieldName) + ": " + dashed(n.value(e.FieldName, e.PreviousValue)) + " → " + dashed(n.value(e.FieldName, e.Value))
	}
	if e.Subject != "" {
		return e.Type + ": " + e.Subject
	}
	return e.Type
}

var fieldLabels = map[string]string{
	"subject": "Subject", "status": "Status", "priority": "Priority", "type": "Type",
	"requester_id": "Requester", "assignee_id": "Assignee", "group_id": "Group",
	"external_id": "External ID", "ticket_form_id": "Form", "tags": "Tags",
	"email_cc_ids": "CCs", "follower_ids": "Followers",
}

func (n *names) fieldLabel(name string) string {
	if l, ok := fieldLabels[name]; ok {
		return l
	}
	if id, err := strconv.ParseInt(name, 10, 64); err == nil {
		if f, ok := n.fields[id]; ok {
			return f.Title
		}
		return "Field " + name
	}
	return name
}

// value renders an event value: names for ids, option titles for dropdowns.
func (n *names) value(field string, v any) string {
	switch field {
	case "requester_id", "assignee_id":
		return n.user(parseID(v))
	case "email_cc_ids", "follower_ids":
		return n.userList(v)
	case "group_id":
		if id := parseID(v); id != 0 {
			if g, ok := n.groups[id]; ok {
				return g
			}
			return "group " + itoa(id)
		}
		return ""
	case "ticket_form_id":
		for _, f := range n.forms {
			if f.ID == parseID(v) {
				return f.Name
			}
		}
	}
	s := valueString(v)
	if id, err := strconv.ParseInt(field, 10, 64); err == nil {
		if f, ok := n.fields[id]; ok && f.OptionTitle(s) != "" {
			return f.OptionTitle(s)
		}
	}
	return s
}

// valueString flattens a decoded JSON value: strings as is, lists space-separated.
func valueString(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case []any:
		parts := make([]string, len(x))
		for i, p := range x {
			parts[i] = valueString(p)
		}
		return strings.Join(parts, " ")
	}
	return fmt.Sprint(v)
}

func parseID(v any) int64 {
	id, _ := strconv.ParseInt(valueString(v), 10, 64)
	return id
}

func dashed(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }
