package api

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/twindesk/twindesk/internal/desk"
	"github.com/twindesk/twindesk/internal/model"
)

// zendeskTime is how Zendesk writes timestamps: ISO-8601 UTC to the second.
const zendeskTime = "2006-01-02T15:04:05Z"

func zt(t time.Time) string { return t.UTC().Format(zendeskTime) }

func nullable[T comparable](v T) any {
	var zero T
	if v == zero {
		return nil
	}
	return v
}

type viaJSON struct {
	Channel string         `json:"channel"`
	Source  map[string]any `json:"source"`
}

func via(channel string) viaJSON {
	return viaJSON{Channel: channel, Source: map[string]any{"from": map[string]any{}, "to": map[string]any{}, "rel": nil}}
}

type customFieldJSON struct {
	ID    int64 `json:"id"`
	Value any   `json:"value"`
}

// ticketJSON is a ticket in Zendesk's response shape.
type ticketJSON struct {
	ID                  int64             `json:"id"`
	URL                 string            `json:"url"`
	ExternalID          any               `json:"external_id"`
	Type                any               `json:"type"`
	Subject             string            `json:"subject"`
	RawSubject          string            `json:"raw_subject"`
	Description         string            `json:"description"`
	Priority            any               `json:"priority"`
	Status              string            `json:"status"`
	Recipient           any               `json:"recipient"`
	RequesterID         int64             `json:"requester_id"`
	SubmitterID         int64             `json:"submitter_id"`
	AssigneeID          any               `json:"assignee_id"`
	OrganizationID      any               `json:"organization_id"`
	GroupID             any               `json:"group_id"`
	CollaboratorIDs     []int64           `json:"collaborator_ids"`
	FollowerIDs         []int64           `json:"follower_ids"`
	EmailCCIDs          []int64           `json:"email_cc_ids"`
	ProblemID           any               `json:"problem_id"`
	HasIncidents        bool              `json:"has_incidents"`
	DueAt               any               `json:"due_at"`
	Tags                []string          `json:"tags"`
	CustomFields        []customFieldJSON `json:"custom_fields"`
	Fields              []customFieldJSON `json:"fields"`
	SatisfactionRating  any               `json:"satisfaction_rating"`
	SharingAgreementIDs []int64           `json:"sharing_agreement_ids"`
	TicketFormID        any               `json:"ticket_form_id"`
	BrandID             any               `json:"brand_id"`
	AllowChannelback    bool              `json:"allow_channelback"`
	AllowAttachments    bool              `json:"allow_attachments"`
	Via                 viaJSON           `json:"via"`
	CreatedAt           string            `json:"created_at"`
	UpdatedAt           string            `json:"updated_at"`
	// CommentCount is set when asked for with include=comment_count (side_loads.go).
	CommentCount *int64 `json:"comment_count,omitempty"`
}

// ticketOut renders t. Custom field values are strings (go-zendesk rejects JSON
// numbers there); checkbox values are booleans, as Zendesk sends them.
func (s *Server) ticketOut(t *model.Ticket) ticketJSON {
	fields := make([]customFieldJSON, 0, len(t.CustomFields))
	for _, f := range t.CustomFields {
		var v any = f.Value
		if f.Value == "true" || f.Value == "false" {
			v = f.Value == "true"
		}
		fields = append(fields, customFieldJSON{ID: f.ID, Value: v})
	}
	tags := t.Tags
	if tags == nil {
		tags = []string{}
	}
	return ticketJSON{
		ID: t.ID, URL: fmt.Sprintf("%s/api/v2/tickets/%d.json", s.cfg.BaseURL, t.ID),
		ExternalID: nullable(t.ExternalID), Type: nullable(t.Type), Subject: t.Subject, RawSubject: t.Subject,
		Description: t.Description, Priority: nullable(t.Priority), Status: string(t.Status),
		RequesterID: t.RequesterID, SubmitterID: t.SubmitterID, AssigneeID: nullable(t.AssigneeID),
		GroupID: nullable(t.GroupID), OrganizationID: nullable(t.OrganizationID), CollaboratorIDs: collaboratorIDs(t), FollowerIDs: orEmpty(t.FollowerIDs), EmailCCIDs: orEmpty(t.EmailCCIDs),
		Tags: tags, CustomFields: fields, Fields: fields, SharingAgreementIDs: []int64{},
		TicketFormID: nullable(t.TicketFormID), AllowAttachments: true, Via: via(t.Via),
		CreatedAt: zt(t.CreatedAt), UpdatedAt: zt(t.UpdatedAt),
	}
}

