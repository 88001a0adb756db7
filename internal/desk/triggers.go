package desk

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/oklog/ulid/v2"

	"github.com/twindesk/twindesk/internal/liquid"
	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/rules"
	"github.com/twindesk/twindesk/internal/store"
)

// DeliveryQueue enqueues a delivery's job inside the write transaction.
type DeliveryQueue interface {
	Enqueue(ctx context.Context, tx *store.Tx, d *model.Delivery) error
}

// WithQueue sets where trigger notifications are enqueued.
func WithQueue(q DeliveryQueue) Option { return func(s *Service) { s.queue = q } }

// WithBaseURL sets the instance's public URL, used by ticket.url and ticket.link.
func WithBaseURL(u string) Option { return func(s *Service) { s.baseURL = u } }

// ruleCache keeps the compiled active triggers and the field definitions,
// reloaded only when the rules version in the database moves (any node may have
// changed them; field and form changes move it too). Every ticket write reads
// both, so this saves two list queries on the single writer per write.
type ruleCache struct {
	mu      sync.Mutex
	version int64
	snap    *ruleSnapshot
}

// ruleSnapshot is one loaded version. It is shared by concurrent writes: read only.
type ruleSnapshot struct {
	set    *rules.Set
	fields []model.TicketField
	byID   map[int64]*model.TicketField
}

// firing is what the trigger loop did to one change.
type firing struct {
	Events        []model.AuditEvent
	Notifications []model.Notification
}

func (s *Service) rulesFor(ctx context.Context, tx *store.Tx) (*ruleSnapshot, error) {
	v, err := tx.RulesVersion(ctx)
	if err != nil {
		return nil, err
	}
	c := &s.rules
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.snap != nil && c.version == v {
		return c.snap, nil
	}
	trigs, err := tx.ListTriggers(ctx, true)
	if err != nil {
		return nil, err
	}
	fields, err := tx.ListFields(ctx)
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]*model.TicketField, len(fields))
	for i := range fields {
		byID[fields[i].ID] = &fields[i]
	}
	c.snap, c.version = &ruleSnapshot{set: rules.Compile(trigs), fields: fields, byID: byID}, v
	return c.snap, nil
}

// fire runs the snapshot's active triggers over ch, in place.
func (snap *ruleSnapshot) fire(ch *model.Change) firing {
	if snap.set.Len() == 0 {
		return firing{}
	}
	res := snap.set.Run(ch, rules.Env{Fields: snap.byID})
	return firing{Events: res.Events, Notifications: res.Notifications}
}

// notify renders the notifications fired by a change from the ticket's final state
// and records one delivery per notification. The notifications of one trigger form
// a chain: only the first step is enqueued now; each later step is enqueued by the
// worker once the step before it succeeded.
func (s *Service) notify(ctx context.Context, tx *store.Tx, snap *ruleSnapshot, ch *model.Change, f firing) error {
	if len(f.Notifications) == 0 {
		return nil
	}
	data := s.notificationData(ctx, tx, snap, ch.After)
	chainOf := map[int64]string{}
	stepOf := map[string]int{}
	for _, n := range f.Notifications {
		if n.Kind == model.NotifyUser {
			if err := s.mailNotification(ctx, tx, snap, ch, n); err != nil {
				return err
			}
			continue
		}
		chain, ok := chainOf[n.TriggerID]
		if !ok {
			chain = ulid.Make().String()
			chainOf[n.TriggerID] = chain
		}
		d, err := s.delivery(ctx, tx, n, data, ch.Actor)
		if err != nil {
			return err
		}
		if d == nil {
			continue // inactive or deleted endpoint
		}
		d.ChainID, d.Step = chain, stepOf[chain]
		stepOf[chain]++
		if err := s.enqueueDelivery(ctx, tx, d); err != nil {
			return err
		}
	}
	return nil
}

func (s *Service) enqueueDelivery(ctx context.Context, tx *store.Tx, d *model.Delivery) error {
	d.State = model.DeliveryWaiting
	if d.Step == 0 {
		d.State = model.DeliveryPending
		if s.queue == nil {
			return fmt.Errorf("desk: no delivery queue configured")
		}
		if err := s.queue.Enqueue(ctx, tx, d); err != nil {
			return err
		}
	}
	return tx.AddDelivery(ctx, d)
}

