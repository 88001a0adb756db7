package liquid

import (
	"strings"
	"testing"
	"time"

	"github.com/twindesk/twindesk/internal/model"
)

// bundle is what most tests need: a renderer, a ticket and the acting user.
type bundle struct {
	r    *Renderer
	d    *TicketData
	user model.User
}

// setup returns a fresh fixture with known, simple values, so expectations can
// be written out literally. Comments: public by the requester, public reply by
// the agent, then a private note by the agent (so latest != latest public).
func setup(t testing.TB) bundle {
	t.Helper()
	day := time.Date(2024, time.January, 2, 3, 4, 0, 0, time.UTC)
	plus2 := time.FixedZone("plus2", 2*3600)
	return bundle{
		r: NewRenderer(),
		d: &TicketData{
			Ticket: model.Ticket{
				ID: 7, Subject: "Printer on fire", Description: "It burns", Status: model.StatusOpen,
				Priority: "urgent", Type: "problem", RequesterID: 10, SubmitterID: 11, AssigneeID: 12,
				GroupID: 5, Tags: []string{"alpha", "beta"}, ExternalID: "ext-1", Via: "api",
				TicketFormID: 3, CreatedAt: day, UpdatedAt: day.Add(26 * time.Hour),
				CustomFields: []model.FieldValue{{ID: 100, Value: "opt_b"}, {ID: 101, Value: "hello"}, {ID: 555, Value: "orphan"}},
			},
			Comments: []model.Comment{
				{ID: 1, AuthorID: 10, Body: "first", Public: true, CreatedAt: day},
				// Stored in another zone: placeholders show UTC (05:06).
				{ID: 2, AuthorID: 12, Body: "reply", Public: true, CreatedAt: time.Date(2024, 1, 2, 7, 6, 0, 0, plus2)},
				{ID: 3, AuthorID: 12, Body: "secret note", Public: false, CreatedAt: day.Add(28*time.Hour + 4*time.Minute)},
			},
			Users: map[int64]model.User{
				10: {ID: 10, Name: "Rita Requester", Email: "rita@example.com", Role: model.RoleEndUser, ExternalID: "r-ext"},
				11: {ID: 11, Name: "Sid Van Submitter", Email: "sid@example.com", Role: model.RoleAgent},
				12: {ID: 12, Name: "Ana Agent", Email: "ana@example.com", Role: model.RoleAgent},
			},
			Group: &model.Group{ID: 5, Name: "Tier 2"},
			Fields: []model.TicketField{
				{ID: 100, Type: model.FieldTagger, Title: "Category", Options: []model.FieldOption{
					{ID: 1, Name: "Option A", Value: "opt_a"}, {ID: 2, Name: "Option B", Value: "opt_b"},
				}},
				{ID: 101, Type: model.FieldText, Title: "Note"},
				{ID: 102, Type: model.FieldCheckbox, Title: "Unset box"},
			},
			BaseURL: "http://127.0.0.1:8080/",
		},
		user: model.User{ID: 13, Name: "Cara Current", Email: "cara@example.com", Role: model.RoleAdmin},
	}
}

func (b bundle) render(t testing.TB, tmpl string, jsonMode bool) string {
	t.Helper()
	out, err := b.r.Render(tmpl, b.d, b.user, jsonMode)
	mustNoError(t, err, tmpl)
	return out
}

// fixtureFormatted is ticket.comments_formatted for the fixture: newest first,
// private note included.
var fixtureFormatted = strings.Join([]string{
	commentRule, "", "Ana Agent, Jan 3, 2024, 07:08", "", "secret note", "",
	commentRule, "", "Ana Agent, Jan 2, 2024, 05:06", "", "reply", "",
	commentRule, "", "Rita Requester, Jan 2, 2024, 03:04", "", "first",
}, "\n")

