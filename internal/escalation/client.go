package escalation

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// Client is a minimal Zendesk API v2 client: just the calls the recipe makes, so
// the same code provisions twindesk and real Zendesk accounts.
type Client struct {
	base  string // e.g. http://127.0.0.1:8080 (no /api/v2)
	email string
	token string
	http  *http.Client
}

// NewClient returns a client authenticating with an API token.
func NewClient(base, email, token string) *Client {
	return &Client{base: strings.TrimRight(base, "/"), email: email, token: token, http: &http.Client{Timeout: 30 * time.Second}}
}

// APIError is a non-2xx answer.
type APIError struct {
	Method, Path string
	Status       int
	Body         string
}

func (e *APIError) Error() string {
	return fmt.Sprintf("%s %s: %d %s", e.Method, e.Path, e.Status, strings.TrimSpace(e.Body))
}

// do sends in (when not nil) as JSON and decodes the answer into out (when not nil).
func (c *Client) do(ctx context.Context, method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return fmt.Errorf("escalation: encode %s: %w", path, err)
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+"/api/v2"+path, body)
	if err != nil {
		return fmt.Errorf("escalation: %w", err)
	}
	req.SetBasicAuth(c.email+"/token", c.token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		return fmt.Errorf("escalation: %s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 32<<20))
	if err != nil {
		return fmt.Errorf("escalation: read %s: %w", path, err)
	}
	if resp.StatusCode/100 != 2 {
		return &APIError{Method: method, Path: path, Status: resp.StatusCode, Body: string(raw)}
	}
	if out == nil || len(raw) == 0 {
		return nil
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return fmt.Errorf("escalation: decode %s: %w", path, err)
	}
	return nil
}

// Ref is the subset of any resource the recipe compares: id and name/title.
type Ref struct {
	ID    json.Number `json:"id"`
	Name  string      `json:"name"`
	Title string      `json:"title"`
}

type group struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

type fieldOption struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

type ticketField struct {
	ID      int64         `json:"id,omitempty"`
	Type    string        `json:"type"`
	Title   string        `json:"title"`
	Options []fieldOption `json:"custom_field_options,omitempty"`
}

type ticketForm struct {
	ID             int64   `json:"id,omitempty"`
	Name           string  `json:"name"`
	DisplayName    string  `json:"display_name,omitempty"`
	Active         bool    `json:"active"`
	EndUserVisible bool    `json:"end_user_visible"`
	TicketFieldIDs []int64 `json:"ticket_field_ids"`
}

type webhookAuth struct {
	Type        string            `json:"type"`
	Data        map[string]string `json:"data"`
	AddPosition string            `json:"add_position"`
}

type webhook struct {
	ID             string       `json:"id,omitempty"`
	Name           string       `json:"name"`
	Endpoint       string       `json:"endpoint"`
	HTTPMethod     string       `json:"http_method"`
	RequestFormat  string       `json:"request_format"`
	Status         string       `json:"status"`
	Subscriptions  []string     `json:"subscriptions"`
	Authentication *webhookAuth `json:"authentication,omitempty"`
}

type condition struct {
	Field    string `json:"field"`
	Operator string `json:"operator"`
	Value    string `json:"value"`
}

type action struct {
	Field string `json:"field"`
	Value any    `json:"value"`
}

type trigger struct {
	ID         int64  `json:"id,omitempty"`
	Title      string `json:"title"`
	Active     bool   `json:"active"`
	Conditions struct {
		All []condition `json:"all"`
		Any []condition `json:"any"`
	} `json:"conditions"`
	Actions []action `json:"actions"`
}

func (c *Client) me(ctx context.Context) (string, error) {
	var out struct {
		User struct {
			Role string `json:"role"`
		} `json:"user"`
	}
	err := c.do(ctx, http.MethodGet, "/users/me.json", nil, &out)
	return out.User.Role, err
}

func (c *Client) groups(ctx context.Context) ([]group, error) {
	var out struct {
		Groups []group `json:"groups"`
	}
	err := c.do(ctx, http.MethodGet, "/groups.json?per_page=100", nil, &out)
	return out.Groups, err
}

func (c *Client) createGroup(ctx context.Context, name string) (group, error) {
	var out struct {
		Group group `json:"group"`
	}
	err := c.do(ctx, http.MethodPost, "/groups.json", map[string]any{"group": map[string]string{"name": name}}, &out)
	return out.Group, err
}

func (c *Client) fields(ctx context.Context) ([]ticketField, error) {
	var out struct {
		Fields []ticketField `json:"ticket_fields"`
	}
	err := c.do(ctx, http.MethodGet, "/ticket_fields.json", nil, &out)
	return out.Fields, err
}

func (c *Client) saveField(ctx context.Context, f ticketField) (ticketField, error) {
	var out struct {
		Field ticketField `json:"ticket_field"`
	}
	if f.ID == 0 {
		err := c.do(ctx, http.MethodPost, "/ticket_fields.json", map[string]any{"ticket_field": f}, &out)
		return out.Field, err
	}
	err := c.do(ctx, http.MethodPut, fmt.Sprintf("/ticket_fields/%d.json", f.ID), map[string]any{"ticket_field": f}, &out)
	return out.Field, err
}

func (c *Client) forms(ctx context.Context) ([]ticketForm, error) {
	var out struct {
		Forms []ticketForm `json:"ticket_forms"`
	}
	err := c.do(ctx, http.MethodGet, "/ticket_forms.json", nil, &out)
	return out.Forms, err
}

func (c *Client) saveForm(ctx context.Context, f ticketForm) (ticketForm, error) {
	var out struct {
		Form ticketForm `json:"ticket_form"`
	}
	if f.ID == 0 {
		err := c.do(ctx, http.MethodPost, "/ticket_forms.json", map[string]any{"ticket_form": f}, &out)
		return out.Form, err
	}
	err := c.do(ctx, http.MethodPut, fmt.Sprintf("/ticket_forms/%d.json", f.ID), map[string]any{"ticket_form": f}, &out)
	return out.Form, err
}

func (c *Client) webhooks(ctx context.Context) ([]webhook, error) {
	var out struct {
		Webhooks []webhook `json:"webhooks"`
	}
	err := c.do(ctx, http.MethodGet, "/webhooks", nil, &out)
	return out.Webhooks, err
}

func (c *Client) saveWebhook(ctx context.Context, w webhook) (webhook, error) {
	if w.ID == "" {
		var out struct {
			Webhook webhook `json:"webhook"`
		}
		err := c.do(ctx, http.MethodPost, "/webhooks", map[string]any{"webhook": w}, &out)
		return out.Webhook, err
	}
	id := w.ID
	w.ID = ""
	err := c.do(ctx, http.MethodPut, "/webhooks/"+id, map[string]any{"webhook": w}, nil)
	w.ID = id
	return w, err
}

func (c *Client) triggers(ctx context.Context) ([]trigger, error) {
	var out struct {
		Triggers []trigger `json:"triggers"`
	}
	err := c.do(ctx, http.MethodGet, "/triggers.json", nil, &out)
	return out.Triggers, err
}

func (c *Client) saveTrigger(ctx context.Context, t trigger) (trigger, error) {
	var out struct {
		Trigger trigger `json:"trigger"`
	}
	if t.ID == 0 {
		err := c.do(ctx, http.MethodPost, "/triggers.json", map[string]any{"trigger": t}, &out)
		return out.Trigger, err
	}
	err := c.do(ctx, http.MethodPut, fmt.Sprintf("/triggers/%d.json", t.ID), map[string]any{"trigger": t}, &out)
	return out.Trigger, err
}
