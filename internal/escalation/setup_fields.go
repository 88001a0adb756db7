package escalation

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/twindesk/twindesk/internal/peer"
)

// The groups, fields and form each instance gets.

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
