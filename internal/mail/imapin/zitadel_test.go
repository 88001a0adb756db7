package imapin_test

import (
	"context"
	"crypto/sha256"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/zitadel/oidc/v3/example/server/storage"
	"github.com/zitadel/oidc/v3/pkg/op"
	"golang.org/x/oauth2"
	"golang.org/x/text/language"

	"github.com/twindesk/twindesk/internal/mail/dovecottest"
	"github.com/twindesk/twindesk/internal/mail/imapin"
	"github.com/twindesk/twindesk/internal/mail/mailhealth"
	"github.com/twindesk/twindesk/internal/mail/oauth"
)

// serviceUser is the mailbox's identity at the issuer: the example storage's
// client-credentials client "sid1", whose tokens introspect as user "helpdesk".
type serviceUser struct{}

func (serviceUser) GetUserByID(id string) *storage.User {
	switch id {
	case "sid1", "user-helpdesk":
		return &storage.User{ID: id, Username: "helpdesk", PreferredLanguage: language.English}
	}
	return nil
}
func (serviceUser) GetUserByUsername(name string) *storage.User {
	if name != "helpdesk" {
		return nil
	}
	return &storage.User{ID: "user-helpdesk", Username: "helpdesk", Password: "login-pw", PreferredLanguage: language.English}
}
func (serviceUser) ExampleClientID() string { return "sid1" }

// TestDovecotOAuth2Issuer: the token comes from a real OpenID Connect provider
// (zitadel/oidc's op, client-credentials grant, as Exchange Online app
// registrations use), the poller presents it with SASL XOAUTH2, and Dovecot's
// oauth2 passdb validates it at that provider's introspection endpoint.
func TestDovecotOAuth2Issuer(t *testing.T) {
	ts := httptest.NewUnstartedServer(nil)
	issuer := "http://" + ts.Listener.Addr().String()
	storage.RegisterClients(storage.WebClient("sid1", "verysecret")) // so Dovecot may introspect as sid1
	provider, err := op.NewProvider(&op.Config{CryptoKey: sha256.Sum256([]byte("twindesk test issuer")), AuthMethodPost: true},
		storage.NewStorage(serviceUser{}), op.StaticIssuer(issuer), op.WithAllowInsecure())
	if err != nil {
		t.Fatal(err)
	}
	ts.Config.Handler = provider
	ts.Start()
	defer ts.Close()

	srv := dovecottest.Start(t, dovecottest.Options{Users: map[string]string{"helpdesk": "unused-password"},
		IntrospectionURL: "http://sid1:verysecret@" + ts.Listener.Addr().String() + "/oauth/introspect"})
	admin := srv.Client(t, "helpdesk", "unused-password")
	srv.Append(t, admin, mail("jo@example.com", "Via the issuer", "", "Hello."))

	tokens, err := oauth.New(oauth.Config{TokenURL: issuer + "/oauth/token", ClientID: "sid1", ClientSecret: "verysecret", Scope: "openid profile"})
	if err != nil {
		t.Fatal(err)
	}
	e := openDesk(t, t.TempDir())
	mb := imapin.Mailbox{ID: 1, Name: "hr", Addr: srv.Addr, TLS: "none", Folder: "INBOX", Username: "helpdesk", Tokens: tokens}
	h := &mailhealth.Health{}
	e.run(t, mb, h)
	waitFor(t, "the ticket fetched with the issuer's token", 20*time.Second, func() bool { return e.tickets(t) == 1 })

	// A token the provider did not issue is refused by Dovecot.
	bad := mb
	bad.ID, bad.Tokens = 2, staticToken("eyJhbGciOiJSUzI1NiJ9.e30.forged")
	h2 := &mailhealth.Health{}
	stop := openDesk(t, t.TempDir()).run(t, bad, h2)
	waitFor(t, "a first check", 10*time.Second, func() bool { return len(h2.States()) == 1 })
	stop()
	if st := h2.States()[0]; !st.LastOK.IsZero() || st.LastError == "" {
		t.Fatalf("a forged token logged in: %+v\n%s", st, srv.Log())
	}
}

