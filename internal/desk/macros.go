package desk

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"github.com/twindesk/twindesk/internal/liquid"
	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/rules"
	"github.com/twindesk/twindesk/internal/store"
)

// MacroFilter narrows a macro list as Zendesk's list parameters do.
type MacroFilter struct {
	Access     string // personal, shared, account or ""
	Active     *bool
	Category   string // the part of the title before "::"
	Query      string // words of the title, for /macros/search
	SortBy     string // alphabetical, created_at, updated_at, position (default)
	Descending bool
}

// MacroCategory returns a macro's category: Zendesk's "Category::Title" prefix.
func MacroCategory(m *model.Macro) string {
	cat, _, ok := strings.Cut(m.Title, "::")
	if !ok {
		return ""
	}
	return strings.TrimSpace(cat)
}

// Macros lists the macros actor may use that pass f.
func (s *Service) Macros(ctx context.Context, actor model.User, f MacroFilter) ([]model.Macro, error) {
	acc, err := s.ruleAccess(ctx, actor)
	if err != nil {
		return nil, err
	}
	all, err := s.db.Read().ListMacros(ctx)
	if err != nil {
		return nil, err
	}
	words := strings.Fields(strings.ToLower(f.Query))
	out := all[:0]
	for _, m := range all {
		title := strings.ToLower(m.Title)
		if !acc.visible(m.Restriction) || !matchesAccess(m.Restriction, f.Access) ||
			f.Active != nil && m.Active != *f.Active ||
			f.Category != "" && !strings.EqualFold(MacroCategory(&m), f.Category) ||
			slices.ContainsFunc(words, func(w string) bool { return !strings.Contains(title, w) }) {
			continue
		}
		out = append(out, m)
	}
	sortMacros(out, f.SortBy, f.Descending)
	return out, nil
}

func sortMacros(ms []model.Macro, by string, desc bool) {
	slices.SortStableFunc(ms, func(a, b model.Macro) int {
		var c int
		switch by {
		case "alphabetical":
			c = cmp.Compare(strings.ToLower(a.Title), strings.ToLower(b.Title))
		case "created_at":
			c = a.CreatedAt.Compare(b.CreatedAt)
		case "updated_at":
			c = a.UpdatedAt.Compare(b.UpdatedAt)
		default:
			c = cmp.Compare(a.Position, b.Position)
		}
		if desc {
			c = -c
		}
		return cmp.Or(c, cmp.Compare(a.ID, b.ID))
	})
}

// Macro loads a macro actor may use; one they may not see is not found.
func (s *Service) Macro(ctx context.Context, actor model.User, id int64) (model.Macro, error) {
	acc, err := s.ruleAccess(ctx, actor)
	if err != nil {
		return model.Macro{}, err
	}
	m, err := s.db.Read().Macro(ctx, id)
	if err == nil && !acc.visible(m.Restriction) {
		err = model.ErrNotFound
	}
	return m, err
}

// SaveMacro validates and stores a macro (ID 0 creates).
func (s *Service) SaveMacro(ctx context.Context, actor model.User, m model.Macro) (model.Macro, error) {
	if err := requireStaff(actor); err != nil {
		return m, err
	}
	if m.ID == 0 {
		m.Restriction = personalDefault(actor, m.Restriction)
	}
	err := s.db.WriteTx(ctx, func(tx *store.Tx) error {
		var old model.Macro
		if m.ID != 0 {
			var err error
			if old, err = tx.Macro(ctx, m.ID); err != nil {
				return err
			}
		}
		if err := mayChange(actor, old.Restriction, m.Restriction, m.ID != 0); err != nil {
			return err
		}
		if err := rules.ValidateMacro(&m); err != nil {
			return err
		}
		if err := checkRestriction(ctx, &tx.Queries, m.Restriction); err != nil {
			return err
		}
		if m.ID == 0 && m.Position == 0 { // a new macro goes last, as in Zendesk
			all, err := tx.ListMacros(ctx)
			if err != nil {
				return err
			}
			m.Position = 1
			for _, o := range all {
				m.Position = max(m.Position, o.Position+1)
			}
		}
		now := s.clock()
		m.CreatedAt, m.UpdatedAt = cmp.Or(old.CreatedAt, now), now
		var err error
		m.ID, err = tx.SaveMacro(ctx, &m)
		return err
	})
	return m, err
}

