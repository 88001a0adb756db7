package escalation

import (
	"context"
	"fmt"
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