func TestPlaceholders(t *testing.T) {
	t.Parallel()
	publicFormatted := strings.Join([]string{
		commentRule, "", "Ana Agent, Jan 2, 2024, 05:06", "", "reply", "",
		commentRule, "", "Rita Requester, Jan 2, 2024, 03:04", "", "first",
	}, "\n")
	tests := []struct{ tmpl, want string }{
		{"{{ticket.id}}", "7"},
		{"{{ticket.title}}", "Printer on fire"},
		{"{{ticket.description}}", "It burns"},
		{"{{ticket.status}}", "open"},
		{"{{ticket.priority}}", "urgent"},
		{"{{ticket.ticket_type}}", "problem"},
		{"{{ticket.external_id}}", "ext-1"},
		{"{{ticket.tags}}", "alpha beta"},
		{"{{ticket.via}}", "api"},
		{"{{ticket.url}}", "127.0.0.1:8080/agent/tickets/7"},
		{"{{ticket.url_with_protocol}}", "http://127.0.0.1:8080/agent/tickets/7"},
		{"{{ticket.link}}", "http://127.0.0.1:8080/agent/tickets/7"},
		{"{{ticket.created_at}}", "Jan 2, 2024"},
		{"{{ticket.created_at_with_timestamp}}", "2024-01-02T03:04:00Z"},
		{"{{ticket.updated_at}}", "Jan 3, 2024"},
		{"{{ticket.updated_at_with_timestamp}}", "2024-01-03T05:04:00Z"},
		{"{{ticket.comments_formatted}}", fixtureFormatted},
		{"{{ticket.public_comments_formatted}}", publicFormatted},
		{"{{ticket.latest_comment_formatted}}", commentRule + "\n\nAna Agent, Jan 3, 2024, 07:08\n\nsecret note"},
		{"{{ticket.latest_public_comment_formatted}}", commentRule + "\n\nAna Agent, Jan 2, 2024, 05:06\n\nreply"},
		{"{{ticket.latest_comment}}", "secret note"},
		{"{{ticket.latest_public_comment}}", "reply"},
		{
			"{% for c in ticket.comments %}{{c.id}}|{{c.value}}|{{c.is_public}}|{{c.created_at}}|{{c.author.name}}|{{c.author.email}};{% endfor %}",
			"3|secret note|false|Jan 3, 2024, 07:08|Ana Agent|ana@example.com;" +
				"2|reply|true|Jan 2, 2024, 05:06|Ana Agent|ana@example.com;" +
				"1|first|true|Jan 2, 2024, 03:04|Rita Requester|rita@example.com;",
		},
		{"{% for c in ticket.comments reversed %}{{c.id}}{% endfor %}", "123"},
		{"{% for c in ticket.public_comments %}{{c.id}}{% endfor %}", "21"},
		{"{{ticket.comments.first.created_at_with_timestamp}}", "2024-01-03T07:08:00Z"},
		{"{{ticket.requester.id}}|{{ticket.requester.name}}|{{ticket.requester.email}}|{{ticket.requester.first_name}}|{{ticket.requester.last_name}}", "10|Rita Requester|rita@example.com|Rita|Requester"},
		{"{{ticket.requester.external_id}}|{{ticket.requester.role}}", "r-ext|end-user"},
		{"{{ticket.submitter.id}}|{{ticket.submitter.name}}|{{ticket.submitter.email}}|{{ticket.submitter.first_name}}|{{ticket.submitter.last_name}}", "11|Sid Van Submitter|sid@example.com|Sid|Van Submitter"},
		{"{{ticket.assignee.id}}|{{ticket.assignee.name}}|{{ticket.assignee.email}}|{{ticket.assignee.first_name}}|{{ticket.assignee.last_name}}", "12|Ana Agent|ana@example.com|Ana|Agent"},
		{"{{ticket.group.id}}|{{ticket.group.name}}", "5|Tier 2"},
		{"{{ticket.ticket_form_id}}", "3"},
		{"{{ticket.ticket_field_100}}|{{ticket.ticket_field_option_title_100}}", "opt_b|Option B"},
		{"{{ticket.ticket_field_101}}|{{ticket.ticket_field_option_title_101}}", "hello|"},
		{"[{{ticket.ticket_field_102}}]", "[]"},
		{"{{ticket.ticket_field_555}}", "orphan"},
		{"{{current_user.id}}|{{current_user.name}}|{{current_user.email}}|{{current_user.first_name}}|{{current_user.last_name}}", "13|Cara Current|cara@example.com|Cara|Current"},
		// Case-sensitive like Zendesk, and unknown names print nothing.
		{"[{{Ticket.id}}{{ticket.nope}}]", "[]"},
	}
	for _, tc := range tests {
		t.Run(tc.tmpl, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			mustEqual(t, tc.want, b.render(t, tc.tmpl, false), tc.tmpl)
		})
	}
}

