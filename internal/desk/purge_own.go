package desk

import (
	"context"
	"crypto/hmac"
	"net/http"
	"net/url"
	"strings"

	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/secretbox"
	"github.com/twindesk/twindesk/internal/store"
	"github.com/twindesk/twindesk/internal/webhook"
)

// PurgeRequest is what a permanent delete's HTTP request says of its sender. The
// escalation recipe's last step is a webhook delivery of this instance that purges
// the ticket by calling this instance. The purge settles the ticket's deliveries
// in flight as not sent (store.PurgeDeliveries), its own included; the worker
// then records its own as delivered, but a process killed between the purge's
// commit and that record left it failed for good, although it did its job. So
// the purge records its own delivery as delivered, in its own transaction.
type PurgeRequest struct {
	// DeliveryKey is the Idempotency-Key header: a delivery sends its id there.
	DeliveryKey string
	// Timestamp and Signature are the X-Zendesk-Webhook-Signature-Timestamp
	// and X-Zendesk-Webhook-Signature headers.
	Timestamp, Signature string
	// Method, Host and Target (the request-target: path and query as sent) are the request's.
	Method, Host, Target string
}

// ownDelivery returns the id of the delivery making this purge of ticket id, or
// "" when it is not one. Anybody may send an Idempotency-Key, so the key alone
// proves nothing: the delivery must be one of this ticket's webhook deliveries,
// in flight, whose request is exactly this one (method, host, path and query),
// and the request must carry the signature only its webhook's signing secret
// makes. Marking it delivered then says what happened: what it asked for is done.
func (s *Service) ownDelivery(ctx context.Context, q *store.Queries, id int64, r PurgeRequest) (string, error) {
	if r.DeliveryKey == "" || r.Signature == "" || r.Method != http.MethodDelete {
		return "", nil
	}
	d, err := q.Delivery(ctx, r.DeliveryKey)
	if isNotFound(err) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	inFlight := d.State == model.DeliveryPending || d.State == model.DeliveryRetrying
	if d.Kind != "webhook" || d.TicketID != id || !inFlight || !strings.EqualFold(d.Method, r.Method) || !sameTarget(d.URL, r) {
		return "", nil
	}
	w, err := q.Webhook(ctx, d.EndpointRef)
	if isNotFound(err) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	secret := w.SigningSecret
	if s.secrets != nil {
		if secret, err = s.secrets.Open(secretbox.SigningSecretLabel, secret); err != nil {
			s.log.WarnContext(ctx, "purge: the signing secret of the delivery's webhook can't be opened; the delivery is settled as not sent",
				"delivery_id", d.ID, "webhook_id", w.ID, "err", err)
			return "", nil
		}
	}
	// A DELETE is sent without a body, so its signature covers the timestamp alone.
	if !hmac.Equal([]byte(webhook.Sign(secret, r.Timestamp, "")), []byte(r.Signature)) {
		return "", nil
	}
	return d.ID, nil
}

// sameTarget reports whether the delivery's rendered URL names the request's
// host, path and query.
func sameTarget(rawURL string, r PurgeRequest) bool {
	u, err := url.Parse(rawURL)
	return err == nil && u.Host != "" && strings.EqualFold(u.Host, r.Host) && u.RequestURI() == r.Target
}
