package liquid

import (
	"time"

	"github.com/twindesk/twindesk/internal/model"
)

// Ids used in SampleData; tests refer to them by name.
const (
	sampleTicketID    = 4242
	sampleRequesterID = 101
	sampleAssigneeID  = 202
	sampleAgentID     = 303
	sampleGroupID     = 5
	sampleFormID      = 77
	sampleCategoryID  = 9001 // dropdown field
	sampleSeverityID  = 9002 // text field
)

// SampleData returns a realistic sample ticket used to dry-run bodies when a
// trigger is saved. Every placeholder has a value, and the text is deliberately
// hostile to naive templating: quotes, backslashes, tabs, newlines, "</script>",
// emoji, U+2028 and Liquid delimiters appear in the subject and comments, so a
// body that does not escape them fails the dry run instead of a real delivery.
// Each call returns a fresh copy the caller may modify.
func SampleData() *TicketData {
	created := time.Date(2024, time.March, 5, 9, 30, 0, 0, time.UTC)
	return &TicketData{
		Ticket:   sampleTicket(created),
		Comments: sampleComments(created),
		Users: map[int64]model.User{
			sampleRequesterID: {ID: sampleRequesterID, Name: `Zoë "Zed" O'Brien`, Email: "zoe@example.com", Role: model.RoleEndUser, Active: true},
			sampleAssigneeID:  {ID: sampleAssigneeID, Name: "Ana Agent", Email: "ana@example.com", Role: model.RoleAgent, Active: true, DefaultGroupID: sampleGroupID},
			sampleAgentID:     {ID: sampleAgentID, Name: "Sam Second", Email: "sam@example.com", Role: model.RoleAdmin, Active: true},
		},
		Group:   &model.Group{ID: sampleGroupID, Name: "Tier 2 \"Escalations\""},
		Fields:  sampleFields(),
		BaseURL: "https://support.example.com",
	}
}

func sampleTicket(created time.Time) model.Ticket {
	return model.Ticket{
		ID:           sampleTicketID,
		Subject:      `Printer "HQ-3" says C:\spool\error`,
		Description:  "It stopped at 9am.\nLine two\twith a tab.",
		Status:       model.StatusOpen,
		Priority:     "high",
		Type:         "incident",
		RequesterID:  sampleRequesterID,
		SubmitterID:  sampleRequesterID,
		AssigneeID:   sampleAssigneeID,
		GroupID:      sampleGroupID,
		Tags:         []string{"printer", "vip"},
		ExternalID:   "ext-4242",
		CustomFields: []model.FieldValue{{ID: sampleCategoryID, Value: "cat_hardware"}, {ID: sampleSeverityID, Value: "sev \"2\""}},
		TicketFormID: sampleFormID,
		Via:          "web",
		CreatedAt:    created,
		UpdatedAt:    created.Add(2 * time.Hour),
	}
}

func sampleComments(created time.Time) []model.Comment {
	return []model.Comment{
		{
			ID: 1, TicketID: sampleTicketID, AuthorID: sampleRequesterID, Public: true, Via: "web",
			Body:      "It stopped at 9am.\nLine two\twith a tab.",
			CreatedAt: created,
		},
		{
			ID: 2, TicketID: sampleTicketID, AuthorID: sampleAssigneeID, Public: false, Via: "web",
			Body:      "Internal: path is C:\\spool\\\"queue\" and the page shows </script><script>alert(1)</script>\u2028next",
			CreatedAt: created.Add(time.Hour),
		},
		{
			ID: 3, TicketID: sampleTicketID, AuthorID: sampleAssigneeID, Public: true, Via: "web",
			Body:      "Fixed 🎉 — please try again.\r\nLiteral {{ ticket.id }} and {% if x %} are just text.",
			CreatedAt: created.Add(2 * time.Hour),
		},
	}
}

func sampleFields() []model.TicketField {
	return []model.TicketField{
		{
			ID: sampleCategoryID, Type: model.FieldTagger, Title: "Secure category", Active: true,
			Options: []model.FieldOption{
				{ID: 1, Name: "Hardware & \"Devices\"", Value: "cat_hardware"},
				{ID: 2, Name: "Software", Value: "cat_software"},
			},
		},
		{ID: sampleSeverityID, Type: model.FieldText, Title: "Severity", Active: true},
	}
}
