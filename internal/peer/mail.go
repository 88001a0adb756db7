package peer

import "github.com/twindesk/twindesk/internal/model"

// MailWithheld is the reason recorded on outgoing mail withheld because its
// ticket is escalated to the secure instance.
const MailWithheld = "not sent: the ticket is escalated to the secure desk, whose own mail reaches the requester"

// MailHold reports whether t is being or was escalated away from this instance
// (standard's ticket in flight, or its stub): no mail about it may leave this
// instance. The secure instance's tickets never carry these tags (they are
// reserved to the escalation's own calls).
func MailHold(t *model.Ticket) bool {
	return t.HasTag(TagEscalationInFlight) || t.HasTag(TagEscalatedToSecure) || t.HasTag(TagHasSecureID)
}
