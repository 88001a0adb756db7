package desk

import (
	"context"
	"fmt"
	"time"

	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/store"
)

// TagOp is how a ticket tags request changes the ticket's tags.
type TagOp int

// The three ticket tags requests of Zendesk's API.
const (
	TagsAdd    TagOp = iota // PUT: add to the tags
	TagsSet                 // POST: replace the tags
	TagsRemove              // DELETE: remove from the tags
)

// EditTicketTags changes ticket id's tags as a normal update does: reserved
// tags are refused, the limits apply, an audit is written and triggers run.
// stamp, when set, makes it a safe update (ErrStale). Staff only: an end
// user's update may only comment.
func (s *Service) EditTicketTags(ctx context.Context, actor model.User, id int64, op TagOp, tags []string, stamp time.Time) (model.Ticket, error) {
	if err := requireStaff(actor); err != nil {
		return model.Ticket{}, err
	}
	in := TicketInput{Via: "api", UpdatedStamp: stamp}
	switch op {
	case TagsAdd:
		in.AdditionalTags = tags
	case TagsSet:
		in.Tags = &tags
	case TagsRemove:
		in.RemoveTags = tags
	default:
		return model.Ticket{}, fmt.Errorf("desk: tag operation %d", op)
	}
	res, err := s.UpdateTicket(ctx, actor, id, in)
	return res.Ticket, err
}

// TicketTags returns ticket id's tags. Staff only, as Zendesk.
func (s *Service) TicketTags(ctx context.Context, actor model.User, id int64) ([]string, error) {
	if err := requireStaff(actor); err != nil {
		return nil, err
	}
	t, err := s.Ticket(ctx, actor, id)
	return t.Tags, err
}

// TagCounts lists the tags of live tickets, most used first. Staff only: the
// list names what every ticket is tagged with.
func (s *Service) TagCounts(ctx context.Context, actor model.User, after *store.TagCursor, limit, offset int) ([]store.TagCount, error) {
	if err := requireStaff(actor); err != nil {
		return nil, err
	}
	return s.db.Read().TagCounts(ctx, after, limit, offset)
}

// CountTags counts the distinct tags of live tickets. Staff only.
func (s *Service) CountTags(ctx context.Context, actor model.User) (int64, error) {
	if err := requireStaff(actor); err != nil {
		return 0, err
	}
	return s.db.Read().CountTags(ctx)
}

// AutocompleteTags lists up to limit tags starting with prefix. Staff only.
func (s *Service) AutocompleteTags(ctx context.Context, actor model.User, prefix string, limit int) ([]string, error) {
	if err := requireStaff(actor); err != nil {
		return nil, err
	}
	return s.db.Read().TagsWithPrefix(ctx, prefix, limit)
}
