package desk

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/peer"
	"github.com/twindesk/twindesk/internal/store"
)

// purge deletes ticket id permanently inside tx. A ticket purged by the escalation
// flow leaves a tombstone (id and time only) so its old number still leads to its
// stub.
func (s *Service) purge(ctx context.Context, tx *store.Tx, id int64) error {
	o, err := tx.Origin(ctx, id)
	if err != nil {
		return err
	}
	// Its files go with it: in this transaction, or owed to the file store.
	if err := s.purgeAttachments(ctx, tx, id); err != nil {
		return err
	}
	if err := tx.PurgeTicket(ctx, id); err != nil {
		return err
	}
	// The incremental exports still list it, as an id and "deleted" (exports.go).
	if err := tx.RecordPurge(ctx, id, s.clock()); err != nil {
		return err
	}
	// Owed in the purge's own commit, so a failed or killed scrub is retried (scrub.go).
	if err := tx.OweScrub(ctx, s.clock()); err != nil {
		return err
	}
	// A reused search count (searchcount.go) may still count the ticket; a
	// purge, escalation's included, forgets them all on this node, so no
	// count of a purged ticket's words outlives it here.
	tx.AfterCommit(s.counts.clear)
	if slices.Contains(o.Tags, peer.TagEscalationInFlight) {
		return tx.AddEscalationTombstone(ctx, model.Tombstone{ID: id, PurgedAt: s.clock(), RequesterID: o.RequesterID, GroupID: o.GroupID})
	}
	return nil
}

// purgeAs purges ticket id for actor: a peer only the ticket it escalates.
func (s *Service) purgeAs(ctx context.Context, tx *store.Tx, actor model.User, id int64) error {
	if isPeer(actor) {
		if err := s.peerMayDelete(ctx, tx, id); err != nil {
			return err
		}
	}
	return s.purge(ctx, tx, id)
}

// Tombstone describes a purged escalated ticket.
type Tombstone struct {
	ID       int64
	PurgedAt time.Time
	// StubID is the stub standing in for it in this instance, 0 until it exists.
	StubID int64
}

// FindTombstone returns the tombstone of ticket id, or model.ErrNotFound.
func (s *Service) FindTombstone(ctx context.Context, actor model.User, id int64) (Tombstone, error) {
	if err := requireStaff(actor); err != nil {
		return Tombstone{}, fmt.Errorf("desk: tombstone: %w", model.ErrNotFound)
	}
	q := s.db.Read()
	at, err := q.Tombstone(ctx, id)
	if err != nil {
		return Tombstone{}, err
	}
	t := Tombstone{ID: id, PurgedAt: at}
	if l, err := q.LinkByOrigin(ctx, id); err == nil {
		t.StubID = l.TicketID
		return t, nil
	} else if !isNotFound(err) {
		return t, err
	}
	// Stubs made before escalation links existed name their original only in
	// the "Original ticket" field (found by its pinned id: recipe_fields.go).
	ids, _, _, err := recipeFieldIDs(ctx, q)
	if err != nil {
		return t, err
	}
	if fieldID := ids[peer.FieldOriginalTicket]; fieldID != 0 {
		stubs, err := q.TicketIDsByFieldValue(ctx, fieldID, fmt.Sprint(id))
		if err != nil {
			return t, err
		}
		if len(stubs) > 0 {
			t.StubID = stubs[0]
		}
	}
	return t, nil
}

// NumberCandidates returns the tickets an agent may mean by number n: on a
// secure instance, the ticket escalated from standard ticket n (callers quote
// the number they were given before the escalation) and the secure ticket n;
// elsewhere the ticket n. Staff only; missing ones are left out.
func (s *Service) NumberCandidates(ctx context.Context, actor model.User, n int64) ([]model.Ticket, error) {
	if err := requireStaff(actor); err != nil {
		return nil, err
	}
	read := s.db.Read()
	var out []model.Ticket
	if s.confidential {
		l, err := read.LinkByOrigin(ctx, n)
		switch {
		case err == nil:
			if t, err := read.Ticket(ctx, l.TicketID); err == nil {
				out = append(out, t)
			} else if !isNotFound(err) {
				return nil, err
			}
		case !isNotFound(err):
			return nil, err
		}
	}
	t, err := read.Ticket(ctx, n)
	if err == nil && (len(out) == 0 || out[0].ID != t.ID) {
		out = append(out, t)
	} else if err != nil && !isNotFound(err) {
		return nil, err
	}
	return s.visibleTickets(ctx, actor, out)
}