// delivery renders one notification into a delivery; nil when its endpoint is
// missing or inactive.
func (s *Service) delivery(ctx context.Context, tx *store.Tx, n model.Notification, load ticketDataLoader, actor model.User) (*model.Delivery, error) {
	now := s.clock()
	d := &model.Delivery{ID: ulid.Make().String(), TriggerID: n.TriggerID, Kind: n.Kind,
		EndpointRef: n.TargetID, CreatedAt: now, UpdatedAt: now}
	var urlTmpl string
	jsonBody := true
	if n.Kind == "target" {
		id, err := strconv.ParseInt(n.TargetID, 10, 64)
		if err != nil {
			return nil, nil
		}
		t, err := tx.Target(ctx, id)
		if isNotFound(err) || (err == nil && !t.Active) {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		urlTmpl, d.Method, jsonBody = t.TargetURL, t.Method, t.ContentType == "application/json"
	} else {
		w, err := tx.Webhook(ctx, n.TargetID)
		if isNotFound(err) || (err == nil && w.Status != "active") {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		urlTmpl, d.Method, jsonBody = w.Endpoint, w.HTTPMethod, w.RequestFormat == "json"
	}
	if !s.hostAllowed(urlTmpl) {
		s.log.Warn("confidential mode: notification to a host off the allowlist dropped", "trigger_id", n.TriggerID, "endpoint", n.TargetID)
		return nil, nil
	}
	data, err := load(mentionsComments(urlTmpl) || mentionsComments(n.Body))
	if err != nil {
		return nil, err
	}
	d.TicketID = data.Ticket.ID
	// URL mode: a ticket value can't add a parameter, a path segment or a host.
	if d.URL, err = s.render.RenderURL(urlTmpl, data, actor); err != nil {
		return nil, fmt.Errorf("desk: render endpoint of trigger %d: %w", n.TriggerID, err)
	}
	if d.Body, err = s.render.Render(n.Body, data, actor, jsonBody); err != nil {
		return nil, fmt.Errorf("desk: render body of trigger %d: %w", n.TriggerID, err)
	}
	return d, nil
}

// ticketData loads what Liquid placeholders can show about t.
func (s *Service) ticketData(ctx context.Context, tx *store.Tx, snap *ruleSnapshot, t *model.Ticket) (*liquid.TicketData, error) {
	return s.ticketDataWith(ctx, tx, snap, t, true)
}

func (s *Service) ticketDataWith(ctx context.Context, tx *store.Tx, snap *ruleSnapshot, t *model.Ticket, withComments bool) (*liquid.TicketData, error) {
	data, err := s.loadTicketData(ctx, tx, snap, t, withComments)
	if err != nil {
		return nil, err
	}
	s.stripText(data)
	return data, nil
}

// ticketDataLoader returns the ticket's data for templates, with its
// comments when asked.
type ticketDataLoader func(withComments bool) (*liquid.TicketData, error)

// notificationData loads t's data once for all of a change's notifications,
// and its comments (every one of them, for the *_formatted placeholders) only
// once a template names them: most webhook bodies and URLs don't, and a
// ticket's conversation can be thousands of comments.
func (s *Service) notificationData(ctx context.Context, tx *store.Tx, snap *ruleSnapshot, t *model.Ticket) ticketDataLoader {
	var light, full *liquid.TicketData
	return func(withComments bool) (*liquid.TicketData, error) {
		switch {
		case full != nil:
			return full, nil
		case light != nil && !withComments:
			return light, nil
		}
		d, err := s.ticketDataWith(ctx, tx, snap, t, withComments)
		if err != nil {
			return nil, err
		}
		if withComments {
			full = d
		} else {
			light = d
		}
		return d, nil
	}
}

// mentionsComments reports whether a template may show comments: any
// placeholder with "comment" in its name (ticket.comments, latest_comment,
// comments_formatted, ...).
func mentionsComments(tmpl string) bool { return strings.Contains(tmpl, "comment") }

// unstrippedTicketData is ticketData before confidential mode strips text: mail
// to the requester decides for itself (mail_notify.go).
func (s *Service) unstrippedTicketData(ctx context.Context, tx *store.Tx, snap *ruleSnapshot, t *model.Ticket) (*liquid.TicketData, error) {
	return s.loadTicketData(ctx, tx, snap, t, true)
}

func (s *Service) loadTicketData(ctx context.Context, tx *store.Tx, snap *ruleSnapshot, t *model.Ticket, withComments bool) (*liquid.TicketData, error) {
	var comments []model.Comment
	if withComments {
		var err error
		if comments, err = tx.Comments(ctx, t.ID, store.Page{Limit: 100000}); err != nil {
			return nil, err
		}
	}
	ids := []int64{t.RequesterID, t.SubmitterID}
	if t.AssigneeID != 0 {
		ids = append(ids, t.AssigneeID)
	}
	for _, c := range comments {
		ids = append(ids, c.AuthorID)
	}
	users, err := tx.UsersByIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	data := &liquid.TicketData{Ticket: *t, Comments: comments, Users: map[int64]model.User{}, BaseURL: s.baseURL}
	for _, u := range users {
		data.Users[u.ID] = u
	}
	if t.GroupID != 0 {
		g, err := tx.Group(ctx, t.GroupID)
		if err != nil && !isNotFound(err) {
			return nil, err
		}
		if err == nil {
			data.Group = &g
		}
	}
	data.Fields = snap.fields
	return data, nil
}
