package escalation

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/twindesk/twindesk/internal/peer"
)

// Side is one instance and the admin credentials used to provision it. They are
// used for provisioning only: the webhooks that call a twindesk instance hold a
// peer identity it issues, never these.
type Side struct {
	URL   string
	Email string
	Token string
}

// Config is what `twindesk escalation setup` needs.
type Config struct {
	Standard   Side
	Secure     Side
	Map        []Mapping
	Unassigned string
	Categories []Category
	// Rotate issues new peer tokens even when every webhook is in place.
	Rotate bool
	// KeepSubject sends the secure ticket's subject with its stub; standard shows
	// it only with --stub-subject original (a subject may itself be confidential).
	KeepSubject bool
}

// Report lists what a setup run changed; a second run reports only Unchanged.
type Report struct {
	Created   []string
	Updated   []string
	Unchanged []string
}

// Changed reports whether the run changed anything.
func (r *Report) Changed() bool { return len(r.Created)+len(r.Updated) > 0 }

func (r *Report) note(kind, what string) {
	switch kind {
	case "created":
		r.Created = append(r.Created, what)
	case "updated":
		r.Updated = append(r.Updated, what)
	default:
		r.Unchanged = append(r.Unchanged, what)
	}
}

type setup struct {
	cfg Config
	std *Client
	sec *Client
	x   ids
	rep Report
	// stdTwindesk and secTwindesk are set when the side is twindesk, which
	// issues peer identities; Zendesk gets the operator's credentials instead.
	stdTwindesk, secTwindesk bool
}

// Setup provisions both instances idempotently: it finds each resource by name or
// title, creates what is missing and updates what differs from the recipe.
func Setup(ctx context.Context, cfg Config) (Report, error) {
	if cfg.Unassigned == "" {
		cfg.Unassigned = DefaultUnassignedGroup
	}
	if len(cfg.Categories) == 0 {
		cfg.Categories = DefaultCategories
	}
	s := &setup{cfg: cfg, std: NewClient(cfg.Standard.URL, cfg.Standard.Email, cfg.Standard.Token),
		sec: NewClient(cfg.Secure.URL, cfg.Secure.Email, cfg.Secure.Token)}
	s.x.pseudo, s.x.secureGroup = map[string]int64{}, map[string]int64{}
	steps := []func(context.Context) error{s.checkAdmins, s.groups, s.fields, s.form, s.webhooks, s.triggers}
	for _, step := range steps {
		if err := step(ctx); err != nil {
			return s.rep, err
		}
	}
	return s.rep, nil
}

func (s *setup) checkAdmins(ctx context.Context) error {
	for name, c := range map[string]*Client{"standard": s.std, "secure": s.sec} {
		role, err := c.me(ctx)
		if err != nil {
			return fmt.Errorf("escalation: %s credentials: %w", name, err)
		}
		if role != "admin" {
			return fmt.Errorf("escalation: the %s credentials belong to a %s; an admin's API token is needed", name, role)
		}
	}
	var err error
	if s.stdTwindesk, _, err = s.std.isTwindesk(ctx); err != nil {
		return fmt.Errorf("escalation: standard: %w", err)
	}
	secTwindesk, confidential, err := s.sec.isTwindesk(ctx)
	if err != nil {
		return fmt.Errorf("escalation: secure: %w", err)
	}
	s.secTwindesk = secTwindesk
	if secTwindesk && !confidential {
		// Without it the secure instance's admins can send comment text out, call
		// any host, and the peer rules treat it as a standard instance.
		return fmt.Errorf("escalation: the secure instance at %s does not run in confidential mode; restart it with --confidential --webhook-hosts <standard host:port>", s.cfg.Secure.URL)
	}
	return nil
}

func ensureGroup(ctx context.Context, c *Client, existing []group, name, where string, rep *Report) (int64, error) {
	for _, g := range existing {
		if g.Name == name {
			rep.note("unchanged", where+" group "+name)
			return g.ID, nil
		}
	}
	g, err := c.createGroup(ctx, name)
	if err != nil {
		return 0, err
	}
	rep.note("created", where+" group "+name)
	return g.ID, nil
}

