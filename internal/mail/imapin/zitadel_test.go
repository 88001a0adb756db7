package imapin_test

import (
	"crypto/sha256"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/zitadel/oidc/v3/example/server/storage"
	"github.com/zitadel/oidc/v3/pkg/op"
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
	if id != "sid1" {
		return nil
	}
	return &storage.User{ID: "sid1", Username: "helpdesk", PreferredLanguage: language.English}
}
func (serviceUser) GetUserByUsername(string) *storage.User { return nil }
func (serviceUser) ExampleClientID() string                { return "sid1" }

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
