package adversarial

import (
	"testing"
)

// attack is one attacker's attempt; run asserts that it fails and that the
// legitimate flow still works afterwards.
type attack struct {
	name string
	run  func(t *testing.T, r *rig)
}

// TestAdversarial starts one pair of instances and plays every attacker against
// it in turn: the processes take seconds to start, the attacks less.
func TestAdversarial(t *testing.T) {
	if testing.Short() {
		t.Skip("the adversarial suite runs two twindesk processes; run it without -short")
	}
	r := newRig(t, "")
	t.Logf("work dir %s; logs standard.log and secure.log", r.dir)
	attacks := []attack{
		{"legitimate escalation", legitimateEscalation},
		{"IT admin steals credentials", stealCredentials},
		{"IT admin edits a linked ticket with the peer credential", peerEditsLinked},
		{"IT admin creates secure tickets with the peer credential", peerCreates},
		{"HR admin repoints the stub webhook", hrAdminRepointsStubHook},
		{"IT agent hijacks HR tickets", hijackHRTickets},
		{"reserved tags by hand", reservedTagsByHand},
		{"HR agent pushes text into standard", pushIntoStandard},
		{"HR admin edits the recipe", hrAdminEditsRecipe},
		{"HR admin bypasses the host list", bypassHostList},
		{"IT admin port-scans through webhooks", portScan},
		{"IT admin stalls webhooks with an endpoint that never answers", slowEndpoint},
		{"canary after escalation", canaryAfterEscalation},
		{"attachment after escalation", attachmentAfterEscalation},
		{"note while secure is down", noteWhileSecureDown},
		{"residue after a held reader", residueAfterHeldReader},
		{"residue after kill -9", residueAfterKill}, // last: it restarts standard
	}
	for _, a := range attacks {
		t.Run(a.name, func(t *testing.T) { a.run(t, r) })
	}
}

// legitimateEscalation is the flow every attack must leave working.
func legitimateEscalation(t *testing.T, r *rig) {
	e := r.escalate(t, newTicketText())
	r.noteFlows(t, e)
}
