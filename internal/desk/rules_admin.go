package desk

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/oklog/ulid/v2"

	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/rules"
	"github.com/twindesk/twindesk/internal/secretbox"
	"github.com/twindesk/twindesk/internal/store"
)

// SaveTrigger validates and stores a trigger (ID 0 creates). Besides the rule
// itself, every notification is dry-run: its endpoint must exist and its body must
// render, with a sample ticket, to valid JSON when the endpoint takes JSON, so a
// broken body is refused now rather than failing at 3 a.m.
func (s *Service) SaveTrigger(ctx context.Context, actor model.User, t model.Trigger) (model.Trigger, error) {
	if err := requireAdmin(actor); err != nil {
		return t, err
	}
	err := s.db.WriteTx(ctx, func(tx *store.Tx) error { return s.saveTrigger(ctx, tx, &t) })
	return t, err
}

// UpdateTrigger applies edit to the stored trigger and saves it as SaveTrigger
// does, in one transaction holding the trigger's row, so two admins' partial
// updates each start from the other's result.
func (s *Service) UpdateTrigger(ctx context.Context, actor model.User, id int64, edit func(*model.Trigger) error) (model.Trigger, error) {
	var t model.Trigger
	if err := requireAdmin(actor); err != nil {
		return t, err
	}
	err := s.db.WriteTx(ctx, func(tx *store.Tx) error {
		if err := tx.LockRow(ctx, "triggers", id); err != nil {
			return err
		}
		var err error
		if t, err = tx.Trigger(ctx, id); err != nil {
			return err
		}
		if err := edit(&t); err != nil {
			return err
		}
		t.ID = id
		return s.saveTrigger(ctx, tx, &t)
	})
	return t, err
}

func (s *Service) saveTrigger(ctx context.Context, tx *store.Tx, t *model.Trigger) error {
	if err := rules.Validate(t); err != nil {
		return err
	}
	if err := s.checkNotifications(ctx, tx, t); err != nil {
		return err
	}
	now := s.clock()
	if t.ID != 0 {
		old, err := tx.Trigger(ctx, t.ID)
		if err != nil {
			return err
		}
		t.CreatedAt = old.CreatedAt
	} else {
		t.CreatedAt = now
		if t.Position == 0 {
			all, err := tx.ListTriggers(ctx, false)
			if err != nil {
				return err
			}
			t.Position = int64(len(all)) + 1
		}
	}
	t.UpdatedAt = now
	var err error
	t.ID, err = tx.SaveTrigger(ctx, t)
	return err
}

func (s *Service) checkNotifications(ctx context.Context, tx *store.Tx, t *model.Trigger) error {
	v := &model.ValidationError{}
	for i, a := range t.Actions {
		if a.Field != "notification_webhook" && a.Field != "notification_target" || len(a.Value) != 2 {
			continue
		}
		field := fmt.Sprintf("actions[%d]", i)
		jsonBody, err := s.endpointTakesJSON(ctx, tx, a.Field, a.Value[0])
		if isNotFound(err) {
			v.Add(field, "InvalidValue", "%s: %s %s does not exist", field, strings.TrimPrefix(a.Field, "notification_"), a.Value[0])
			continue
		}
		if err != nil {
			return err
		}
		check := s.render.Check
		if jsonBody {
			check = s.render.CheckJSONBody
		}
		if err := check(a.Value[1]); err != nil {
			v.Add(field, "InvalidValue", "%s (%s) body: %v", field, a.Field, err)
		}
		if msg := s.checkConfidentialBody(a.Value[1]); msg != "" {
			v.Add(field, "InvalidValue", "%s (%s) body: %s", field, a.Field, msg)
		}
	}
	s.checkMailActions(t, v)
	return v.OrNil()
}

func (s *Service) endpointTakesJSON(ctx context.Context, tx *store.Tx, kind, ref string) (bool, error) {
	if kind == "notification_target" {
		id, err := strconv.ParseInt(ref, 10, 64)
		if err != nil {
			return false, model.ErrNotFound
		}
		t, err := tx.Target(ctx, id)
		return t.ContentType == "application/json" && sendsBody(t.Method), err
	}
	w, err := tx.Webhook(ctx, ref)
	return w.RequestFormat == "json" && sendsBody(w.HTTPMethod), err
}

// sendsBody reports whether requests with method carry a body; GET and DELETE
// deliveries send none, as Zendesk's, so their "body" isn't checked as JSON.
func sendsBody(method string) bool {
	m := strings.ToUpper(method)
	return m != "GET" && m != "DELETE"
}

