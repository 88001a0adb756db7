package store

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/twindesk/twindesk/internal/model"
)

// AddLink records the escalation link of ticket l.TicketID. A second link for the
// same ticket or the same original is model.ErrConflict.
func (q *Queries) AddLink(ctx context.Context, l model.EscalationLink) error {
	return q.exec(ctx, "add escalation link", false, `INSERT INTO escalation_links (ticket_id, origin_id, peer_id, created_at)
		VALUES ($1, $2, $3, $4)`, l.TicketID, l.OriginID, l.PeerID, ts(l.CreatedAt))
}

// Link returns the escalation link of ticket id, or model.ErrNotFound.
func (q *Queries) Link(ctx context.Context, id int64) (model.EscalationLink, error) {
	return q.link(ctx, `SELECT ticket_id, origin_id, peer_id, created_at FROM escalation_links WHERE ticket_id = $1`, id)
}

// LinkByOrigin returns the link made for the escalated standard ticket origin.
func (q *Queries) LinkByOrigin(ctx context.Context, origin int64) (model.EscalationLink, error) {
	return q.link(ctx, `SELECT ticket_id, origin_id, peer_id, created_at FROM escalation_links WHERE origin_id = $1`, origin)
}

func (q *Queries) link(ctx context.Context, query string, id int64) (model.EscalationLink, error) {
	var l model.EscalationLink
	var at int64
	if err := q.q.QueryRowContext(ctx, query, id).Scan(&l.TicketID, &l.OriginID, &l.PeerID, &at); err != nil {
		return l, q.wrap("escalation link", err)
	}
	l.CreatedAt = fromTS(at)
	return l, nil
}

// SetLinkPeer records the other side's ticket of a link, once: a link whose peer
// is already known is model.ErrConflict, so a forged second id can't repoint it.
func (q *Queries) SetLinkPeer(ctx context.Context, id, peer int64) error {
	err := q.exec(ctx, "set escalation link peer", true, `UPDATE escalation_links SET peer_id = $2
		WHERE ticket_id = $1 AND (peer_id = 0 OR peer_id = $2)`, id, peer)
	if errors.Is(err, model.ErrNotFound) {
		return fmt.Errorf("store: ticket %d: its escalation link already names another peer ticket: %w", id, model.ErrConflict)
	}
	return err
}

// AddEscalationTombstone records that an escalated ticket was purged, with what
// its stub is built from.
func (q *Queries) AddEscalationTombstone(ctx context.Context, t model.Tombstone) error {
	return q.exec(ctx, "add tombstone", false, `INSERT INTO tombstones (id, purged_at, requester_id, group_id)
		VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO NOTHING`, t.ID, ts(t.PurgedAt), t.RequesterID, t.GroupID)
}

// TombstoneDetails returns the tombstone of ticket id, or model.ErrNotFound.
func (q *Queries) TombstoneDetails(ctx context.Context, id int64) (model.Tombstone, error) {
	t := model.Tombstone{ID: id}
	var at int64
	err := q.q.QueryRowContext(ctx, `SELECT purged_at, requester_id, group_id FROM tombstones WHERE id = $1`, id).
		Scan(&at, &t.RequesterID, &t.GroupID)
	if err != nil {
		return t, q.wrap("tombstone", err)
	}
	t.PurgedAt = fromTS(at)
	return t, nil
}

// TicketOrigin is what an escalation needs to know of a ticket, live or
// soft-deleted: who asked, which group it is in, and its tags.
type TicketOrigin struct {
	RequesterID int64
	GroupID     int64
	Tags        []string
}

// Origin returns the requester, group and tags of ticket id, including a
// soft-deleted one (the escalation deletes the original before it purges it).
func (q *Queries) Origin(ctx context.Context, id int64) (TicketOrigin, error) {
	var o TicketOrigin
	var tags string
	err := q.q.QueryRowContext(ctx, `SELECT requester_id, COALESCE(group_id, 0), tags FROM tickets WHERE id = $1`, id).
		Scan(&o.RequesterID, &o.GroupID, &tags)
	if err != nil {
		return o, q.wrap("ticket origin", err)
	}
	o.Tags = strings.Fields(tags)
	return o, nil
}

// HasLinks reports whether any escalation link is recorded.
func (q *Queries) HasLinks(ctx context.Context) (bool, error) {
	n, err := q.count(ctx, "count escalation links", `SELECT COUNT(*) FROM (SELECT 1 FROM escalation_links LIMIT 1) AS l`)
	return n > 0, err
}
