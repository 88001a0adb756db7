package desk

import (
	"context"
	"fmt"

	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/store"
)

// Default notification triggers, as a new Zendesk account has them. Their
// bodies use Zendesk's placeholders; mail never carries private comments
// whatever a body names (mail_notify.go).
const (
	TriggerNotifyNewTicket = "Notify requester of new ticket"
	TriggerNotifyComment   = "Notify requester of comment update"
	mailSetupTriggers      = "default_triggers"
)

// DefaultMailTriggers are the triggers InstallMailTriggers creates.
func DefaultMailTriggers() []model.Trigger {
	return []model.Trigger{{
		Title:       TriggerNotifyNewTicket,
		Description: "Tells the requester their request was received.",
		Active:      true,
		Conditions: model.Conditions{All: []model.Condition{
			{Field: "update_type", Operator: "is", Value: "Create"},
			{Field: "status", Operator: "is_not", Value: "solved"},
		}},
		Actions: []model.Action{{Field: "notification_user", Value: []string{"requester_and_ccs",
			"[Request received] {{ticket.title}}",
			"Your request ({{ticket.id}}) has been received and is being reviewed by our support staff.\n\n" +
				"To add additional comments, reply to this email.\n\n{{ticket.comments_formatted}}"}}},
	}, {
		Title:       TriggerNotifyComment,
		Description: "Sends the requester each public comment made by someone else.",
		Active:      true,
		Conditions: model.Conditions{All: []model.Condition{
			{Field: "update_type", Operator: "is", Value: "Change"},
			{Field: "comment_is_public", Operator: "is", Value: "true"},
			{Field: "role", Operator: "is_not", Value: "end_user"},
		}},
		Actions: []model.Action{{Field: "notification_user", Value: []string{"requester_and_ccs",
			"[#{{ticket.id}}] Re: {{ticket.title}}",
			"Your request ({{ticket.id}}) has been updated. To add additional comments, reply to this email.\n\n" +
				"{{ticket.latest_public_comment_formatted}}"}}},
	}}
}

// InstallMailTriggers creates the default notification triggers once per
// instance, the first time it starts with outgoing mail; an admin who deletes
// or edits them later keeps that choice. It reports how many it created.
func (s *Service) InstallMailTriggers(ctx context.Context) (int, error) {
	created := 0
	err := s.db.WriteTx(ctx, func(tx *store.Tx) error {
		created = 0
		done, err := tx.MailSetupDone(ctx, mailSetupTriggers)
		if err != nil || done {
			return err
		}
		existing, err := tx.ListTriggers(ctx, false)
		if err != nil {
			return err
		}
		now := s.clock()
		for i, t := range DefaultMailTriggers() {
			t.Position = int64(len(existing) + i + 1)
			t.CreatedAt, t.UpdatedAt = now, now
			if _, err := tx.SaveTrigger(ctx, &t); err != nil {
				return err
			}
			created++
		}
		return tx.MarkMailSetup(ctx, mailSetupTriggers, now.Unix())
	})
	return created, err
}

// checkMailActions dry-runs the subject and body of notification_user actions,
// so a broken template is refused when saved rather than at send time.
func (s *Service) checkMailActions(t *model.Trigger, v *model.ValidationError) {
	for i, a := range t.Actions {
		if a.Field != "notification_user" || len(a.Value) != 3 {
			continue
		}
		for j, what := range []string{"subject", "body"} {
			if err := s.render.Check(a.Value[1+j]); err != nil {
				field := fmt.Sprintf("actions[%d]", i)
				v.Add(field, "InvalidValue", "%s (notification_user) %s: %v", field, what, err)
			}
		}
	}
}

// maxMailList bounds one page of the outgoing-mail log.
const maxMailList = 100

// OutgoingMail lists a page of the outgoing-mail log, newest first: up to size
// rows (1-100) older than beforeID, and the cursor of the next page ("" on the
// last). Admins only: recipients and subjects are ticket data.
func (s *Service) OutgoingMail(ctx context.Context, actor model.User, beforeID string, size int) ([]model.OutgoingMail, string, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, "", err
	}
	if size <= 0 || size > maxMailList {
		size = maxMailList
	}
	rows, err := s.db.Read().ListMail(ctx, beforeID, size+1)
	if err != nil || len(rows) <= size {
		return rows, "", err
	}
	return rows[:size], rows[size-1].ID, nil
}

// MailEnabled reports whether the instance sends mail.
func (s *Service) MailEnabled() bool { return s.mailOut != nil }

// TicketMail lists the mail sent (or withheld) about one ticket, oldest first,
// for its page: staff who may see the ticket.
func (s *Service) TicketMail(ctx context.Context, actor model.User, ticketID int64) ([]model.OutgoingMail, error) {
	if err := requireStaff(actor); err != nil {
		return nil, err
	}
	if _, err := s.Ticket(ctx, actor, ticketID); err != nil {
		return nil, err
	}
	return s.db.Read().TicketMail(ctx, ticketID)
}
