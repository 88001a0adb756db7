package desk

import (
	"context"
	"fmt"

	"github.com/twindesk/twindesk/internal/model"
)

// Reads of the instance's configuration (triggers, fields, forms, webhooks,
// targets and their deliveries) for api and web, each checking the actor.

// Triggers lists the triggers in position order, active ones only if asked, for staff.
func (s *Service) Triggers(ctx context.Context, actor model.User, activeOnly bool) ([]model.Trigger, error) {
	if err := requireStaff(actor); err != nil {
		return nil, err
	}
	return s.db.Read().ListTriggers(ctx, activeOnly)
}

// Trigger loads one trigger, for staff.
func (s *Service) Trigger(ctx context.Context, actor model.User, id int64) (model.Trigger, error) {
	if err := requireStaff(actor); err != nil {
		return model.Trigger{}, err
	}
	return s.db.Read().Trigger(ctx, id)
}

// Fields lists the ticket fields, for staff.
func (s *Service) Fields(ctx context.Context, actor model.User) ([]model.TicketField, error) {
	if err := requireStaff(actor); err != nil {
		return nil, err
	}
	return s.db.Read().ListFields(ctx)
}

// Field loads one ticket field, for staff.
func (s *Service) Field(ctx context.Context, actor model.User, id int64) (model.TicketField, error) {
	if err := requireStaff(actor); err != nil {
		return model.TicketField{}, err
	}
	return s.db.Read().Field(ctx, id)
}

// Forms lists the ticket forms the actor may see: all for staff, the end-user
// visible ones for others.
func (s *Service) Forms(ctx context.Context, actor model.User) ([]model.TicketForm, error) {
	rows, err := s.db.Read().ListForms(ctx)
	if err != nil || actor.Role.IsStaff() {
		return rows, err
	}
	out := rows[:0]
	for _, f := range rows {
		if f.EndUserVisible {
			out = append(out, f)
		}
	}
	return out, nil
}

// Form loads one ticket form; a form hidden from end users is not found for them.
func (s *Service) Form(ctx context.Context, actor model.User, id int64) (model.TicketForm, error) {
	f, err := s.db.Read().Form(ctx, id)
	if err != nil {
		return f, err
	}
	if !f.EndUserVisible && !actor.Role.IsStaff() {
		return model.TicketForm{}, fmt.Errorf("desk: ticket form %d: %w", id, model.ErrNotFound)
	}
	return f, nil
}

// Webhooks lists the webhooks, for staff.
func (s *Service) Webhooks(ctx context.Context, actor model.User) ([]model.Webhook, error) {
	if err := requireStaff(actor); err != nil {
		return nil, err
	}
	return s.db.Read().ListWebhooks(ctx)
}

// Webhook loads one webhook, for staff.
func (s *Service) Webhook(ctx context.Context, actor model.User, id string) (model.Webhook, error) {
	if err := requireStaff(actor); err != nil {
		return model.Webhook{}, err
	}
	return s.db.Read().Webhook(ctx, id)
}

// WebhookDeliveries lists the newest limit deliveries of a webhook, for staff.
func (s *Service) WebhookDeliveries(ctx context.Context, actor model.User, id string, limit int) ([]model.Delivery, error) {
	if _, err := s.Webhook(ctx, actor, id); err != nil {
		return nil, err
	}
	return s.db.Read().Deliveries(ctx, id, limit)
}

// WebhookDelivery loads one delivery of a webhook, for staff; a delivery of
// another endpoint is not found.
func (s *Service) WebhookDelivery(ctx context.Context, actor model.User, webhookID, id string) (model.Delivery, error) {
	if err := requireStaff(actor); err != nil {
		return model.Delivery{}, err
	}
	d, err := s.db.Read().Delivery(ctx, id)
	if err != nil {
		return d, err
	}
	if d.Kind != "webhook" || d.EndpointRef != webhookID {
		return model.Delivery{}, fmt.Errorf("desk: delivery %s of webhook %s: %w", id, webhookID, model.ErrNotFound)
	}
	return d, nil
}

// Targets lists the targets, for staff.
func (s *Service) Targets(ctx context.Context, actor model.User) ([]model.Target, error) {
	if err := requireStaff(actor); err != nil {
		return nil, err
	}
	return s.db.Read().ListTargets(ctx)
}

// Target loads one target, for staff.
func (s *Service) Target(ctx context.Context, actor model.User, id int64) (model.Target, error) {
	if err := requireStaff(actor); err != nil {
		return model.Target{}, err
	}
	return s.db.Read().Target(ctx, id)
}
