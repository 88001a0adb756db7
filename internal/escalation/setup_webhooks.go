package escalation

import (
	"context"
	"fmt"
	"strings"

	"github.com/twindesk/twindesk/internal/peer"
)

// The webhooks each instance calls the other with, and the credentials they carry.

// credential is what a group of webhooks authenticates with on the instance
// they call. On twindesk it is a peer identity that instance issues, able to make
// only the recipe's calls; the operator's admin token is used for provisioning
// and never stored. On Zendesk, which has no such identity, it is the operator's
// credentials (see docs/escalation.md).
type credential struct {
	issuer *Client
	peer   string // peer identity name; "" for the operator's credentials
	email  string
	token  string // known for the operator's; issued when a webhook needs it
	renew  bool   // some webhook needs the credential written
}

func (c *credential) username() string { return c.email + "/token" }

func (s *setup) credential(issuer *Client, twindesk bool, peerName string, operator Side) *credential {
	if !twindesk {
		return &credential{issuer: issuer, email: operator.Email, token: operator.Token}
	}
	return &credential{issuer: issuer, peer: peerName, email: peer.Email(peerName)}
}

// token returns the credential's secret, issuing a new peer token (which
// revokes the identity's earlier ones) the first time it is needed in this run.
func (c *credential) secret(ctx context.Context) (string, error) {
	if c.token != "" {
		return c.token, nil
	}
	email, token, err := c.issuer.issuePeerToken(ctx, c.peer)
	if err != nil {
		return "", fmt.Errorf("escalation: issue the %s peer token: %w", c.peer, err)
	}
	if email != c.email {
		return "", fmt.Errorf("escalation: the %s peer identity is %s, expected %s", c.peer, email, c.email)
	}
	c.token = token
	return token, nil
}

type wantHook struct {
	dst  *string
	hook webhook
	cred *credential
}

func (s *setup) webhooks(ctx context.Context) error {
	stdURL, secURL := strings.TrimRight(s.cfg.Standard.URL, "/"), strings.TrimRight(s.cfg.Secure.URL, "/")
	onSecure := s.credential(s.sec, s.secTwindesk, "standard", s.cfg.Secure) // standard calling secure
	onSelf := s.credential(s.std, s.stdTwindesk, "self", s.cfg.Standard)     // standard deleting its own ticket
	onStandard := s.credential(s.std, s.stdTwindesk, "secure", s.cfg.Standard)
	stdHooks := []wantHook{
		{&s.x.whCreateSec, webhook{Name: "Escalation: create secure ticket", Endpoint: secURL + "/api/v2/imports/tickets.json", HTTPMethod: "POST"}, onSecure},
		{&s.x.whDeleteStd, webhook{Name: "Escalation: delete standard ticket", Endpoint: stdURL + "/api/v2/tickets/{{ticket.id}}.json", HTTPMethod: "DELETE"}, onSelf},
		{&s.x.whPurgeStd, webhook{Name: "Escalation: purge standard ticket", Endpoint: stdURL + "/api/v2/deleted_tickets/{{ticket.id}}.json", HTTPMethod: "DELETE"}, onSelf},
		{&s.x.whUpdateSec, webhook{Name: "Escalation: update secure ticket", Endpoint: secURL + "/api/v2/tickets/update_many.json?ids={{ticket.external_id}}", HTTPMethod: "PUT"}, onSecure},
	}
	secHooks := []wantHook{
		{&s.x.whCreateStub, webhook{Name: "Escalation: create standard stub", Endpoint: stdURL + "/api/v2/tickets.json", HTTPMethod: "POST"}, onStandard},
		{&s.x.whUpdateStub, webhook{Name: "Escalation: update standard stub", Endpoint: stdURL + "/api/v2/tickets/update_many.json?ids={{ticket.external_id}}", HTTPMethod: "PUT"}, onStandard},
	}
	stdExisting, err := s.std.webhooks(ctx)
	if err != nil {
		return err
	}
	secExisting, err := s.sec.webhooks(ctx)
	if err != nil {
		return err
	}
	// First find what must be written: a peer token is issued only then, and
	// every webhook holding that identity gets the new one, since issuing revokes
	// the old.
	for _, h := range stdHooks {
		s.markRenew(stdExisting, h)
	}
	for _, h := range secHooks {
		s.markRenew(secExisting, h)
	}
	for _, side := range []struct {
		c        *Client
		where    string
		existing []webhook
		hooks    []wantHook
	}{{s.std, "standard", stdExisting, stdHooks}, {s.sec, "secure", secExisting, secHooks}} {
		for _, h := range side.hooks {
			if *h.dst, err = s.ensureWebhook(ctx, side.c, side.existing, h, side.where); err != nil {
				return err
			}
		}
	}
	return nil
}

func prepare(w *webhook) {
	w.RequestFormat, w.Status, w.Subscriptions = "json", "active", []string{"conditional_ticket_events"}
}

func findHook(existing []webhook, name string) *webhook {
	for i := range existing {
		if existing[i].Name == name {
			return &existing[i]
		}
	}
	return nil
}

// markRenew notes that h's credential must be (re)written: the webhook is
// missing, differs, lost its credentials (its endpoint host changed), or the
// operator asked to rotate.
func (s *setup) markRenew(existing []webhook, h wantHook) {
	w := findHook(existing, h.hook.Name)
	same := w != nil && w.Endpoint == h.hook.Endpoint && w.HTTPMethod == h.hook.HTTPMethod && w.Status == "active" &&
		w.Authentication != nil && w.Authentication.Data["username"] == h.cred.username()
	if !same || s.cfg.Rotate {
		h.cred.renew = true
	}
}

func (s *setup) ensureWebhook(ctx context.Context, c *Client, existing []webhook, h wantHook, where string) (string, error) {
	want := h.hook
	prepare(&want)
	w := findHook(existing, want.Name)
	if w != nil && !h.cred.renew {
		s.rep.note("unchanged", where+" webhook "+want.Name)
		return w.ID, nil
	}
	secret, err := h.cred.secret(ctx)
	if err != nil {
		return "", err
	}
	want.Authentication = &webhookAuth{Type: "basic_auth", AddPosition: "header",
		Data: map[string]string{"username": h.cred.username(), "password": secret}}
	kind := "created"
	if w != nil {
		want.ID, kind = w.ID, "updated"
	}
	saved, err := c.saveWebhook(ctx, want)
	if err != nil {
		return "", err
	}
	s.rep.note(kind, where+" webhook "+want.Name)
	return saved.ID, nil
}
