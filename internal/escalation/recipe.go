// Package escalation is the recipe client: it provisions the two-instance
// escalation recipe (DESIGN section 7) through the public Zendesk API only, for
// the setup-escalation and demo commands and the tests. No server package imports
// it: the names both sides share (tags, field and trigger titles) live in
// internal/peer, the escalation report in internal/desk.
//
// The flow: an IT agent puts a standard ticket in a pseudo group; standard forwards
// it to secure (mapped group, all comments, requester, Escalated by) and, only once
// that succeeded, deletes it permanently. Secure creates a stub in standard that
// carries the secure id; standard sends the stub id back. Secure keeps the stub's
// assignee/group/status fields in step and closes it with the category; private
// notes on the stub flow one way into secure.
package escalation

import (
	"fmt"
	"strings"

	"github.com/twindesk/twindesk/internal/peer"
)

// Tags, fields and the form the recipe relies on; the peer package owns them,
// since both instances enforce rules about them.
const (
	TagEscalatedToSecure   = peer.TagEscalatedToSecure
	TagEscalatedFromStd    = peer.TagEscalatedFromStd
	TagStubRequired        = peer.TagStubRequired
	TagHasSecureID         = peer.TagHasSecureID
	TagHasStandardID       = peer.TagHasStandardID
	TagStubRequiresSync    = peer.TagStubRequiresSync
	TagEscalationInFlight  = peer.TagEscalationInFlight
	DefaultUnassignedGroup = "Secure (unassigned)"

	FieldSecureCategory = peer.FieldSecureCategory
	FieldSecureAssignee = peer.FieldSecureAssignee
	FieldSecureGroup    = peer.FieldSecureGroup
	FieldSecureTeam     = peer.FieldSecureTeam
	FieldSecureStatus   = peer.FieldSecureStatus
	FieldEscalatedBy    = peer.FieldEscalatedBy
	FieldCategory       = peer.FieldCategory
	FieldOriginalTicket = peer.FieldOriginalTicket
	FieldStandardTicket = peer.FieldStandardTicket
	FormStub            = peer.FormStub
)

// Mapping pairs a pseudo group in standard with a real group in secure.
type Mapping struct {
	Pseudo string
	Secure string
}

// ParseMap reads "Payroll (secure)=Payroll,HR (secure)=HR".
func ParseMap(s string) ([]Mapping, error) {
	var out []Mapping
	for _, part := range strings.Split(s, ",") {
		if strings.TrimSpace(part) == "" {
			continue
		}
		pseudo, secure, ok := strings.Cut(part, "=")
		pseudo, secure = strings.TrimSpace(pseudo), strings.TrimSpace(secure)
		if !ok || pseudo == "" || secure == "" {
			return nil, fmt.Errorf("escalation: map entry %q is not \"Pseudo group=Secure group\"", part)
		}
		out = append(out, Mapping{Pseudo: pseudo, Secure: secure})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("escalation: the group map is empty")
	}
	return out, nil
}

// Category is one option of the secure category dropdown: Name is shown, Tag is the
// option value, identical on both sides so the stub can take the secure value.
type Category struct {
	Name string
	Tag  string
}

// DefaultCategories are used when none are configured.
var DefaultCategories = []Category{
	{"Payroll query", "secure_cat_payroll_query"},
	{"Salary change", "secure_cat_salary_change"},
	{"Leave", "secure_cat_leave"},
	{"Onboarding", "secure_cat_onboarding"},
	{"Offboarding", "secure_cat_offboarding"},
	{"Personal data", "secure_cat_personal_data"},
	{"Other", "secure_cat_other"},
}

// ParseCategories reads "Payroll query=secure_cat_payroll,Leave=secure_cat_leave".
func ParseCategories(s string) ([]Category, error) {
	var out []Category
	for _, part := range strings.Split(s, ",") {
		name, tag, ok := strings.Cut(part, "=")
		name, tag = strings.TrimSpace(name), strings.TrimSpace(tag)
		if !ok || name == "" || tag == "" || strings.ContainsAny(tag, " \t") {
			return nil, fmt.Errorf("escalation: category %q is not \"Name=tag\" (tag without spaces)", part)
		}
		out = append(out, Category{Name: name, Tag: tag})
	}
	return out, nil
}

// groupCase renders the Liquid block that maps the ticket's group id through
// pairs (from -> to) into the variable "group", with fallback for other groups.
// It is generated from the mapping, as the seed describes writing it by hand.
func groupCase(pairs [][2]int64, fallback string) string {
	var b strings.Builder
	b.WriteString("{% case ticket.group.id %}")
	for _, p := range pairs {
		fmt.Fprintf(&b, "{%% when %d %%}{%% assign group = '%d' %%}", p[0], p[1])
	}
	fmt.Fprintf(&b, "{%% else %%}{%% assign group = '%s' %%}{%% endcase %%}", fallback)
	return b.String()
}

// ids collects what provisioning learned about both instances.
type ids struct {
	pseudo       map[string]int64 // pseudo group name -> standard id
	secureGroup  map[string]int64 // secure group name -> secure id
	secureTeams  []int64          // every secure group's id, for Secure team
	unassigned   int64            // standard id of the fallback pseudo group
	stdCategory  int64            // standard "Secure category"
	stdAssignee  int64
	stdTeam      int64 // standard "Secure team"
	stdStatus    int64
	stdEscalBy   int64
	stdOriginal  int64 // standard "Original ticket"
	secStdTicket int64 // secure "Standard ticket"
	stubForm     int64
	secCategory  int64 // secure "Category"
	secEscalBy   int64 // secure "Escalated by"
	whCreateSec  string
	whDeleteStd  string
	whPurgeStd   string
	whUpdateSec  string
	whCreateStub string
	whUpdateStub string
}