func (s *setup) groups(ctx context.Context) error {
	stdGroups, err := s.std.groups(ctx)
	if err != nil {
		return err
	}
	secGroups, err := s.sec.groups(ctx)
	if err != nil {
		return err
	}
	for _, m := range s.cfg.Map {
		if s.x.pseudo[m.Pseudo], err = ensureGroup(ctx, s.std, stdGroups, m.Pseudo, "standard", &s.rep); err != nil {
			return err
		}
		if s.x.secureGroup[m.Secure], err = ensureGroup(ctx, s.sec, secGroups, m.Secure, "secure", &s.rep); err != nil {
			return err
		}
	}
	s.x.unassigned, err = ensureGroup(ctx, s.std, stdGroups, s.cfg.Unassigned, "standard", &s.rep)
	return err
}

func (s *setup) categoryField(title string) ticketField {
	f := ticketField{Type: "tagger", Title: title}
	for _, c := range s.cfg.Categories {
		f.Options = append(f.Options, fieldOption{Name: c.Name, Value: c.Tag})
	}
	return f
}

func ensureField(ctx context.Context, c *Client, existing []ticketField, want ticketField, where string, rep *Report) (int64, error) {
	for _, f := range existing {
		if f.Title != want.Title {
			continue
		}
		if f.Type != want.Type {
			return 0, fmt.Errorf("escalation: %s field %q exists with type %s, the recipe needs %s; rename or delete it", where, f.Title, f.Type, want.Type)
		}
		if sameOptions(f.Options, want.Options) {
			rep.note("unchanged", where+" field "+want.Title)
			return f.ID, nil
		}
		want.ID = f.ID
		if _, err := c.saveField(ctx, want); err != nil {
			return 0, err
		}
		rep.note("updated", where+" field "+want.Title)
		return f.ID, nil
	}
	f, err := c.saveField(ctx, want)
	if err != nil {
		return 0, err
	}
	rep.note("created", where+" field "+want.Title)
	return f.ID, nil
}

func sameOptions(a, b []fieldOption) bool {
	return slices.EqualFunc(a, b, func(x, y fieldOption) bool { return x.Name == y.Name && x.Value == y.Value })
}

func (s *setup) fields(ctx context.Context) error {
	stdFields, err := s.std.fields(ctx)
	if err != nil {
		return err
	}
	secFields, err := s.sec.fields(ctx)
	if err != nil {
		return err
	}
	team, err := s.teamField(ctx)
	if err != nil {
		return err
	}
	for _, f := range []struct {
		dst  *int64
		want ticketField
	}{
		{&s.x.stdCategory, s.categoryField(FieldSecureCategory)},
		{&s.x.stdAssignee, ticketField{Type: "text", Title: FieldSecureAssignee}},
		{&s.x.stdTeam, team},
		{&s.x.stdStatus, ticketField{Type: "text", Title: FieldSecureStatus}},
		{&s.x.stdEscalBy, ticketField{Type: "text", Title: FieldEscalatedBy}},
		{&s.x.stdOriginal, ticketField{Type: "text", Title: FieldOriginalTicket}},
	} {
		if *f.dst, err = ensureField(ctx, s.std, stdFields, f.want, "standard", &s.rep); err != nil {
			return err
		}
	}
	if s.x.secCategory, err = ensureField(ctx, s.sec, secFields, s.categoryField(FieldCategory), "secure", &s.rep); err != nil {
		return err
	}
	if s.x.secEscalBy, err = ensureField(ctx, s.sec, secFields, ticketField{Type: "text", Title: FieldEscalatedBy}, "secure", &s.rep); err != nil {
		return err
	}
	s.x.secStdTicket, err = ensureField(ctx, s.sec, secFields, ticketField{Type: "text", Title: FieldStandardTicket}, "secure", &s.rep)
	return err
}

