package api_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/nukosuke/go-zendesk/zendesk"

	"github.com/twindesk/twindesk/internal/apitest"
)

// TestUserTimeZone: iana_time_zone sent through go-zendesk is stored and
// returned (it used to be dropped); an unknown zone is a 422 RecordInvalid
// that changes nothing; an agent can't set another agent's zone. Both
// backends (migration 032).
func TestUserTimeZone(t *testing.T) {
	for _, b := range apitest.Backends {
		t.Run(string(b), func(t *testing.T) { testUserTimeZone(t, b) })
	}
}

func testUserTimeZone(t *testing.T, b apitest.Backend) {
	env := apitest.New(t, b)
	ctx := context.Background()
	c := env.AdminClient()
	al, err := c.CreateUser(ctx, zendesk.User{Name: "Al Agent", Email: "al@example.com", Role: "agent", IanaTimezone: "Asia/Tokyo"})
	if err != nil {
		t.Fatal(err)
	}
	if al.IanaTimezone != "Asia/Tokyo" {
		t.Fatalf("created with iana_time_zone %q", al.IanaTimezone)
	}
	got, err := c.UpdateUser(ctx, al.ID, zendesk.User{Name: "Al Agent", IanaTimezone: "Europe/Berlin"})
	if err != nil || got.IanaTimezone != "Europe/Berlin" {
		t.Fatalf("update: %q, %v", got.IanaTimezone, err)
	}
	if again, err := c.GetUser(ctx, al.ID); err != nil || again.IanaTimezone != "Europe/Berlin" {
		t.Fatalf("read back: %q, %v", again.IanaTimezone, err)
	}
	_, err = c.UpdateUser(ctx, al.ID, zendesk.User{Name: "Al Agent", IanaTimezone: "Mars/Olympus"})
	requireStatus(t, err, http.StatusUnprocessableEntity)
	if again, _ := c.GetUser(ctx, al.ID); again.IanaTimezone != "Europe/Berlin" {
		t.Fatalf("a refused zone changed it to %q", again.IanaTimezone)
	}
	bobID, bobToken := env.CreateAgent(t, "Bob Agent", "bob@example.com")
	bob := env.Client("bob@example.com", bobToken)
	_, err = bob.UpdateUser(ctx, al.ID, zendesk.User{Name: "Al Agent", IanaTimezone: "UTC"})
	requireStatus(t, err, http.StatusForbidden)
	if mine, err := bob.UpdateUser(ctx, bobID, zendesk.User{Name: "Bob Agent", IanaTimezone: "America/New_York"}); err != nil || mine.IanaTimezone != "America/New_York" {
		t.Fatalf("an agent setting their own zone: %q, %v", mine.IanaTimezone, err)
	}
}
