package adversarial

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/escalation"
)

// TestAdversarialStubFields: what the secure side syncs into a stub is one of
// secure's groups (a dropdown), an email or a status, never a line of its choice.
func TestAdversarialStubFields(t *testing.T) {
	if testing.Short() {
		t.Skip("starts two twindesk processes; skipped with -short")
	}
	r := newRig(t, "")
	for _, a := range []attack{
		{"HR admin syncs the subject into a stub field", hrAdminSyncsSubject},
	} {
		t.Run(a.name, func(t *testing.T) { a.run(t, r) })
	}
}

// hrAdminSyncsSubject: the recipe's "stub reassigned" trigger rewritten by an
// HR admin to put the secure ticket's subject (the original subject, with its
// canary) into the stub's Secure team field.
func hrAdminSyncsSubject(t *testing.T, r *rig) {
	x := newTicketText()
	e := r.escalate(t, x)
	moved := r.secAdmin.idOfNamed(t, "/triggers.json", "triggers", "title", escalation.TriggerReassigned)
	hook := r.secAdmin.webhookID(t, "Escalation: update standard stub")
	group := r.stdAdmin.idOfNamed(t, "/ticket_fields.json", "ticket_fields", "title", escalation.FieldSecureTeam)
	res := r.secAdmin.do(t, "PUT", fmt.Sprintf("/triggers/%d.json", moved), map[string]any{"trigger": map[string]any{
		"actions": []map[string]any{{"field": "notification_webhook", "value": []string{hook,
			fmt.Sprintf(`{"ticket": {"custom_fields": [{"id": %d, "value": "{{ticket.title}}"}]}}`, group)}}}}})
	require.Equal(t, http.StatusOK, res.code, "%s", res)
	r.hrAgent.must(t, "PUT", fmt.Sprintf("/tickets/%d.json", e.secure), map[string]any{"ticket": map[string]any{"status": "open"}})
	r.settle(t)
	assert.NotContains(t, fmt.Sprint(r.stdAdmin.ticket(t, e.stub)), tail(x.subject), "stub %d shows the original subject", e.stub)
	r.setup(t)
}
