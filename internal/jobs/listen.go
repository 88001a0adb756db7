package jobs

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
)

// Poll intervals when Config.PollInterval is 0. SQLite has no LISTEN/NOTIFY:
// the poll bounds how soon a webhook leaves, and the fetchGate keeps most polls
// off the database. PostgreSQL wakes each node's fetcher with LISTEN/NOTIFY (an
// insert notifies in its transaction, so every node hears a job the moment it
// commits); the poll only catches what no insert announced (a retry, a kick, a
// lost notification), so it can be slow: polling every 10 ms cost each idle
// node a steady share of a CPU and the database a query per node per 10 ms.
const (
	sqlitePoll   = 10 * time.Millisecond
	postgresPoll = time.Second
)

// postgresDriver is River's database/sql driver over the store's pool, with a
// listener on one dedicated pgx connection to listenURL. Without listenURL it
// polls only (and then every sqlitePoll, as before LISTEN/NOTIFY).
func postgresDriver(ctx context.Context, db *sql.DB, listenURL string) (riverdriver.Driver[*sql.Tx], *pgxpool.Pool, time.Duration, error) {
	if listenURL == "" {
		return riverdatabasesql.New(db), nil, sqlitePoll, nil
	}
	cfg, err := pgxpool.ParseConfig(listenURL)
	if err != nil {
		return nil, nil, 0, fmt.Errorf("jobs: listener URL: %w", err)
	}
	// River hijacks one connection per client for LISTEN and never returns it.
	cfg.MinConns, cfg.MaxConns = 0, 1
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, nil, 0, fmt.Errorf("jobs: listener pool: %w", err)
	}
	return riverdatabasesql.NewWithPgxListener(db, pool), pool, postgresPoll, nil
}

func (q *Queue) closeListenPool() {
	if q.listenPool != nil {
		q.listenPool.Close()
	}
}