// teamField is the stub's Secure team dropdown: one option per group secure has
// now. The secure side can then only pick one of them; a text field took any line,
// an original subject included.
func (s *setup) teamField(ctx context.Context) (ticketField, error) {
	groups, err := s.sec.groups(ctx)
	if err != nil {
		return ticketField{}, err
	}
	slices.SortFunc(groups, func(a, b group) int { return cmp.Compare(a.ID, b.ID) })
	f := ticketField{Type: "tagger", Title: FieldSecureTeam}
	s.x.secureTeams = s.x.secureTeams[:0]
	for _, g := range groups {
		f.Options = append(f.Options, fieldOption{Name: g.Name, Value: peer.TeamOption(g.ID)})
		s.x.secureTeams = append(s.x.secureTeams, g.ID)
	}
	return f, nil
}

func (s *setup) form(ctx context.Context) error {
	forms, err := s.std.forms(ctx)
	if err != nil {
		return err
	}
	want := ticketForm{Name: FormStub, DisplayName: FormStub, Active: true,
		TicketFieldIDs: []int64{s.x.stdCategory, s.x.stdStatus, s.x.stdAssignee, s.x.stdTeam, s.x.stdEscalBy, s.x.stdOriginal}}
	for _, f := range forms {
		if f.Name != FormStub {
			continue
		}
		s.x.stubForm = f.ID
		if slices.Equal(f.TicketFieldIDs, want.TicketFieldIDs) {
			s.rep.note("unchanged", "standard form "+FormStub)
			return nil
		}
		want.ID = f.ID
		_, err := s.std.saveForm(ctx, want)
		s.rep.note("updated", "standard form "+FormStub)
		return err
	}
	f, err := s.std.saveForm(ctx, want)
	s.x.stubForm = f.ID
	s.rep.note("created", "standard form "+FormStub)
	return err
}

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

func (s *setup) triggers(ctx context.Context) error {
	std, sec := s.standardTriggers(), s.secureTriggers()
	for _, side := range []struct {
		c     *Client
		where string
		want  []trigger
	}{{s.std, "standard", std}, {s.sec, "secure", sec}} {
		existing, err := side.c.triggers(ctx)
		if err != nil {
			return err
		}
		for _, t := range side.want {
			if err := s.ensureTrigger(ctx, side.c, existing, t, side.where); err != nil {
				return err
			}
		}
	}
	return nil
}

func (s *setup) ensureTrigger(ctx context.Context, c *Client, existing []trigger, want trigger, where string) error {
	want.Active = true
	for _, t := range existing {
		if t.Title != want.Title {
			continue
		}
		if t.Active && canonical(t) == canonical(want) {
			s.rep.note("unchanged", where+" trigger "+want.Title)
			return nil
		}
		want.ID = t.ID
		_, err := c.saveTrigger(ctx, want)
		s.rep.note("updated", where+" trigger "+want.Title)
		return wrapTrigger(want.Title, err)
	}
	_, err := c.saveTrigger(ctx, want)
	if err == nil {
		s.rep.note("created", where+" trigger "+want.Title)
	}
	return wrapTrigger(want.Title, err)
}

func wrapTrigger(title string, err error) error {
	if err == nil {
		return nil
	}
	var ae *APIError
	if errors.As(err, &ae) {
		return fmt.Errorf("escalation: trigger %q was refused: %w", title, err)
	}
	return err
}

// canonical renders a trigger's rule as comparable text: action values as lists,
// empty condition lists as empty, whatever shape the server answered with.
func canonical(t trigger) string {
	acts := make([][]any, len(t.Actions))
	for i, a := range t.Actions {
		v := a.Value
		if s, ok := v.(string); ok {
			v = []any{s}
		}
		if l, ok := v.([]string); ok {
			anyList := make([]any, len(l))
			for j := range l {
				anyList[j] = l[j]
			}
			v = anyList
		}
		acts[i] = []any{a.Field, v}
	}
	all, anyConds := t.Conditions.All, t.Conditions.Any
	if all == nil {
		all = []condition{}
	}
	if anyConds == nil {
		anyConds = []condition{}
	}
	b, _ := json.Marshal([]any{all, anyConds, acts}) // plain data always marshals
	return string(b)
}