func TestPlaceholdersWhenAbsent(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		modify func(d *TicketData)
		tmpl   string
		want   string
	}{
		{
			name: "no assignee, group or form",
			modify: func(d *TicketData) {
				d.Ticket.AssigneeID, d.Ticket.GroupID, d.Ticket.TicketFormID, d.Group = 0, 0, 0, nil
			},
			tmpl: "[{{ticket.assignee.name}}][{{ticket.assignee.id}}][{{ticket.group.id}}][{{ticket.ticket_form_id}}]{% if ticket.assignee %}yes{% else %}no{% endif %}",
			want: "[][][][]no",
		},
		{
			name:   "group id without loaded group",
			modify: func(d *TicketData) { d.Group = nil },
			tmpl:   "{{ticket.group.id}}|{{ticket.group.name}}",
			want:   "5|",
		},
		{
			name:   "user missing from the map keeps its id",
			modify: func(d *TicketData) { delete(d.Users, 10) },
			tmpl:   `{{ticket.requester.id}}|{{ticket.requester.name}}|{{ticket.comments.last.author.id}}|{% if ticket.comments_formatted contains "Unknown user, Jan 2, 2024, 03:04" %}unknown{% endif %}`,
			want:   "10||10|unknown",
		},
		{
			name:   "no comments",
			modify: func(d *TicketData) { d.Comments = nil },
			tmpl:   "[{{ticket.comments_formatted}}][{{ticket.latest_comment}}][{{ticket.comments | size}}]",
			want:   "[][][0]",
		},
		{
			name:   "only private comments",
			modify: func(d *TicketData) { d.Comments = d.Comments[2:] },
			tmpl:   "[{{ticket.latest_public_comment}}][{{ticket.public_comments_formatted}}][{{ticket.latest_comment}}]",
			want:   "[][][secret note]",
		},
		{
			name:   "dropdown value that is not an option",
			modify: func(d *TicketData) { d.Ticket.SetField(100, "gone") },
			tmpl:   "{{ticket.ticket_field_100}}|{{ticket.ticket_field_option_title_100}}",
			want:   "gone|",
		},
		{
			name:   "single-word name and zero times",
			modify: func(d *TicketData) { d.Users[10] = model.User{ID: 10, Name: "Cher"}; d.Ticket.CreatedAt = time.Time{} },
			tmpl:   "{{ticket.requester.first_name}}|{{ticket.requester.last_name}}|{{ticket.created_at}}",
			want:   "Cher||",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			tc.modify(b.d)
			mustEqual(t, tc.want, b.render(t, tc.tmpl, false), tc.tmpl)
		})
	}
}

func TestRenderDoesNotReorderCallerComments(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.render(t, "{{ticket.comments_formatted}}", false)
	mustEqual(t, int64(1), b.d.Comments[0].ID, "comments must stay oldest first")
}

func TestRenderNilData(t *testing.T) {
	t.Parallel()
	if _, err := NewRenderer().Render("x", nil, model.User{}, false); err == nil {
		t.Fatal("want an error for nil data")
	}
}

func TestCurrentUserAbsent(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.user = model.User{} // a change made by the system, with no acting user
	mustEqual(t, "[][]", b.render(t, "[{{current_user.id}}][{{current_user.email}}]", false))
}