// DeleteTrigger removes a trigger.
func (s *Service) DeleteTrigger(ctx context.Context, actor model.User, id int64) error {
	if err := requireAdmin(actor); err != nil {
		return err
	}
	return s.db.WriteTx(ctx, func(tx *store.Tx) error { return tx.DeleteTrigger(ctx, id) })
}

// ReorderTriggers sets positions 1..n in the order of ids.
func (s *Service) ReorderTriggers(ctx context.Context, actor model.User, ids []int64) error {
	if err := requireAdmin(actor); err != nil {
		return err
	}
	return s.db.WriteTx(ctx, func(tx *store.Tx) error {
		for i, id := range ids {
			if err := tx.SetTriggerPosition(ctx, id, int64(i+1)); err != nil {
				return err
			}
		}
		return nil
	})
}

var webhookMethods = []string{"GET", "POST", "PUT", "PATCH", "DELETE"}

// SaveWebhook validates and stores a new webhook with a ULID and a signing
// secret.
func (s *Service) SaveWebhook(ctx context.Context, actor model.User, w model.Webhook) (model.Webhook, error) {
	if err := requireAdmin(actor); err != nil {
		return w, err
	}
	if err := s.validateWebhook(&w); err != nil {
		return w, err
	}
	err := s.db.WriteTx(ctx, func(tx *store.Tx) error {
		now := s.clock()
		w.ID, w.CreatedAt, w.SigningSecret = ulid.Make().String(), now, newSecret()
		s.sealWebhook(&w, nil)
		w.UpdatedAt = now
		return tx.SaveWebhook(ctx, &w, true)
	})
	return w, err
}

// UpdateWebhook applies edit to the stored webhook, validates and saves it, in
// one transaction holding its row (see UpdateTrigger). Its id, creation time and
// signing secret stay; credentials follow sealWebhook's rules.
func (s *Service) UpdateWebhook(ctx context.Context, actor model.User, id string, edit func(*model.Webhook)) (model.Webhook, error) {
	var w model.Webhook
	if err := requireAdmin(actor); err != nil {
		return w, err
	}
	err := s.db.WriteTx(ctx, func(tx *store.Tx) error {
		if err := tx.LockRow(ctx, "webhooks", id); err != nil {
			return err
		}
		old, err := tx.Webhook(ctx, id)
		if err != nil {
			return err
		}
		w = old
		edit(&w)
		if err := s.validateWebhook(&w); err != nil {
			return err
		}
		w.ID, w.CreatedAt, w.SigningSecret = old.ID, old.CreatedAt, old.SigningSecret
		s.sealWebhook(&w, &old)
		w.UpdatedAt = s.clock()
		return tx.SaveWebhook(ctx, &w, false)
	})
	return w, err
}

func (s *Service) validateWebhook(w *model.Webhook) error {
	v := &model.ValidationError{}
	w.HTTPMethod = strings.ToUpper(w.HTTPMethod)
	if w.Name == "" {
		v.Add("name", "BlankValue", "Name: cannot be blank")
	}
	if !slices.Contains(webhookMethods, w.HTTPMethod) {
		v.Add("http_method", "InvalidValue", "HTTP method: must be one of GET, POST, PUT, PATCH, DELETE")
	}
	if w.RequestFormat == "" {
		w.RequestFormat = "json"
	}
	if w.RequestFormat != "json" {
		v.Add("request_format", "InvalidValue", "Request format: only json is supported")
	}
	if w.Status == "" {
		w.Status = "active"
	}
	if w.Status != "active" && w.Status != "inactive" {
		v.Add("status", "InvalidValue", "Status: must be active or inactive")
	}
	if err := s.render.Check(w.Endpoint); err != nil {
		v.Add("endpoint", "InvalidValue", "Endpoint: %v", err)
	} else if u, err := url.Parse(strings.SplitN(w.Endpoint, "{{", 2)[0]); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		v.Add("endpoint", "InvalidValue", "Endpoint: must be an http or https URL")
	}
	if userInURL(w.Endpoint) {
		v.Add("endpoint", "InvalidValue", "Endpoint: credentials go in authentication, not in the URL, where they would be stored and shown")
	}
	if !s.hostAllowed(w.Endpoint) {
		v.Errors = append(v.Errors, s.hostError("endpoint", w.Endpoint).Errors...)
	}
	switch w.AuthType {
	case "", "basic_auth", "bearer_token", "api_key":
	default:
		v.Add("authentication", "InvalidValue", "Authentication: type must be basic_auth, bearer_token or api_key")
	}
	return v.OrNil()
}

