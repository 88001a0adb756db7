package desk

import (
	"io"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/peer"
	"github.com/twindesk/twindesk/internal/store"
	"github.com/twindesk/twindesk/internal/store/sqlite"
)

// TestRecipeFieldPinnedByID: the first peer write finds "Original ticket" by its
// title and pins its id; after an admin renames it and adds a look-alike under
// the recipe's title, the peer rules (a write) and the tombstones and report (a
// read) still use the first field. Only once it is deleted does the title lead
// again.
func TestRecipeFieldPinnedByID(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	db, err := sqlite.Open(ctx, t.TempDir())
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	s := New(db, slog.New(slog.NewTextHandler(io.Discard, nil)))
	save := func(f model.TicketField) int64 {
		var id int64
		require.NoError(t, db.WriteTx(ctx, func(tx *store.Tx) error {
			id, err = tx.SaveField(ctx, &f)
			return err
		}))
		return id
	}
	inWrite := func() int64 {
		var ids map[string]int64
		require.NoError(t, db.WriteTx(ctx, func(tx *store.Tx) error {
			ids, err = s.fieldIDs(ctx, tx)
			return err
		}))
		return ids[peer.FieldOriginalTicket]
	}
	inRead := func() int64 {
		ids, _, _, err := recipeFieldIDs(ctx, db.Read())
		require.NoError(t, err)
		return ids[peer.FieldOriginalTicket]
	}

	orig := save(model.TicketField{Type: model.FieldText, Title: peer.FieldOriginalTicket, Active: true})
	require.Equal(t, orig, inWrite(), "found by title the first time")

	renamed, err := db.Read().Field(ctx, orig)
	require.NoError(t, err)
	renamed.Title = "Ticket number in IT"
	save(renamed)
	impostor := save(model.TicketField{Type: model.FieldText, Title: peer.FieldOriginalTicket, Active: true})
	require.Equal(t, orig, inWrite(), "a rename and a look-alike must not move the recipe's field")
	require.Equal(t, orig, inRead())

	require.NoError(t, db.WriteTx(ctx, func(tx *store.Tx) error { return tx.DeleteField(ctx, orig) }))
	require.Equal(t, impostor, inRead(), "the pinned field is gone: the title leads")
	require.Equal(t, impostor, inWrite())
}
