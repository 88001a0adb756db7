package desk

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/peer"
	"github.com/twindesk/twindesk/internal/store"
)

// BackfillLinks records the escalation links of tickets escalated before links
// existed (migration 011), from the recipe's tags, its id fields and the
// external ids, so escalations that were in flight across the upgrade keep
// syncing. It runs only while no link is recorded, so once per database, and
// returns how many links it wrote.
func (s *Service) BackfillLinks(ctx context.Context) (int, error) {
	read := s.db.Read()
	if has, err := read.HasLinks(ctx); err != nil || has {
		return 0, err
	}
	tag, field := peer.TagEscalatedToSecure, peer.FieldOriginalTicket // a standard stub
	if s.confidential {
		tag, field = peer.TagEscalatedFromStd, peer.FieldStandardTicket // a secure ticket
	}
	tickets, err := read.TicketsWithTag(ctx, tag, time.Time{}, time.Now().AddDate(100, 0, 0))
	if err != nil {
		return 0, err
	}
	var n int
	err = s.db.WriteTx(ctx, func(tx *store.Tx) error {
		ids, err := s.fieldIDs(ctx, tx)
		if err != nil {
			return err
		}
		for i := range tickets {
			l, ok := legacyLink(&tickets[i], ids[field], s.confidential)
			if !ok {
				continue
			}
			err := tx.AddLink(ctx, l)
			if errors.Is(err, model.ErrConflict) {
				continue // a second ticket claiming the same original: the first keeps it
			}
			if err != nil {
				return fmt.Errorf("desk: backfill link of ticket %d: %w", l.TicketID, err)
			}
			n++
		}
		return nil
	})
	return n, err
}

// legacyLink reads the link an escalated ticket or stub of before migration 011
// carried in its fields and external id.
func legacyLink(t *model.Ticket, originField int64, secure bool) (model.EscalationLink, bool) {
	origin, ok := peer.SingleID(t.Field(originField))
	if !ok || originField == 0 {
		return model.EscalationLink{}, false
	}
	l := model.EscalationLink{TicketID: t.ID, OriginID: origin, CreatedAt: t.CreatedAt}
	other, ok := peer.SingleID(t.ExternalID)
	if secure && !t.HasTag(peer.TagHasStandardID) {
		ok = false // the stub id was not confirmed yet: standard will send it
	}
	if ok {
		l.PeerID = other
	} else if !secure {
		return model.EscalationLink{}, false // a stub without its secure id syncs nothing
	}
	return l, true
}
