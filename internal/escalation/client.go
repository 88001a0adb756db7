package escalation

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
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

// list fetches every page of a list endpoint into out (a pointer to a slice),
// following Zendesk's offset (next_page) and cursor (meta.has_more, links.next)
// pagination, so accounts with more than a page of triggers or fields are covered.
func list[T any](ctx context.Context, c *Client, path, key string) ([]T, error) {
	var all []T
	next := path
	for pages := 0; next != "" && pages < 1000; pages++ {
		var page map[string]json.RawMessage
		if err := c.do(ctx, http.MethodGet, next, nil, &page); err != nil {
			return nil, err
		}
		var items []T
		if raw, ok := page[key]; ok {
			if err := json.Unmarshal(raw, &items); err != nil {
				return nil, fmt.Errorf("escalation: decode %s: %w", key, err)
			}
		}
		all = append(all, items...)
		next = c.nextPage(page)
	}
	return all, nil
}

// nextPage returns the API path of the next page, or "".
func (c *Client) nextPage(page map[string]json.RawMessage) string {
	var next string
	_ = json.Unmarshal(page["next_page"], &next)
	if next == "" {
		var meta struct {
			HasMore bool `json:"has_more"`
		}
		var links struct {
			Next string `json:"next"`
		}
		_ = json.Unmarshal(page["meta"], &meta)
		_ = json.Unmarshal(page["links"], &links)
		if meta.HasMore {
			next = links.Next
		}
	}
	if i := strings.Index(next, "/api/v2"); i >= 0 {
		return next[i+len("/api/v2"):]
	}
	return ""
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
	return list[group](ctx, c, "/groups.json?per_page=100", "groups")
}

func (c *Client) createGroup(ctx context.Context, name string) (group, error) {
	var out struct {
		Group group `json:"group"`
	}
	err := c.do(ctx, http.MethodPost, "/groups.json", map[string]any{"group": map[string]string{"name": name}}, &out)
	return out.Group, err
}

func (c *Client) fields(ctx context.Context) ([]ticketField, error) {
	return list[ticketField](ctx, c, "/ticket_fields.json", "ticket_fields")
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
	return list[ticketForm](ctx, c, "/ticket_forms.json", "ticket_forms")
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
	return list[webhook](ctx, c, "/webhooks", "webhooks")
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
	return list[trigger](ctx, c, "/triggers.json", "triggers")
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

// isTwindesk asks whether the instance is twindesk (rather than Zendesk) and
// whether it runs in confidential mode. Zendesk answers 404.
func (c *Client) isTwindesk(ctx context.Context) (twindesk, confidential bool, err error) {
	var out struct {
		Instance struct {
			Confidential bool `json:"confidential"`
		} `json:"instance"`
	}
	err = c.do(ctx, http.MethodGet, "/twindesk/instance.json", nil, &out)
	var ae *APIError
	if errors.As(err, &ae) && ae.Status == http.StatusNotFound {
		return false, false, nil
	}
	return err == nil, out.Instance.Confidential, err
}

// issuePeerToken asks a twindesk instance for a new token of its peer identity
// name, revoking the identity's earlier tokens.
func (c *Client) issuePeerToken(ctx context.Context, name string) (email, token string, err error) {
	var out struct {
		PeerIdentity struct {
			Email string `json:"email"`
			Token string `json:"token"`
		} `json:"peer_identity"`
	}
	err = c.do(ctx, http.MethodPost, "/twindesk/peer_identities/"+name+"/token.json", map[string]any{}, &out)
	return out.PeerIdentity.Email, out.PeerIdentity.Token, err
}
