package adversarial

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"github.com/twindesk/twindesk/internal/canarytest"
	"github.com/twindesk/twindesk/internal/store/sqlite"
)

// heldReader is a read transaction on standard's database from another process's
// connection, as `sqlite3 .backup` holds one: while it lasts, no checkpoint can
// move the WAL past the snapshot it reads.
type heldReader struct {
	db   *sql.DB
	conn *sql.Conn
}

func holdReader(t *testing.T, dir string) *heldReader {
	ctx := context.Background()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, sqlite.FileName))
	require.NoError(t, err)
	conn, err := db.Conn(ctx)
	require.NoError(t, err)
	_, err = conn.ExecContext(ctx, "BEGIN")
	require.NoError(t, err)
	var n int
	require.NoError(t, conn.QueryRowContext(ctx, "SELECT COUNT(*) FROM tickets").Scan(&n))
	h := &heldReader{db: db, conn: conn}
	t.Cleanup(h.release)
	return h
}

// release ends the read transaction; calling it twice is harmless.
func (h *heldReader) release() {
	if h.conn == nil {
		return
	}
	_, _ = h.conn.ExecContext(context.Background(), "ROLLBACK")
	_ = h.conn.Close()
	_ = h.db.Close()
	h.conn = nil
}

// residueAfterHeldReader is issue 16, item 6: a purge while a reader holds the
// WAL; once the reader is gone the scrub owed must still happen, by itself.
func residueAfterHeldReader(t *testing.T, r *rig) {
	reader := holdReader(t, r.stdData)
	x := newTicketText()
	r.escalate(t, x)
	time.Sleep(time.Second) // the purge's own scrub runs into the reader
	t.Logf("while the reader was held, the description was in %v", canarytest.FilesContaining(t, r.stdData, tail(x.description)))
	reader.release()
	r.assertGoneFromFiles(t, x.canaries(), 30*time.Second)
}

// residueAfterKill is the same purge with standard killed (SIGKILL) as soon as
// the purge answered, while the reader still blocks the scrub; the scrub owed
// must happen after the restart.
func residueAfterKill(t *testing.T, r *rig) {
	reader := holdReader(t, r.stdData)
	x := newTicketText()
	orig := r.itAgent.createTicket(t, map[string]any{
		"subject": "Salary of " + x.subject, "comment": map[string]any{"body": "My salary is wrong: " + x.description},
		"requester": map[string]any{"name": "Jo Requester", "email": "jo.requester@example.com"},
		"tags":      []string{x.tag}, "custom_fields": []map[string]any{{"id": r.stdText, "value": x.field}}})
	r.itAgent.must(t, "PUT", fmt.Sprintf("/tickets/%d.json", orig), map[string]any{"ticket": map[string]any{"group_id": r.pseudo}})
	require.True(t, r.waitLogged(t, fmt.Sprintf("/api/v2/deleted_tickets/%d", orig), 70*time.Second), "standard never logged the purge of %d", orig)
	r.std.Kill()
	reader.release()
	require.NoError(t, r.std.Start())
	e := escalated{orig: orig}
	r.waitLinked(t, &e, x.description, 30*time.Second)
	r.assertGoneFromFiles(t, x.canaries(), 30*time.Second)
	r.noteFlows(t, e)
}

// waitLogged polls standard's log for a request line with path.
func (r *rig) waitLogged(t *testing.T, path string, limit time.Duration) bool {
	needles := [][]byte{[]byte(`"path":"` + path + `"`), []byte(`"path":"` + path + `.json"`)}
	for deadline := time.Now().Add(limit); time.Now().Before(deadline); time.Sleep(2 * time.Millisecond) {
		b, err := os.ReadFile(r.std.LogPath)
		require.NoError(t, err)
		if bytes.Contains(b, needles[0]) || bytes.Contains(b, needles[1]) {
			return true
		}
	}
	return false
}
