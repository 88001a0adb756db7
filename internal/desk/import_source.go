package desk

import (
	"context"
	"fmt"

	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/store"
)

// ImportSource names the record of another helpdesk that an import copies, so a
// re-run of `twindesk import zendesk` finds the copy instead of making a second.
type ImportSource struct {
	System string // the source account, e.g. "acme.zendesk.com"
	ID     int64  // the ticket's id there
	// Updated is the source ticket's updated_at: a re-run with the same value
	// changes nothing, a different one carries the ticket again.
	Updated string
}

// SystemAuthorID is Zendesk's system user ("Zendesk"), the author of comments
// written by its automations; imports keep it as the author, as Zendesk shows it.
const SystemAuthorID = -1

// importSourced imports a ticket keyed on its source id, in tx: the first time it
// is created and its mapping written in the same transaction, so a kill can
// never leave a copy the next run does not know about; later, an unchanged
// source ticket is answered with its copy, and a changed one updates the copy.
func (s *Service) importSourced(ctx context.Context, tx *store.Tx, actor model.User, in ImportInput) (TicketResult, error) {
	src := in.Source
	m, found, err := tx.ImportID(ctx, src.System, "ticket", src.ID)
	if err != nil {
		return TicketResult{}, err
	}
	var res TicketResult
	switch {
	case !found:
		res, err = s.importTicket(ctx, tx, actor, in)
	case m.SourceUpdated == src.Updated:
		t, err := tx.Ticket(ctx, m.TargetID)
		if err != nil {
			return TicketResult{}, fmt.Errorf("desk: imported copy %d of %s ticket %d: %w", m.TargetID, src.System, src.ID, err)
		}
		return TicketResult{Ticket: t, Replayed: true}, nil
	default:
		res, err = s.reimportTicket(ctx, tx, actor, m.TargetID, in)
	}
	if err != nil {
		return TicketResult{}, err
	}
	err = tx.SaveImportID(ctx, store.ImportID{Source: src.System, Kind: "ticket", SourceID: src.ID, TargetID: res.Ticket.ID, SourceUpdated: src.Updated})
	return res, err
}

// reimportTicket brings the copy id up to its changed source: the fields as the
// source has them now, and the comments the copy does not have yet (Zendesk
// comments are only ever appended), each with its own author and time. As any
// import, it runs no trigger and notifies nobody.
func (s *Service) reimportTicket(ctx context.Context, tx *store.Tx, actor model.User, id int64, in ImportInput) (TicketResult, error) {
	t, err := tx.TicketForUpdate(ctx, id)
	if err != nil {
		return TicketResult{}, fmt.Errorf("desk: imported copy %d: %w", id, err)
	}
	before := t.Clone()
	snap, err := s.rulesFor(ctx, tx)
	if err != nil {
		return TicketResult{}, err
	}
	v := &model.ValidationError{}
	in.Ticket.applyScalars(&t, v)
	if err := s.resolvePeople(ctx, tx, &in.Ticket, &t, v); err != nil {
		return TicketResult{}, err
	}
	if err := s.resolveOrganization(ctx, tx, &in.Ticket, &before, &t, v); err != nil {
		return TicketResult{}, err
	}
	if err := s.applyFields(ctx, tx, snap, &in.Ticket, &before, &t, v); err != nil {
		return TicketResult{}, err
	}
	checkReservedTags(actor, &before, &t, v)
	have, err := tx.CountComments(ctx, id)
	if err != nil {
		return TicketResult{}, err
	}
	newIn := in.Comments[min(int(have), len(in.Comments)):]
	var comments []*model.Comment
	if len(newIn) > 0 {
		if comments, err = s.importComments(ctx, tx, newIn, &t, v); err != nil {
			return TicketResult{}, err
		}
	}
	in.CreatedAt = t.CreatedAt
	importTimes(in, &t, comments, v)
	if t.UpdatedAt.Before(before.UpdatedAt) {
		t.UpdatedAt = before.UpdatedAt
	}
	if err := v.OrNil(); err != nil {
		return TicketResult{}, err
	}
	return s.commitReimport(ctx, tx, actor, &before, &t, comments, newIn, in.sourceSystem())
}

// commitReimport writes the changed fields as one audit at the source's
// updated_at and each new comment as its own audit, as commitImport does.
func (s *Service) commitReimport(ctx context.Context, tx *store.Tx, actor model.User, before, t *model.Ticket, comments []*model.Comment, in []ImportComment, source string) (TicketResult, error) {
	if err := s.saveTicket(ctx, tx, before, t); err != nil {
		return TicketResult{}, err
	}
	if err := tx.TouchTicket(ctx, t.ID, s.clock()); err != nil {
		return TicketResult{}, err
	}
	res := TicketResult{Ticket: *t}
	if events := fieldEvents(before, t); len(events) > 0 {
		audit := model.Audit{TicketID: t.ID, AuthorID: actor.ID, Via: viaImport, CreatedAt: t.UpdatedAt, Events: events}
		var err error
		if audit.ID, err = tx.AddAudit(ctx, &audit); err != nil {
			return TicketResult{}, err
		}
		res.Audit = audit
		if err := s.indexChange(ctx, tx, before, t, nil); err != nil {
			return TicketResult{}, err
		}
	}
	for i, c := range comments {
		pub := c.Public
		audit := model.Audit{TicketID: t.ID, AuthorID: c.AuthorID, Via: viaImport, CreatedAt: c.CreatedAt,
			Events: []model.AuditEvent{{Type: "Comment", Body: c.Body, Public: &pub, AuthorID: c.AuthorID}}}
		var err error
		if audit.ID, err = tx.AddAudit(ctx, &audit); err != nil {
			return TicketResult{}, err
		}
		c.TicketID, c.AuditID = t.ID, audit.ID
		if c.ID, err = tx.AddComment(ctx, c); err != nil {
			return TicketResult{}, err
		}
		if err := s.attachUploads(ctx, tx, actor, &CommentInput{Uploads: in[i].Uploads}, c); err != nil {
			return TicketResult{}, err
		}
		if err := saveMessageID(ctx, tx, source, in[i], c); err != nil {
			return TicketResult{}, err
		}
		if err := tx.IndexComment(ctx, t.ID, c.Body); err != nil {
			return TicketResult{}, err
		}
	}
	return res, nil
}

// ImportIDs lists the ids an import from source recorded for kind, by source
// id after afterID (at most limit). Admins only.
func (s *Service) ImportIDs(ctx context.Context, actor model.User, source, kind string, afterID int64, limit int) ([]store.ImportID, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	return s.db.Read().ImportIDs(ctx, source, kind, afterID, limit)
}

// SaveImportIDs records where records other than tickets (users, groups,
// rules...) landed; tickets record theirs as they are imported. Admins only.
func (s *Service) SaveImportIDs(ctx context.Context, actor model.User, ids []store.ImportID) error {
	if err := requireAdmin(actor); err != nil {
		return err
	}
	v := &model.ValidationError{}
	for i, m := range ids {
		if m.Source == "" || m.Kind == "" || m.Kind == "ticket" || m.SourceID == 0 || m.TargetID <= 0 {
			v.Add(fmt.Sprintf("import_ids[%d]", i), "InvalidValue",
				"Import ids[%d]: source, kind (not ticket: tickets record theirs on import), source_id and target_id are required", i)
		}
	}
	if err := v.OrNil(); err != nil {
		return err
	}
	return s.db.WriteTx(ctx, func(tx *store.Tx) error {
		for _, m := range ids {
			if err := tx.SaveImportID(ctx, m); err != nil {
				return err
			}
		}
		return nil
	})
}
