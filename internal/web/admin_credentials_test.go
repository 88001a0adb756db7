package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/twindesk/twindesk/internal/apitest"
	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/secretbox"
)

// An admin browsing the webhook pages sees no credential, neither in clear nor
// sealed.
func TestAdminWebhookPagesShowNoCredential(t *testing.T) {
	t.Parallel()
	b := setup(t, apitest.SQLite)
	const pw = "ui-canary-password-51c2"
	hook, err := b.env.Instance.Desk.SaveWebhook(context.Background(), b.admin, model.Webhook{Name: "Secure",
		Endpoint: "https://secure.example/api", HTTPMethod: "POST", AuthType: "basic_auth",
		AuthData: map[string]string{"username": "peer", "password": pw}})
	if err != nil {
		t.Fatal(err)
	}
	c := b.client(t)
	c.login(apitest.AdminEmail)
	for _, path := range []string{"/admin/webhooks", "/admin/webhooks/" + hook.ID} {
		status, page := c.get(path)
		if status != http.StatusOK || !strings.Contains(page, "Secure") {
			t.Fatalf("%s: status %d, or the webhook is missing", path, status)
		}
		if strings.Contains(page, pw) || strings.Contains(page, secretbox.Prefix) {
			t.Errorf("%s shows a credential", path)
		}
	}
}
