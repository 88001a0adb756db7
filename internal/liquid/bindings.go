package liquid

import (
	"strconv"
	"strings"
	"time"

	"github.com/twindesk/twindesk/internal/model"
)

// Date layouts of the placeholders. Zendesk renders ticket.created_at as a date
// ("May 18, 2014") and offers *_with_timestamp in ISO 8601. Times are shown in UTC:
// twindesk has no account time zone.
const (
	dateLayout      = "Jan 2, 2006"
	dateTimeLayout  = "Jan 2, 2006, 15:04"
	timestampLayout = "2006-01-02T15:04:05Z07:00"
)

// bindings builds the variables a template sees. Values are raw (never escaped):
// escaping happens at output, so tags compare the real values. Ids are int64 so
// they print as plain numbers and {% when 5 %} matches (a quoted '5' does not,
// as in Zendesk's Ruby Liquid); a missing user, group or form is nil, so it
// prints as nothing and {% if ticket.assignee %} is false.
func bindings(d *TicketData, currentUser model.User) map[string]any {
	return map[string]any{
		"ticket":       ticketBinding(d),
		"current_user": userBinding(currentUser),
	}
}

func ticketBinding(d *TicketData) map[string]any {
	t := &d.Ticket
	link := ticketLink(d.BaseURL, t.ID)
	all := newestFirst(d.Comments, false)
	public := newestFirst(d.Comments, true)
	m := map[string]any{
		"id":                              t.ID,
		"title":                           t.Subject,
		"description":                     t.Description,
		"status":                          string(t.Status),
		"priority":                        t.Priority,
		"ticket_type":                     t.Type,
		"external_id":                     t.ExternalID,
		"tags":                            strings.Join(t.Tags, " "),
		"via":                             t.Via,
		"url":                             stripScheme(link),
		"url_with_protocol":               link,
		"link":                            link,
		"created_at":                      formatTime(t.CreatedAt, dateLayout),
		"created_at_with_timestamp":       formatTime(t.CreatedAt, timestampLayout),
		"updated_at":                      formatTime(t.UpdatedAt, dateLayout),
		"updated_at_with_timestamp":       formatTime(t.UpdatedAt, timestampLayout),
		"comments_formatted":              formatComments(all, d.Users),
		"public_comments_formatted":       formatComments(public, d.Users),
		"latest_comment_formatted":        formatComments(first(all), d.Users),
		"latest_public_comment_formatted": formatComments(first(public), d.Users),
		"latest_comment":                  latestBody(all),
		"latest_public_comment":           latestBody(public),
		"comments":                        commentBindings(all, d.Users),
		"public_comments":                 commentBindings(public, d.Users),
		"requester":                       userByID(d.Users, t.RequesterID),
		"submitter":                       userByID(d.Users, t.SubmitterID),
		"assignee":                        userByID(d.Users, t.AssigneeID),
		"group":                           groupBinding(d.Group, t.GroupID),
		"ticket_form_id":                  optionalID(t.TicketFormID),
	}
	addMailBindings(m, d, all, public)
	addFieldBindings(m, t, d.Fields)
	return m
}

// addFieldBindings adds ticket.ticket_field_<id> (the raw value; a dropdown's
// option tag) and, for dropdowns, ticket.ticket_field_option_title_<id>. Every
// defined field gets a key, so an unset field prints as "" rather than depending
// on whether it was ever set.
func addFieldBindings(m map[string]any, t *model.Ticket, fields []model.TicketField) {
	for _, fv := range t.CustomFields {
		m["ticket_field_"+strconv.FormatInt(fv.ID, 10)] = fv.Value
	}
	for i := range fields {
		f := &fields[i]
		id := strconv.FormatInt(f.ID, 10)
		v := t.Field(f.ID)
		m["ticket_field_"+id] = v
		if f.Type == model.FieldTagger {
			m["ticket_field_option_title_"+id] = f.OptionTitle(v)
		}
	}
}

// userBinding exposes the user properties Zendesk documents that twindesk has.
// first_name is the first word of the name and last_name the rest, because
// twindesk stores one name field.
func userBinding(u model.User) map[string]any {
	firstName, lastName, _ := strings.Cut(strings.TrimSpace(u.Name), " ")
	return map[string]any{
		"id":          optionalID(u.ID),
		"name":        u.Name,
		"email":       u.Email,
		"first_name":  firstName,
		"last_name":   strings.TrimSpace(lastName),
		"external_id": u.ExternalID,
		"role":        string(u.Role),
	}
}

// userByID returns nil for "no user" (id 0). A user missing from the map still
// gets its id, so ids in bodies stay correct even when the caller loaded less.
// The result is `any` on purpose: a nil map inside an interface would be a
// non-nil value, and {% if ticket.assignee %} would be true.
func userByID(users map[int64]model.User, id int64) any {
	if id == 0 {
		return nil
	}
	u, ok := users[id]
	if !ok {
		u = model.User{ID: id}
	}
	return userBinding(u)
}

func groupBinding(g *model.Group, groupID int64) any {
	switch {
	case g != nil:
		return map[string]any{"id": g.ID, "name": g.Name}
	case groupID != 0:
		// The caller did not load the group; the id alone still drives
		// {% case ticket.group.id %} mappings.
		return map[string]any{"id": groupID, "name": ""}
	default:
		return nil
	}
}

func optionalID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// ticketLink is the agent URL of the ticket, e.g. http://127.0.0.1:8080/agent/tickets/7.
func ticketLink(baseURL string, id int64) string {
	return strings.TrimRight(baseURL, "/") + "/agent/tickets/" + strconv.FormatInt(id, 10)
}

// stripScheme drops "https://" or "http://": Zendesk's ticket.url has no protocol.
func stripScheme(u string) string {
	if _, rest, ok := strings.Cut(u, "://"); ok {
		return rest
	}
	return u
}

func formatTime(t time.Time, layout string) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(layout)
}