// teamCase renders the Secure team option of the ticket's group: one of the
// groups secure had when setup ran, or nothing for a newer one (run setup again).
func teamCase(x *ids) string {
	var b strings.Builder
	b.WriteString("{% case ticket.group.id %}")
	for _, id := range x.secureTeams {
		fmt.Fprintf(&b, "{%% when %d %%}%s", id, peer.TeamOption(id))
	}
	b.WriteString("{% endcase %}")
	return b.String()
}

func forwardBody(x *ids, m []Mapping) string {
	var pairs [][2]int64
	for _, mp := range m {
		pairs = append(pairs, [2]int64{x.pseudo[mp.Pseudo], x.secureGroup[mp.Secure]})
	}
	// The forward is a Ticket Import: the worker puts every comment, with its
	// author, time, public flag and files, where the marker is (jobs/forward.go).
	return groupCase(pairs, "") + `
{"ticket": {
  "subject": "{{ticket.title}}",
  "group_id": "{{group}}",
  "comments": "` + peer.ConversationMarker + `",
  "requester": {"name": "{{ticket.requester.name}}", "email": "{{ticket.requester.email}}"},
  "tags": ["` + TagEscalatedFromStd + `", "` + TagStubRequired + `"],
  "custom_fields": [
    {"id": ` + fmt.Sprint(x.secEscalBy) + `, "value": "{{current_user.email}}"},
    {"id": ` + fmt.Sprint(x.secStdTicket) + `, "value": "{{ticket.id}}"}
  ]
}}`
}

// stubBody is the stub's create. Its subject is neutral unless keepSubject:
// standard then shows the original subject only if it runs with
// --stub-subject original, both choices the operator's.
func stubBody(x *ids, m []Mapping, keepSubject bool) string {
	subject := "Escalated to {{ticket.group.name}}"
	if keepSubject {
		subject = "{{ticket.title}}"
	}
	var pairs [][2]int64
	for _, mp := range m {
		pairs = append(pairs, [2]int64{x.secureGroup[mp.Secure], x.pseudo[mp.Pseudo]})
	}
	return groupCase(pairs, fmt.Sprint(x.unassigned)) + `
{"ticket": {
  "subject": "` + subject + `",
  "group_id": "{{group}}",
  "ticket_form_id": ` + fmt.Sprint(x.stubForm) + `,
  "status": "hold",
  "comment": {"body": "This is a ticket stub for a ticket escalated to secure, the secure ticket ID is {{ticket.id}}\nIt replaces standard ticket ` + "{{ticket.ticket_field_" + fmt.Sprint(x.secStdTicket) + "}}" + `, which was deleted.\nDo not edit this ticket.", "public": false},
  "requester": {"name": "{{ticket.requester.name}}", "email": "{{ticket.requester.email}}"},
  "external_id": "{{ticket.id}}",
  "tags": ["` + TagStubRequiresSync + `", "` + TagHasSecureID + `", "` + TagEscalatedToSecure + `"],
  "custom_fields": [
    {"id": ` + fmt.Sprint(x.stdTeam) + `, "value": "` + teamCase(x) + `"},
    {"id": ` + fmt.Sprint(x.stdAssignee) + `, "value": "{{ticket.assignee.email}}"},
    {"id": ` + fmt.Sprint(x.stdStatus) + `, "value": "{{ticket.status}}"},
    {"id": ` + fmt.Sprint(x.stdEscalBy) + `, "value": "{{ticket.ticket_field_` + fmt.Sprint(x.secEscalBy) + `}}"},
    {"id": ` + fmt.Sprint(x.stdOriginal) + `, "value": "{{ticket.ticket_field_` + fmt.Sprint(x.secStdTicket) + `}}"}
  ]
}}`
}

const sendStubIDBody = `{"ticket": {"external_id": "{{ticket.id}}", "additional_tags": ["` + TagHasStandardID + `"]}}`

// sendCommentBody carries the note's files too: the worker uploads them where
// the marker names the comment, and deletes them here once delivered.
const sendCommentBody = `{"ticket": {"comment": {"body": "Comment via standard instance:\n{{ticket.latest_comment_formatted}}", "public": false, "uploads": "` +
	peer.FilesMarkerPrefix + `{{ticket.comments.first.id}}"}}}`

func reassignedBody(x *ids) string {
	return `{"ticket": {"custom_fields": [
  {"id": ` + fmt.Sprint(x.stdAssignee) + `, "value": "{{ticket.assignee.email}}"},
  {"id": ` + fmt.Sprint(x.stdTeam) + `, "value": "` + teamCase(x) + `"},
  {"id": ` + fmt.Sprint(x.stdStatus) + `, "value": "{{ticket.status}}"}
]}}`
}

func closedBody(x *ids) string {
	return `{"ticket": {"status": "closed", "custom_fields": [
  {"id": ` + fmt.Sprint(x.stdCategory) + `, "value": "{{ticket.ticket_field_` + fmt.Sprint(x.secCategory) + `}}"},
  {"id": ` + fmt.Sprint(x.stdStatus) + `, "value": "closed"}
]}}`
}
