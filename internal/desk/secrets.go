package desk

import (
	"context"
	"maps"

	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/secretbox"
	"github.com/twindesk/twindesk/internal/store"
	"github.com/twindesk/twindesk/internal/webhook"
)

// WithSecrets seals the credentials of webhooks and targets (authentication
// values, signing secrets, target passwords) with box before they are stored.
// Without it, as in unit tests that build a Service alone, they are stored as given.
func WithSecrets(box *secretbox.Box) Option { return func(s *Service) { s.secrets = box } }

// The crypto sits here, where a write is decided, rather than in the store: the
// store keeps whatever text it is given, reads everywhere (API, UI, reports) get
// sealed values and so can't show a credential by mistake, and the one reader that
// needs the plaintext (the delivery worker building a request) opens it.

// seal returns v ready to store. A value equal to the stored one is kept when it
// is already sealed (any other value, even one that looks sealed, is new input).
func (s *Service) seal(label, v string, stored bool) string {
	if s.secrets == nil || (stored && secretbox.IsSealed(v)) {
		return v
	}
	return s.secrets.Seal(label, v)
}

// sealWebhook prepares w's credentials for storage; old is the stored webhook,
// nil on create. When the endpoint's origin (scheme, host, port) changes, the
// stored credentials were granted for the old origin: they are dropped unless the
// update supplies authentication of its own, and the signing secret is rotated.
// So an admin who points a webhook at their own listener gets no credential.
func (s *Service) sealWebhook(w *model.Webhook, old *model.Webhook) {
	same := old != nil && webhook.SameOrigin(old.Endpoint, w.Endpoint)
	if old != nil && !same {
		if w.AuthType == old.AuthType && maps.Equal(w.AuthData, old.AuthData) {
			if w.AuthType != "" {
				s.log.Info("webhook endpoint moved to another host: its stored credentials are dropped", "webhook_id", w.ID)
			}
			w.AuthType, w.AuthData = "", nil
		}
		w.SigningSecret = newSecret()
	}
	if old != nil && s.secrets != nil && secretbox.IsSealed(w.SigningSecret) && secretbox.SealedKeyID(w.SigningSecret) != s.secrets.KeyID() {
		// Sealed with a key this instance no longer has: no delivery can be signed
		// with it, so saving the webhook (an admin entering its credentials again)
		// issues a new one.
		w.SigningSecret = newSecret()
	}
	data := make(map[string]string, len(w.AuthData))
	for k, v := range w.AuthData {
		if secretbox.IsPublicAuthKey(k) {
			data[k] = v
			continue
		}
		data[k] = s.seal(secretbox.AuthLabel(k), v, same && old.AuthData[k] == v)
	}
	w.AuthData = data
	w.SigningSecret = s.seal(secretbox.SigningSecretLabel, w.SigningSecret, same && old.SigningSecret == w.SigningSecret)
}

// sealTarget is sealWebhook for a target: a move to another origin without a new
// password drops the stored password (and the user name, unless one was given).
func (s *Service) sealTarget(t *model.Target, old *model.Target) {
	same := old != nil && webhook.SameOrigin(old.TargetURL, t.TargetURL)
	if old != nil && !same && t.Password == old.Password && t.Password != "" {
		s.log.Info("target URL moved to another host: its stored credentials are dropped", "target_id", t.ID)
		t.Password = ""
		if t.Username == old.Username {
			t.Username = ""
		}
	}
	t.Password = s.seal(secretbox.TargetPasswordLabel, t.Password, same && old.Password == t.Password)
}

// WebhookSigningSecret returns a webhook's signing secret in clear, for an admin
// (Zendesk shows it so a receiver can check signatures). Authentication values
// have no such reader: they are never shown.
func (s *Service) WebhookSigningSecret(ctx context.Context, actor model.User, id string) (string, error) {
	if err := requireAdmin(actor); err != nil {
		return "", err
	}
	w, err := s.db.Read().Webhook(ctx, id)
	if err != nil {
		return "", err
	}
	if s.secrets == nil {
		return w.SigningSecret, nil
	}
	return s.secrets.Open(secretbox.SigningSecretLabel, w.SigningSecret)
}

// SealStoredCredentials seals the credentials of webhooks and targets stored in
// plaintext (rows written before sealing existed) and logs, as an error, the ones
// sealed with another key: their deliveries will fail until the right key is
// configured or the credentials are entered again (for the escalation recipe,
// `twindesk escalation setup`). It runs at start.
func (s *Service) SealStoredCredentials(ctx context.Context) error {
	if s.secrets == nil {
		return nil
	}
	var resealed, foreign int
	err := s.db.WriteTx(ctx, func(tx *store.Tx) error {
		resealed, foreign = 0, 0
		hooks, err := tx.ListWebhooks(ctx)
		if err != nil {
			return err
		}
		for i := range hooks {
			r, f := s.countCredentials(webhookSecrets(&hooks[i]))
			if foreign += f; r == 0 {
				continue
			}
			w, old := hooks[i], hooks[i]
			s.sealWebhook(&w, &old)
			if err := tx.SaveWebhook(ctx, &w, false); err != nil {
				return err
			}
			resealed += r
		}
		targets, err := tx.ListTargets(ctx)
		if err != nil {
			return err
		}
		for i := range targets {
			r, f := s.countCredentials([]string{targets[i].Password})
			if foreign += f; r == 0 {
				continue
			}
			t, old := targets[i], targets[i]
			s.sealTarget(&t, &old)
			if _, err := tx.SaveTarget(ctx, &t); err != nil {
				return err
			}
			resealed += r
		}
		return nil
	})
	if err != nil {
		return err
	}
	if resealed > 0 {
		s.log.Info("sealed credentials stored in plaintext by an earlier version", "count", resealed, "key_id", s.secrets.KeyID())
	}
	if foreign > 0 {
		s.log.Error("stored credentials were sealed with another secret key: deliveries using them will fail; configure that key (--secret-key-file or TWINDESK_SECRET_KEY) or enter the credentials again (twindesk escalation setup re-issues the recipe's)",
			"count", foreign, "key_id", s.secrets.KeyID())
	}
	return nil
}

// webhookSecrets lists the values of w that are stored sealed.
func webhookSecrets(w *model.Webhook) []string {
	out := []string{w.SigningSecret}
	for k, v := range w.AuthData {
		if !secretbox.IsPublicAuthKey(k) {
			out = append(out, v)
		}
	}
	return out
}

// countCredentials counts the plaintext values (to seal) and the values sealed
// with another key among vals.
func (s *Service) countCredentials(vals []string) (plain, foreign int) {
	for _, v := range vals {
		switch id := secretbox.SealedKeyID(v); {
		case v == "":
		case !secretbox.IsSealed(v):
			plain++
		case id != s.secrets.KeyID():
			foreign++
		}
	}
	return plain, foreign
}
