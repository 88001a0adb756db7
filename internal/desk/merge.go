package desk

import (
	"context"
	"fmt"
	"slices"

	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/peer"
	"github.com/twindesk/twindesk/internal/store"
)

// MaxMergeSources is how many tickets one merge may close, as in Zendesk.
const MaxMergeSources = 5

// TagClosedByMerge marks a ticket closed by a merge, as Zendesk does.
const TagClosedByMerge = "closed_by_merge"

// MergeInput is a merge of the tickets IDs into a target (Zendesk's body of
// POST /tickets/{id}/merge). Empty comments get Zendesk's default texts; the
// comments are internal notes unless Public says otherwise.
type MergeInput struct {
	IDs                   []int64
	TargetComment         string
	SourceComment         string
	TargetCommentIsPublic *bool
	SourceCommentIsPublic *bool
	Via                   string
}

// MergeTickets closes the source tickets with a note and the closed_by_merge
// tag, and adds a note to the target naming them. It is all or nothing, in one
// transaction: a refused source leaves every ticket as it was.
//
// A ticket linked to an escalation (a stub, a secure ticket that came from
// standard, an original whose escalation is in flight) is never merged, as a
// source or a target: the merge would copy or keep an escalated ticket's text
// on a ticket that stays on this desk, out of the escalation's reach (its
// purge and scrub would not find it), which is what docs/escalation.md forbids.
func (s *Service) MergeTickets(ctx context.Context, actor model.User, targetID int64, in MergeInput) (model.JobStatus, error) {
	if err := requireStaff(actor); err != nil {
		return model.JobStatus{}, err
	}
	ids, err := mergeSources(targetID, in.IDs)
	if err != nil {
		return model.JobStatus{}, err
	}
	via := in.Via
	if via == "" {
		via = "merge"
	}
	results := make([]model.JobResult, 0, len(ids))
	err = s.db.WriteTx(ctx, func(tx *store.Tx) error {
		results = results[:0]
		target, err := s.mergeable(ctx, tx, actor, targetID, "target")
		if err != nil {
			return err
		}
		sources := make([]model.Ticket, len(ids))
		for i, id := range ids {
			if sources[i], err = s.mergeable(ctx, tx, actor, id, "ids"); err != nil {
				return err
			}
		}
		closed := string(model.StatusClosed)
		for i := range sources {
			src := &sources[i]
			body := in.SourceComment
			if body == "" {
				body = fmt.Sprintf("This request was closed and merged into request #%d %q.", target.ID, target.Subject)
			}
			_, err := s.updateTicket(ctx, tx, actor, src.ID, TicketInput{Status: &closed, AdditionalTags: []string{TagClosedByMerge},
				Comment: &CommentInput{Body: body, Public: falseOr(in.SourceCommentIsPublic)}, Via: via})
			if err != nil {
				return fmt.Errorf("desk: merge: close source %d: %w", src.ID, err)
			}
			idx := i
			results = append(results, model.JobResult{ID: src.ID, Index: &idx, Action: "merge", Success: true, Status: "Merged"})
		}
		body := in.TargetComment
		if body == "" {
			body = mergedNote(sources)
		}
		_, err = s.updateTicket(ctx, tx, actor, target.ID, TicketInput{
			Comment: &CommentInput{Body: body, Public: falseOr(in.TargetCommentIsPublic)}, Via: via})
		if err != nil {
			return fmt.Errorf("desk: merge: note on target %d: %w", target.ID, err)
		}
		return nil
	})
	if err != nil {
		return model.JobStatus{}, err
	}
	return s.finishJob(ctx, actor, "merge", results)
}

// mergeSources checks the list of source ids: 1 to MaxMergeSources tickets,
// none of them the target; duplicates are dropped.
func mergeSources(target int64, ids []int64) ([]int64, error) {
	out := make([]int64, 0, len(ids))
	for _, id := range ids {
		switch {
		case id <= 0:
			return nil, model.Invalid("ids", "InvalidValue", "Ids: %d is not a ticket id", id)
		case id == target:
			return nil, model.Invalid("ids", "InvalidValue", "Ids: ticket %d can't be merged into itself", id)
		case !slices.Contains(out, id):
			out = append(out, id)
		}
	}
	if len(out) == 0 {
		return nil, model.Invalid("ids", "BlankValue", "Ids: name at least one ticket to merge into ticket %d", target)
	}
	if len(out) > MaxMergeSources {
		return nil, model.Invalid("ids", "InvalidValue", "Ids: at most %d tickets can be merged at once, not %d", MaxMergeSources, len(out))
	}
	return out, nil
}

// mergeable loads ticket id for a merge and refuses what can't take part: a
// ticket the agent can't see (404), a closed one, and any ticket the
// escalation owns or is moving (see MergeTickets).
func (s *Service) mergeable(ctx context.Context, tx *store.Tx, actor model.User, id int64, field string) (model.Ticket, error) {
	t, err := tx.TicketForUpdate(ctx, id)
	if err != nil {
		return t, err
	}
	if err := s.canSee(ctx, tx, actor, &t); err != nil {
		return t, err
	}
	if t.Status == model.StatusClosed {
		return t, model.Invalid(field, "InvalidValue", "Ticket %d is closed and can't be merged", id)
	}
	for _, tag := range peer.ReservedTags {
		if t.HasTag(tag) {
			return t, errMergeEscalation(field, id)
		}
	}
	for _, find := range []func(context.Context, int64) (model.EscalationLink, error){tx.Link, tx.LinkByOrigin} {
		if _, err := find(ctx, id); err == nil {
			return t, errMergeEscalation(field, id)
		} else if !isNotFound(err) {
			return t, err
		}
	}
	return t, nil
}

func errMergeEscalation(field string, id int64) error {
	return model.Invalid(field, "InvalidValue",
		"Ticket %d belongs to an escalation to the secure instance (a stub, or a ticket being or having been escalated) and can't be merged", id)
}

// mergedNote is Zendesk's default note on the target, without the sources'
// last comments: one may be an internal note, and the target's note can be public.
func mergedNote(sources []model.Ticket) string {
	if len(sources) == 1 {
		return fmt.Sprintf("Request #%d %q was closed and merged into this request.", sources[0].ID, sources[0].Subject)
	}
	note := "These requests were closed and merged into this request:"
	for _, t := range sources {
		note += fmt.Sprintf("\n#%d %q", t.ID, t.Subject)
	}
	return note
}

// falseOr returns p, or a pointer to false: merge notes are internal unless asked.
func falseOr(p *bool) *bool {
	if p != nil {
		return p
	}
	f := false
	return &f
}
