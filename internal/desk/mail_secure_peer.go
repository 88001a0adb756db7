package desk

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"

	"github.com/twindesk/twindesk/internal/mail/parse"
	"github.com/twindesk/twindesk/internal/model"
)

// peerEndpoint is secure's origin with the escalation webhook's credential.
type peerEndpoint struct {
	client *http.Client
	origin string
	hook   model.Webhook
}

// endpoint reads the escalation webhook: its endpoint's origin and its peer
// token are what a reply is delivered with, so no second credential has to be
// provisioned or rotated.
func (p *peerMailer) endpoint(ctx context.Context) (*peerEndpoint, error) {
	hooks, err := p.s.db.Read().ListWebhooks(ctx)
	if err != nil {
		return nil, err
	}
	var hook *model.Webhook
	for i := range hooks {
		if hooks[i].Name == secureWebhookName && hooks[i].Status == "active" {
			hook = &hooks[i]
		}
	}
	if hook == nil {
		return nil, fmt.Errorf("desk: mail to secure: no active webhook %q (run twindesk escalation setup): %w", secureWebhookName, ErrPeerRefused)
	}
	if p.s.secrets != nil {
		if *hook, err = p.s.secrets.OpenWebhook(*hook); err != nil {
			return nil, fmt.Errorf("desk: mail to secure: open credentials: %w", err)
		}
	}
	u, err := url.Parse(hook.Endpoint)
	if err != nil {
		return nil, fmt.Errorf("desk: mail to secure: endpoint: %w", err)
	}
	return &peerEndpoint{client: p.client, origin: u.Scheme + "://" + u.Host, hook: *hook}, nil
}

// post sends body to path on secure and returns a 2xx response; a 4xx other
// than 429 is ErrPeerRefused (final), anything else an error worth a retry.
func (e *peerEndpoint) post(ctx context.Context, path, contentType string, body io.Reader) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, "POST", e.origin+path, body)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", contentType)
	// The same credential the escalation's own calls carry (webhook.authenticate).
	switch e.hook.AuthType {
	case "basic_auth":
		req.SetBasicAuth(e.hook.AuthData["username"], e.hook.AuthData["password"])
	case "bearer_token":
		req.Header.Set("Authorization", "Bearer "+e.hook.AuthData["token"])
	}
	res, err := e.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("desk: mail to secure: %w", err)
	}
	if res.StatusCode/100 == 2 {
		return res, nil
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, 1<<16))
	res.Body.Close()
	if res.StatusCode/100 == 4 && res.StatusCode != http.StatusTooManyRequests {
		return nil, fmt.Errorf("desk: mail to secure: HTTP %d: %w", res.StatusCode, ErrPeerRefused)
	}
	return nil, fmt.Errorf("desk: mail to secure: HTTP %d", res.StatusCode)
}

// upload sends one file of the mail to secure's uploads API, under token when
// set, and returns the upload token. The bytes go from the parsed mail to
// secure; standard never stores them.
func (e *peerEndpoint) upload(ctx context.Context, f parse.Attachment, token string) (string, error) {
	params := url.Values{"filename": {cleanFileName(f.Name)}}
	if params.Get("filename") == "" {
		params.Set("filename", "attachment")
	}
	if token != "" {
		params.Set("token", token)
	}
	res, err := e.post(ctx, "/api/v2/uploads.json?"+params.Encode(), contentType(f.ContentType, f.Name), bytes.NewReader(f.Data))
	if err != nil {
		return "", err
	}
	defer res.Body.Close()
	var answer struct {
		Upload struct {
			Token string `json:"token"`
		} `json:"upload"`
	}
	if err := json.NewDecoder(io.LimitReader(res.Body, 1<<20)).Decode(&answer); err != nil || answer.Upload.Token == "" {
		return "", fmt.Errorf("desk: mail to secure: the upload answered no token")
	}
	return answer.Upload.Token, nil
}
