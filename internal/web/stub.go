package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/twindesk/twindesk/internal/desk"
	"github.com/twindesk/twindesk/internal/model"
)

// stubTag marks a standard-instance ticket that stands in for a secure ticket.
const stubTag = "escalated_to_secure"

// Titles of the stub form's fields that mirror the secure ticket (DESIGN section 7).
const (
	secureAssigneeTitle = "Secure assignee"
	secureTeamTitle     = "Secure team"
	secureGroupTitle    = "Secure group" // stubs made before Secure team
	secureCategoryTitle = "Secure category"
	secureStatusTitle   = "Secure status"
)

// isStub reports whether t is a stub of a ticket escalated to the secure instance.
func isStub(t *model.Ticket) bool { return t.HasTag(stubTag) }

// stubInfo is what the stub banner shows about the secure ticket.
type stubInfo struct {
	SecureID string
	Status   string
	Assignee string
	Group    string
	Category string
}

// newStubInfo reads the secure ticket's mirrored state off the stub. Its status
// is the secure ticket's (the Secure status field), never the stub's own, which
// stays on hold until secure closes it.
func newStubInfo(t *model.Ticket, fields []model.TicketField) *stubInfo {
	si := &stubInfo{SecureID: t.ExternalID, Status: "not reported yet"}
	if t.Status == model.StatusClosed {
		si.Status = string(model.StatusClosed)
	}
	for i := range fields {
		f := &fields[i]
		v := t.Field(f.ID)
		if f.Type == model.FieldTagger && f.OptionTitle(v) != "" {
			v = f.OptionTitle(v)
		}
		switch {
		case strings.EqualFold(f.Title, secureAssigneeTitle):
			si.Assignee = v
		case strings.EqualFold(f.Title, secureTeamTitle) && v != "":
			si.Group = v
		case strings.EqualFold(f.Title, secureGroupTitle) && si.Group == "":
			si.Group = v
		case strings.EqualFold(f.Title, secureCategoryTitle):
			si.Category = v
		case strings.EqualFold(f.Title, secureStatusTitle) && v != "":
			si.Status = v
		}
	}
	return si
}

// stubFormKeys are the only fields a stub's note form may post: the note, the
// form's nonce, and files kept from a refused submit (a note's files go to the
// secure ticket with it, and are deleted here once delivered).
var stubFormKeys = map[string]bool{"csrf": true, "body": true, "visibility": true, "updated_stamp": true,
	"once": true, uploadTokenKey: true}

// stubInput turns a stub's form into an internal note. A stub's content can't be
// edited: any other field, or a public reply, is refused, whatever the browser
// was shown.
func stubInput(form url.Values) (desk.TicketInput, error) {
	for k := range form {
		if !stubFormKeys[k] {
			return desk.TicketInput{}, errStubReadOnly
		}
	}
	if v := form.Get("visibility"); v != "" && v != "internal" {
		return desk.TicketInput{}, errStubReadOnly
	}
	body := form.Get("body")
	if strings.TrimSpace(body) == "" {
		return desk.TicketInput{}, model.Invalid("body", "BlankValue", "Note: write the note before adding it")
	}
	internal := false
	return desk.TicketInput{Comment: &desk.CommentInput{Body: body, Public: &internal}, Via: "web"}, nil
}

var errStubReadOnly = &httpError{http.StatusForbidden,
	"This ticket was escalated to the secure instance: it can't be edited here, only internal notes can be added."}
