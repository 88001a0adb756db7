package api

import (
	"fmt"
	"net/http"

	"github.com/twindesk/twindesk/internal/model"
)

type webhookAuthJSON struct {
	Type        string            `json:"type"`
	Data        map[string]string `json:"data,omitempty"`
	AddPosition string            `json:"add_position"`
}

type webhookJSON struct {
	ID             string            `json:"id"`
	Name           string            `json:"name"`
	Description    string            `json:"description"`
	Status         string            `json:"status"`
	Subscriptions  []string          `json:"subscriptions"`
	Endpoint       string            `json:"endpoint"`
	HTTPMethod     string            `json:"http_method"`
	RequestFormat  string            `json:"request_format"`
	Authentication *webhookAuthJSON  `json:"authentication,omitempty"`
	CustomHeaders  map[string]string `json:"custom_headers"`
	CreatedAt      string            `json:"created_at"`
	UpdatedAt      string            `json:"updated_at"`
}

// webhookOut renders a webhook. Credentials are write-only, as in Zendesk: only
// the non-secret parts (user name, API key header name) are shown.
func webhookOut(w *model.Webhook) webhookJSON {
	out := webhookJSON{ID: w.ID, Name: w.Name, Description: w.Description, Status: w.Status,
		Subscriptions: []string{"conditional_ticket_events"}, Endpoint: w.Endpoint, HTTPMethod: w.HTTPMethod,
		RequestFormat: w.RequestFormat, CustomHeaders: w.CustomHeaders, CreatedAt: zt(w.CreatedAt), UpdatedAt: zt(w.UpdatedAt)}
	if w.AuthType != "" {
		data := map[string]string{}
		if u := w.AuthData["username"]; u != "" {
			data["username"] = u
		}
		if n := w.AuthData["name"]; n != "" {
			data["name"] = n
		}
		out.Authentication = &webhookAuthJSON{Type: w.AuthType, Data: data, AddPosition: "header"}
	}
	if out.CustomHeaders == nil {
		out.CustomHeaders = map[string]string{}
	}
	return out
}

type webhookIn struct {
	Name           *string           `json:"name"`
	Description    *string           `json:"description"`
	Status         *string           `json:"status"`
	Endpoint       *string           `json:"endpoint"`
	HTTPMethod     *string           `json:"http_method"`
	RequestFormat  *string           `json:"request_format"`
	Authentication *webhookAuthJSON  `json:"authentication"`
	CustomHeaders  map[string]string `json:"custom_headers"`
}

func (in *webhookIn) apply(w *model.Webhook) {
	set := func(dst *string, src *string) {
		if src != nil {
			*dst = *src
		}
	}
	set(&w.Name, in.Name)
	set(&w.Description, in.Description)
	set(&w.Status, in.Status)
	set(&w.Endpoint, in.Endpoint)
	set(&w.HTTPMethod, in.HTTPMethod)
	set(&w.RequestFormat, in.RequestFormat)
	if in.Authentication != nil {
		w.AuthType, w.AuthData = in.Authentication.Type, in.Authentication.Data
	}
	if in.CustomHeaders != nil {
		w.CustomHeaders = in.CustomHeaders
	}
}

func decodeWebhook(r *http.Request) (*webhookIn, error) {
	return decodeEnvelope[webhookIn](r, "webhook")
}

func (s *Server) createWebhook(w http.ResponseWriter, r *http.Request) error {
	in, err := decodeWebhook(r)
	if err != nil {
		return err
	}
	var wh model.Webhook
	in.apply(&wh)
	if wh, err = s.desk.SaveWebhook(r.Context(), currentUser(r.Context()), wh); err != nil {
		return err
	}
	w.Header().Set("Location", fmt.Sprintf("%s/api/v2/webhooks/%s", s.cfg.BaseURL, wh.ID))
	writeJSON(w, http.StatusCreated, map[string]any{"webhook": webhookOut(&wh)})
	return nil
}

func (s *Server) updateWebhook(w http.ResponseWriter, r *http.Request) error {
	in, err := decodeWebhook(r)
	if err != nil {
		return err
	}
	if _, err := s.desk.UpdateWebhook(r.Context(), currentUser(r.Context()), r.PathValue("id"), in.apply); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) showWebhook(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireStaffAPI(r); err != nil {
		return err
	}
	wh, err := s.desk.Webhook(r.Context(), currentUser(r.Context()), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"webhook": webhookOut(&wh)})
	return nil
}

func (s *Server) listWebhooks(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireStaffAPI(r); err != nil {
		return err
	}
	rows, err := s.desk.Webhooks(r.Context(), currentUser(r.Context()))
	if err != nil {
		return err
	}
	out := make([]webhookJSON, len(rows))
	for i := range rows {
		out[i] = webhookOut(&rows[i])
	}
	writeJSON(w, http.StatusOK, map[string]any{"webhooks": out, "meta": map[string]any{"has_more": false, "after_cursor": nil, "before_cursor": nil}, "links": map[string]any{"next": nil, "prev": nil}})
	return nil
}

func (s *Server) deleteWebhook(w http.ResponseWriter, r *http.Request) error {
	if err := s.desk.DeleteWebhook(r.Context(), currentUser(r.Context()), r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// webhookSecret shows (GET) or resets (POST) the signing secret. Admins only: a
// receiver checks signatures with it, as with Zendesk's. It is the one stored
// secret shown; authentication values never are.
func (s *Server) webhookSecret(w http.ResponseWriter, r *http.Request) error {
	actor := currentUser(r.Context())
	if actor.Role != model.RoleAdmin {
		return errForbidden
	}
	var secret string
	if r.Method == http.MethodPost {
		wh, err := s.desk.ResetWebhookSecret(r.Context(), actor, r.PathValue("id"))
		if err != nil {
			return err
		}
		secret = wh.SigningSecret
	} else {
		var err error
		if secret, err = s.desk.WebhookSigningSecret(r.Context(), actor, r.PathValue("id")); err != nil {
			return err
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"signing_secret": map[string]string{"algorithm": "sha256", "secret": secret}})
	return nil
}

// invocations is the delivery log of a webhook, newest first.
func (s *Server) invocations(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireStaffAPI(r); err != nil {
		return err
	}
	id := r.PathValue("id")
	rows, err := s.desk.WebhookDeliveries(r.Context(), currentUser(r.Context()), id, 100)
	if err != nil {
		return err
	}
	out := make([]map[string]any, len(rows))
	for i, d := range rows {
		out[i] = map[string]any{"id": d.ID, "created_at": zt(d.CreatedAt), "updated_at": zt(d.UpdatedAt),
			"latest_completion_status": d.State, "status_code": d.StatusCode, "attempts": d.Attempts,
			"latency_ms": d.LatencyMS, "error": nilIfEmpty(d.LastError), "ticket_id": d.TicketID,
			"trigger_id": d.TriggerID, "chain_id": d.ChainID, "step": d.Step}
	}
	writeJSON(w, http.StatusOK, map[string]any{"invocations": out, "meta": map[string]any{"has_more": false}})
	return nil
}