// DeleteMacro removes a macro actor may change.
func (s *Service) DeleteMacro(ctx context.Context, actor model.User, id int64) error {
	if err := requireStaff(actor); err != nil {
		return err
	}
	return s.db.WriteTx(ctx, func(tx *store.Tx) error {
		m, err := tx.Macro(ctx, id)
		if err != nil {
			return err
		}
		if err := mayChange(actor, m.Restriction, m.Restriction, true); err != nil {
			return err
		}
		return tx.DeleteMacro(ctx, id)
	})
}

// MacroResult is what applying a macro to a ticket would do. Nothing is saved:
// the agent sees the proposal and submits it (or not).
type MacroResult struct {
	// Ticket is the ticket with the macro's changes; Events list them.
	Ticket model.Ticket
	Events []model.AuditEvent
	// Comment and CommentHTML are the reply, placeholders rendered; Public is
	// the comment mode the macro sets, true when it sets none (Zendesk's default).
	Comment, CommentHTML string
	Public               bool
	HasComment           bool
}

// ApplyMacro works out what macro id would do to ticket ticketID (0: to a new,
// empty ticket), as actor: the ticket actions applied, the comment rendered
// with the ticket's Liquid placeholders. Both must be visible to actor.
func (s *Service) ApplyMacro(ctx context.Context, actor model.User, id, ticketID int64) (MacroResult, error) {
	var res MacroResult
	m, err := s.Macro(ctx, actor, id)
	if err != nil {
		return res, err
	}
	q := s.db.Read()
	t := model.Ticket{Status: model.StatusNew}
	if ticketID != 0 {
		if t, err = s.Ticket(ctx, actor, ticketID); err != nil {
			return res, err
		}
	}
	fields, err := q.ListFields(ctx)
	if err != nil {
		return res, err
	}
	env := rules.Env{Fields: make(map[int64]*model.TicketField, len(fields))}
	for i := range fields {
		env.Fields[fields[i].ID] = &fields[i]
	}
	ch := rules.ApplyMacro(&m, &t, actor, env)
	res = MacroResult{Ticket: t, Events: ch.Events, Public: ch.Public == nil || *ch.Public,
		HasComment: ch.Comment != "" || ch.CommentHTML != ""}
	if !res.HasComment {
		return res, nil
	}
	data, err := s.macroData(ctx, q, &t, fields)
	if err != nil {
		return res, err
	}
	if res.Comment, err = s.render.Render(ch.Comment, data, actor, false); err != nil {
		return res, model.Invalid("comment_value", "InvalidValue", "Macro comment: %v", err)
	}
	if res.CommentHTML, err = s.render.Render(ch.CommentHTML, data, actor, false); err != nil {
		return res, model.Invalid("comment_value_html", "InvalidValue", "Macro comment: %v", err)
	}
	return res, nil
}

// macroData loads what a macro's placeholders can show about t. The reply stays
// on this instance, in the agent's own form, so nothing is stripped.
func (s *Service) macroData(ctx context.Context, q *store.Queries, t *model.Ticket, fields []model.TicketField) (*liquid.TicketData, error) {
	data := &liquid.TicketData{Ticket: *t, Users: map[int64]model.User{}, Fields: fields, BaseURL: s.baseURL}
	ids := []int64{t.RequesterID, t.SubmitterID, t.AssigneeID}
	if t.ID != 0 {
		var err error
		if data.Comments, err = q.Comments(ctx, t.ID, store.Page{Limit: 1000}); err != nil {
			return nil, err
		}
		for _, c := range data.Comments {
			ids = append(ids, c.AuthorID)
		}
	}
	users, err := q.UsersByIDs(ctx, slices.DeleteFunc(ids, func(id int64) bool { return id == 0 }))
	if err != nil {
		return nil, err
	}
	for _, u := range users {
		data.Users[u.ID] = u
	}
	if t.GroupID != 0 {
		g, err := q.Group(ctx, t.GroupID)
		if err != nil && !isNotFound(err) {
			return nil, err
		}
		if err == nil {
			data.Group = &g
		}
	}
	return data, nil
}
