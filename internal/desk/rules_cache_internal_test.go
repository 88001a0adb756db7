package desk

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/store"
	"github.com/twindesk/twindesk/internal/store/sqlite"
)

// TestRolledBackTriggerNeverFires: an update that ran in the same transaction
// as a trigger's save caches the rule set it read there. When that transaction
// rolls back (a failed group-commit batch), the next save of another trigger
// must not bring the cached, never-saved trigger back: the version it was
// cached under was handed out again by the next bump.
func TestRolledBackTriggerNeverFires(t *testing.T) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, t.TempDir())
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	s := New(db, slog.New(slog.NewTextHandler(io.Discard, nil)))
	name, email, role := "Admin", "admin@example.com", "admin"
	admin, err := s.BootstrapUser(ctx, UserInput{Name: &name, Email: &email, Role: &role})
	require.NoError(t, err)
	subject := "printer"
	created, err := s.CreateTicket(ctx, admin, TicketInput{Subject: &subject, Comment: &CommentInput{Body: "it jams"}}, "")
	require.NoError(t, err)
	id := created.Ticket.ID

	tagging := func(title, tag string) model.Trigger {
		return model.Trigger{Title: title, Active: true,
			Conditions: model.Conditions{All: []model.Condition{{Field: "update_type", Operator: "is", Value: "Change"}}},
			Actions:    []model.Action{{Field: "current_tags", Value: []string{tag}}}}
	}
	errBatch := errors.New("another caller of the batch failed")
	err = db.WriteTx(ctx, func(tx *store.Tx) error {
		phantom := tagging("never saved", "phantom")
		if _, err := tx.SaveTrigger(ctx, &phantom); err != nil {
			return err
		}
		if _, err := s.updateTicket(ctx, tx, admin, id, TicketInput{Comment: &CommentInput{Body: "first"}}); err != nil {
			return err
		}
		return errBatch
	})
	require.ErrorIs(t, err, errBatch)

	_, err = s.SaveTrigger(ctx, admin, tagging("saved", "real"))
	require.NoError(t, err)
	res, err := s.UpdateTicket(ctx, admin, id, TicketInput{Comment: &CommentInput{Body: "second"}})
	require.NoError(t, err)
	assert.Contains(t, res.Ticket.Tags, "real", "the saved trigger fires")
	assert.NotContains(t, res.Ticket.Tags, "phantom", "a trigger whose save rolled back fires")
}
