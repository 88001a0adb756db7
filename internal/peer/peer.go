// Package peer holds the trust rules between a standard and a secure instance
// (issue 16, DESIGN section 11): the recipe's reserved tags and field titles, and
// what the other instance's integration identity may change. It is pure: desk
// applies these rules inside its transactions, against the escalation links it
// keeps.
//
// The rules, in short. Each instance grants the other a peer identity
// (model.RolePeer), never an admin token. A peer may only:
//   - on the secure instance: create an escalated ticket (once per standard
//     ticket), name that ticket's stub once, and add private notes to it;
//   - on the standard instance: create the stub of a ticket this instance is
//     escalating (once), keep its secure assignee, group, status and category in
//     step and close it, and delete and purge the original it replaces.
//
// Tags no longer grant anything: the receiving side checks its link records. The
// recipe's tags are still reserved, so no agent or admin can make a ticket look
// like a stub or an escalated ticket by hand.
package peer

import (
	"slices"
	"strconv"
	"strings"
)

// Tags the recipe relies on, as in the seed.
const (
	TagEscalatedToSecure  = "escalated_to_secure"
	TagEscalatedFromStd   = "escalated_from_standard"
	TagStubRequired       = "ticket_stub_required"
	TagHasSecureID        = "has_secure_id"
	TagHasStandardID      = "has_standard_id"
	TagStubRequiresSync   = "stub_requires_sync"
	TagEscalationInFlight = "escalation_in_progress"
)

// ReservedTags may only be set by the escalation itself (the peer's calls and
// the recipe's triggers), never by hand.
var ReservedTags = []string{TagEscalatedToSecure, TagEscalatedFromStd, TagStubRequired,
	TagHasSecureID, TagHasStandardID, TagStubRequiresSync, TagEscalationInFlight}

// Field and form titles the recipe creates.
const (
	FieldSecureCategory = "Secure category"
	FieldSecureAssignee = "Secure assignee"
	// FieldSecureTeam is the secure ticket's group as a dropdown of secure's
	// groups, so the secure side can only pick one of them. It replaces
	// FieldSecureGroup, a text field any line could be written into; stubs made
	// before keep their value there.
	FieldSecureTeam   = "Secure team"
	FieldSecureGroup  = "Secure group"
	FieldSecureStatus = "Secure status"
	FieldEscalatedBy  = "Escalated by"
	FieldCategory     = "Category"
	// FieldOriginalTicket (standard) and FieldStandardTicket (secure) carry the id of
	// the purged standard ticket, so phone support can answer a caller who quotes it.
	FieldOriginalTicket = "Original ticket"
	FieldStandardTicket = "Standard ticket"
	FormStub            = "Escalation stub"
)

// TriggerForward is the title of standard's trigger that forwards a ticket in a
// pseudo group to secure: the web UI reads its group conditions to know which
// groups escalate (web/escalating.go).
const TriggerForward = "Escalation: forward and delete"

// RecipeFields are the titles of every field the recipe creates. Each instance
// pins their ids the first time it needs them (desk/recipe_fields.go), so a
// rename or a look-alike field later changes nothing.
var RecipeFields = []string{FieldSecureCategory, FieldSecureAssignee, FieldSecureTeam, FieldSecureGroup,
	FieldSecureStatus, FieldEscalatedBy, FieldCategory, FieldOriginalTicket, FieldStandardTicket}

// StubSyncFields are the stub fields the secure instance keeps in step.
var StubSyncFields = []string{FieldSecureCategory, FieldSecureAssignee, FieldSecureTeam, FieldSecureStatus}

// StubCreateFields are the stub fields the secure instance may set on creation.
var StubCreateFields = append([]string{FieldEscalatedBy, FieldOriginalTicket}, StubSyncFields...)

// ConversationMarker, as the "comments" of the forward's import body, makes
// standard's delivery worker put the ticket's whole conversation there, files
// uploaded first (jobs/forward.go): a Liquid body can carry neither.
const ConversationMarker = "twindesk:conversation"

// FilesMarkerPrefix, followed by a comment id, as the "uploads" of the note
// standard sends to secure, makes the worker upload that comment's files and
// put their tokens there; delivered, they are deleted on standard.
const FilesMarkerPrefix = "twindesk:files:"

// EscalatedCreateFields are the fields standard may set on the ticket it creates
// in secure.
var EscalatedCreateFields = []string{FieldEscalatedBy, FieldStandardTicket}

// MaxFieldValue bounds a value the peer writes into a stub field: an email, a
// group name or a status, never prose.
const MaxFieldValue = 254

// ReservedChange returns the reserved tags that differ between before and after:
// added or removed.
func ReservedChange(before, after []string) []string {
	var changed []string
	for _, tag := range ReservedTags {
		if slices.Contains(before, tag) != slices.Contains(after, tag) {
			changed = append(changed, tag)
		}
	}
	return changed
}

// SingleID parses a value that must name exactly one ticket: digits only, no
// list, sign, space or leading zero. "1,2,3" and "1&x=y" are not ids.
func SingleID(s string) (int64, bool) {
	if s == "" || len(s) > 18 || s[0] == '0' {
		return 0, false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, false
		}
	}
	id, err := strconv.ParseInt(s, 10, 64)
	return id, err == nil && id > 0
}

// FieldValueOK reports whether v may go into a stub field: one short line.
func FieldValueOK(v string) bool {
	return len(v) <= MaxFieldValue && !strings.ContainsAny(v, "\r\n")
}

// Email is the email of the peer identity called name. It is fixed, so setup
// knows which identity a webhook authenticates as without reading any secret.
func Email(name string) string { return "peer-" + name + "@peers.twindesk.invalid" }

// TeamOption is the value of the Secure team option for secure group id.
func TeamOption(groupID int64) string { return "secure_team_" + strconv.FormatInt(groupID, 10) }

// StubSubject is the neutral subject of a stub: the pseudo group it was moved
// to, never the original subject, which may name a salary or an illness.
func StubSubject(pseudoGroup string) string {
	name := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(pseudoGroup), "(secure)"))
	if name == "" {
		return "Escalated to the secure instance"
	}
	return "Escalated to " + name
}
