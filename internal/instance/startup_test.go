package instance_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/twindesk/twindesk/internal/config"
	"github.com/twindesk/twindesk/internal/instance"
	"github.com/twindesk/twindesk/internal/pgtest"
)

// TestNodesStartTogetherOnEmptyPostgres: the nodes of a deployment start at once on
// one empty PostgreSQL database. Each applies twindesk's migrations and River's;
// River's, run by two nodes at once, failed one of them with a duplicate key
// (both created River's tables). Every node must open, on every try.
func TestNodesStartTogetherOnEmptyPostgres(t *testing.T) {
	t.Parallel()
	const tries, nodes = 3, 4
	for range tries {
		dbURL := pgtest.URL(t)
		start := make(chan struct{})
		errs := make([]error, nodes)
		var wg sync.WaitGroup
		for i := range nodes {
			wg.Add(1)
			go func() {
				defer wg.Done()
				cfg := config.Serve{Store: config.Store{DatabaseURL: dbURL, DataDir: t.TempDir()}, LogLevel: "info",
					ShutdownTimeout: 5 * time.Second}
				ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
				defer cancel()
				<-start
				in, err := instance.Open(ctx, cfg, newLogger(t))
				if err != nil {
					errs[i] = err
					return
				}
				errs[i] = in.Close()
			}()
		}
		close(start)
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			t.Fatalf("%d nodes starting together on an empty database: %v", nodes, err)
		}
	}
}
