package web

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/twindesk/twindesk/internal/model"
)

// deliveryLogSize is how many recent deliveries a webhook's page lists.
const deliveryLogSize = 100

func (s *Server) webhooksPage(w http.ResponseWriter, r *http.Request, rq *request) error {
	hooks, err := s.desk.Webhooks(r.Context(), rq.user)
	if err != nil {
		return err
	}
	s.render(w, r, rq, http.StatusOK, "webhooks.html", "Webhooks", hooks)
	return nil
}

// webhookData is one webhook with its delivery log.
type webhookData struct {
	Hook       model.Webhook
	Deliveries []model.Delivery
	Error      string
}

func (s *Server) webhookPage(w http.ResponseWriter, r *http.Request, rq *request) error {
	return s.renderWebhook(w, r, rq, http.StatusOK, "")
}

func (s *Server) renderWebhook(w http.ResponseWriter, r *http.Request, rq *request, status int, msg string) error {
	hook, err := s.desk.Webhook(r.Context(), rq.user, r.PathValue("id"))
	if err != nil {
		return err
	}
	d := webhookData{Hook: hook, Error: msg}
	if d.Deliveries, err = s.desk.WebhookDeliveries(r.Context(), rq.user, hook.ID, deliveryLogSize); err != nil {
		return err
	}
	s.render(w, r, rq, status, "webhook.html", "Webhook "+hook.Name, d)
	return nil
}

// retryDelivery runs a waiting delivery of this webhook now, through
// desk.RetryDelivery.
func (s *Server) retryDelivery(w http.ResponseWriter, r *http.Request, rq *request) error {
	d, err := s.desk.WebhookDelivery(r.Context(), rq.user, r.PathValue("id"), r.PathValue("delivery"))
	if err != nil {
		return err
	}
	_, err = s.desk.RetryDelivery(r.Context(), rq.user, d.ID)
	var ve *model.ValidationError
	if errors.As(err, &ve) {
		return s.renderWebhook(w, r, rq, http.StatusUnprocessableEntity, validationMessages(ve)[0])
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/webhooks/"+url.PathEscape(d.EndpointRef)+"?flash=retried", http.StatusSeeOther)
	return nil
}