// ResetWebhookSecret issues a new signing secret. The webhook returned carries it
// in clear, for the admin who asked; it is stored sealed.
func (s *Service) ResetWebhookSecret(ctx context.Context, actor model.User, id string) (model.Webhook, error) {
	var w model.Webhook
	if err := requireAdmin(actor); err != nil {
		return w, err
	}
	err := s.db.WriteTx(ctx, func(tx *store.Tx) error {
		var err error
		if w, err = tx.Webhook(ctx, id); err != nil {
			return err
		}
		plain := newSecret()
		w.SigningSecret, w.UpdatedAt = s.seal(secretbox.SigningSecretLabel, plain, false), s.clock()
		if err := tx.SaveWebhook(ctx, &w, false); err != nil {
			return err
		}
		w.SigningSecret = plain
		return nil
	})
	return w, err
}

// DeleteWebhook removes a webhook.
func (s *Service) DeleteWebhook(ctx context.Context, actor model.User, id string) error {
	if err := requireAdmin(actor); err != nil {
		return err
	}
	return s.db.WriteTx(ctx, func(tx *store.Tx) error { return tx.DeleteWebhook(ctx, id) })
}

// SaveTarget validates and stores a new HTTP target.
func (s *Service) SaveTarget(ctx context.Context, actor model.User, t model.Target) (model.Target, error) {
	if err := requireAdmin(actor); err != nil {
		return t, err
	}
	if err := s.validateTarget(&t); err != nil {
		return t, err
	}
	err := s.db.WriteTx(ctx, func(tx *store.Tx) error {
		t.ID, t.CreatedAt = 0, s.clock()
		s.sealTarget(&t, nil)
		var err error
		t.ID, err = tx.SaveTarget(ctx, &t)
		return err
	})
	return t, err
}

// UpdateTarget applies edit to the stored target, validates and saves it, in
// one transaction holding its row (see UpdateTrigger).
func (s *Service) UpdateTarget(ctx context.Context, actor model.User, id int64, edit func(*model.Target)) (model.Target, error) {
	var t model.Target
	if err := requireAdmin(actor); err != nil {
		return t, err
	}
	err := s.db.WriteTx(ctx, func(tx *store.Tx) error {
		if err := tx.LockRow(ctx, "targets", id); err != nil {
			return err
		}
		old, err := tx.Target(ctx, id)
		if err != nil {
			return err
		}
		t = old
		edit(&t)
		if err := s.validateTarget(&t); err != nil {
			return err
		}
		t.ID, t.CreatedAt = old.ID, old.CreatedAt
		s.sealTarget(&t, &old)
		_, err = tx.SaveTarget(ctx, &t)
		return err
	})
	return t, err
}

func (s *Service) validateTarget(t *model.Target) error {
	v := &model.ValidationError{}
	t.Method = strings.ToLower(t.Method)
	if t.Title == "" {
		v.Add("title", "BlankValue", "Title: cannot be blank")
	}
	if t.Type == "" {
		t.Type = "http_target"
	}
	if t.Type != "http_target" {
		v.Add("type", "InvalidValue", "Type: only http_target is supported")
	}
	if !slices.Contains(webhookMethods, strings.ToUpper(t.Method)) {
		v.Add("method", "InvalidValue", "Method: must be get, post, put, patch or delete")
	}
	if err := s.render.Check(t.TargetURL); err != nil {
		v.Add("target_url", "InvalidValue", "Target URL: %v", err)
	}
	if !s.hostAllowed(t.TargetURL) {
		v.Errors = append(v.Errors, s.hostError("target_url", t.TargetURL).Errors...)
	}
	if userInURL(t.TargetURL) {
		v.Add("target_url", "InvalidValue", "Target URL: credentials go in username and password, not in the URL, where they would be stored and shown")
	}
	return v.OrNil()
}

// DeleteTarget removes a target.
func (s *Service) DeleteTarget(ctx context.Context, actor model.User, id int64) error {
	if err := requireAdmin(actor); err != nil {
		return err
	}
	return s.db.WriteTx(ctx, func(tx *store.Tx) error { return tx.DeleteTarget(ctx, id) })
}

// userInURL reports whether a URL template names a user (and maybe a password)
// before its host, in the part before any placeholder.
func userInURL(raw string) bool {
	prefix, _, _ := strings.Cut(raw, "{")
	u, err := url.Parse(prefix)
	return err == nil && u.User != nil
}

func newSecret() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand never fails on supported platforms
	return base64.RawURLEncoding.EncodeToString(b)
}