// ticketIn is a create or update body's "ticket" object.
type ticketIn struct {
	Subject        optString       `json:"subject"`
	Comment        *commentIn      `json:"comment"`
	Description    *string         `json:"description"`
	Status         optString       `json:"status"`
	Priority       optString       `json:"priority"`
	Type           optString       `json:"type"`
	RequesterID    optID           `json:"requester_id"`
	Requester      json.RawMessage `json:"requester"`
	SubmitterID    optID           `json:"submitter_id"`
	Submitter      json.RawMessage `json:"submitter"`
	AssigneeID     optID           `json:"assignee_id"`
	AssigneeEmail  optString       `json:"assignee_email"`
	GroupID        optID           `json:"group_id"`
	Tags           *[]string       `json:"tags"`
	AdditionalTags []string        `json:"additional_tags"`
	RemoveTags     []string        `json:"remove_tags"`
	ExternalID     optString       `json:"external_id"`
	CustomFields   []fieldIn       `json:"custom_fields"`
	Fields         []fieldIn       `json:"fields"`
	TicketFormID   optID           `json:"ticket_form_id"`
	OrganizationID optID           `json:"organization_id"`
	SafeUpdate     bool            `json:"safe_update"`
	UpdatedStamp   string          `json:"updated_stamp"`
	collaboratorsIn
}

type commentIn struct {
	Body     string   `json:"body"`
	HTMLBody string   `json:"html_body"`
	Public   *bool    `json:"public"`
	AuthorID optID    `json:"author_id"`
	Uploads  []string `json:"uploads"`
}

type fieldIn struct {
	ID    optID           `json:"id"`
	Value json.RawMessage `json:"value"`
}

type requesterIn struct {
	Name     string     `json:"name"`
	Email    string     `json:"email"`
	LocaleID flexString `json:"locale_id"`
}

// toInput converts the JSON body into the desk's input.
func (in *ticketIn) toInput(via string) (desk.TicketInput, error) {
	out := desk.TicketInput{
		Subject: in.Subject.ptr(), Status: in.Status.ptr(), Priority: in.Priority.ptr(), Type: in.Type.ptr(),
		RequesterID: in.RequesterID.ptr(), SubmitterID: in.SubmitterID.ptr(), AssigneeID: in.AssigneeID.ptr(),
		AssigneeEmail: in.AssigneeEmail.ptr(), GroupID: in.GroupID.ptr(), Tags: in.Tags,
		AdditionalTags: in.AdditionalTags, RemoveTags: in.RemoveTags, ExternalID: in.ExternalID.ptr(),
		TicketFormID: in.TicketFormID.ptr(), OrganizationID: in.OrganizationID.ptr(), Via: via,
	}
	if c := in.Comment; c != nil {
		body := c.Body
		if body == "" {
			body = c.HTMLBody
		}
		out.Comment = &desk.CommentInput{Body: body, Public: c.Public, AuthorID: c.AuthorID.Val, Uploads: c.Uploads}
	} else if in.Description != nil {
		out.Comment = &desk.CommentInput{Body: *in.Description}
	}
	var err error
	if out.CCs, err = in.collaboratorsIn.toInput(); err != nil {
		return out, err
	}
	if out.Requester, err = parseRequester(in.Requester); err != nil {
		return out, err
	}
	if out.Requester == nil && len(in.Submitter) > 0 && string(in.Submitter) != "null" {
		// The seed's stub body names the submitter by email; treat it like a requester
		// lookup and use the result as submitter.
		sub, err := parseRequester(in.Submitter)
		if err != nil {
			return out, err
		}
		out.Submitter = sub
	}
	for _, f := range append(in.CustomFields, in.Fields...) {
		v, err := fieldValue(f.Value)
		if err != nil || !f.ID.Set {
			return out, recordInvalid(model.Invalid("custom_fields", "InvalidValue", "custom_fields: each entry needs an id and a string, number, boolean or null value"))
		}
		out.CustomFields = append(out.CustomFields, model.FieldValue{ID: f.ID.Val, Value: v})
	}
	return out, nil
}

// parseRequester accepts {name,email,locale_id} or, leniently, a bare email string.
func parseRequester(raw json.RawMessage) (*desk.RequesterInput, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var email string
	if err := json.Unmarshal(raw, &email); err == nil {
		return &desk.RequesterInput{Email: strings.TrimSpace(email)}, nil
	}
	var r requesterIn
	if err := json.Unmarshal(raw, &r); err != nil {
		return nil, recordInvalid(model.Invalid("requester", "InvalidValue", "Requester: must be an object with name and email, or an email string"))
	}
	return &desk.RequesterInput{Name: r.Name, Email: r.Email}, nil
}