// TestDovecotOAuth2RefreshRotation: a delegated mailbox (Gmail, a Microsoft 365
// user) holds a refresh token. The provider rotates it on every use; the poller
// hands each new one to OnRotate (twindesk stores it sealed) and logs in with the
// access token, which Dovecot validates at the provider.
func TestDovecotOAuth2RefreshRotation(t *testing.T) {
	ts := httptest.NewUnstartedServer(nil)
	issuer := "http://" + ts.Listener.Addr().String()
	const redirect = "http://127.0.0.1:9/callback"
	storage.RegisterClients(storage.WebClient("twindesk-web", "web-secret", redirect))
	st := storage.NewStorage(serviceUser{})
	provider, err := op.NewProvider(&op.Config{CryptoKey: sha256.Sum256([]byte("twindesk test issuer")), AuthMethodPost: true,
		GrantTypeRefreshToken: true}, st, op.StaticIssuer(issuer), op.WithAllowInsecure())
	if err != nil {
		t.Fatal(err)
	}
	ts.Config.Handler = provider
	ts.Start()
	defer ts.Close()

	// The one-time consent an admin gives: authorization code with offline_access.
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	cfg := &oauth2.Config{ClientID: "twindesk-web", ClientSecret: "web-secret", RedirectURL: redirect,
		Endpoint: oauth2.Endpoint{AuthURL: issuer + "/authorize", TokenURL: issuer + "/oauth/token"},
		Scopes:   []string{"openid", "profile", "offline_access"}}
	res, err := noFollow.Get(cfg.AuthCodeURL("state-1"))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	login, err := url.Parse(res.Header.Get("Location"))
	if err != nil || login.Query().Get("authRequestID") == "" {
		t.Fatalf("authorize: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	id := login.Query().Get("authRequestID")
	if err := st.CheckUsernamePassword("helpdesk", "login-pw", id); err != nil {
		t.Fatal(err)
	}
	res, err = noFollow.Get(issuer + "/authorize/callback?id=" + url.QueryEscape(id))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	back, err := url.Parse(res.Header.Get("Location"))
	if err != nil || back.Query().Get("code") == "" {
		t.Fatalf("callback: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	first, err := cfg.Exchange(context.Background(), back.Query().Get("code"))
	if err != nil || first.RefreshToken == "" {
		t.Fatalf("code exchange: %v %+v", err, first)
	}

	srv := dovecottest.Start(t, dovecottest.Options{Users: map[string]string{"helpdesk": "unused-password"},
		IntrospectionURL: "http://twindesk-web:web-secret@" + ts.Listener.Addr().String() + "/oauth/introspect"})
	admin := srv.Client(t, "helpdesk", "unused-password")
	srv.Append(t, admin, mail("jo@example.com", "Via a refresh token", "", "Hello."))

	var mu sync.Mutex
	var stored []string
	tokens, err := oauth.New(oauth.Config{TokenURL: issuer + "/oauth/token", ClientID: "twindesk-web", ClientSecret: "web-secret",
		RefreshToken: first.RefreshToken, Scope: "openid profile offline_access",
		OnRotate: func(_ context.Context, rt string) error {
			mu.Lock()
			stored = append(stored, rt)
			mu.Unlock()
			return nil
		}})
	if err != nil {
		t.Fatal(err)
	}
	e := openDesk(t, t.TempDir())
	h := &mailhealth.Health{}
	e.run(t, imapin.Mailbox{ID: 1, Name: "it", Addr: srv.Addr, TLS: "none", Folder: "INBOX", Username: "helpdesk", Tokens: tokens}, h)
	waitFor(t, "the ticket fetched with a refreshed token", 20*time.Second, func() bool {
		if st := h.States(); len(st) == 1 && st[0].LastError != "" {
			t.Logf("poller: %s", st[0].LastError)
		}
		return e.tickets(t) == 1
	})
	mu.Lock()
	defer mu.Unlock()
	if len(stored) != 1 || stored[0] == first.RefreshToken {
		t.Fatalf("the rotated refresh token was not handed on: %v", stored)
	}
	// The old refresh token no longer works: only the stored one does.
	if _, err := cfg.TokenSource(context.Background(), &oauth2.Token{RefreshToken: first.RefreshToken}).Token(); err == nil {
		t.Fatal("the provider still accepts the rotated-out refresh token")
	}
}
