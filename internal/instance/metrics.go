package instance

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/twindesk/twindesk/internal/desk"
	"github.com/twindesk/twindesk/internal/peer"
	"github.com/twindesk/twindesk/internal/store"
)

// metricsSource reads the metrics' database gauges. desk is set once built (the
// job queue, which needs the metrics, is built before it).
type metricsSource struct {
	db   *store.DB
	desk *desk.Service
}

func (s *metricsSource) DeliveryBacklog(ctx context.Context) ([]store.Backlog, error) {
	return s.db.Read().DeliveryBacklog(ctx)
}

func (s *metricsSource) Escalations(ctx context.Context) (store.Escalations, error) {
	return s.db.Read().EscalationCounts(ctx, peer.TagEscalationInFlight)
}

func (s *metricsSource) ScrubDebt(ctx context.Context) (store.ScrubDebt, error) {
	if s.desk == nil {
		return store.ScrubDebt{}, errors.New("instance: not open yet")
	}
	return s.desk.ScrubDebt(ctx)
}

func (s *metricsSource) JobQueue(ctx context.Context) ([]store.QueuedJobs, error) {
	return s.db.Read().JobQueue(ctx)
}

// MetricsHandler is what --metrics-addr serves: GET /metrics and nothing else.
func (in *Instance) MetricsHandler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", in.Metrics.Handler())
	return mux
}

// serveMetrics listens on --metrics-addr, if given, until the returned stop is
// called. Metrics get their own listener, like --debug-addr's profiles, because
// the main address faces the network, and a loopback check there would let in
// everyone when a reverse proxy runs on the same host.
func (in *Instance) serveMetrics(ctx context.Context) (stop func(), err error) {
	addr := in.cfg.MetricsAddr
	if addr == "" {
		return func() {}, nil
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("--metrics-addr %s: %w", addr, err)
	}
	if !loopback(ln.Addr()) {
		in.log.Warn("metrics listen beyond loopback: let only your Prometheus reach this address (a firewall or private interface)", "addr", ln.Addr().String())
	}
	srv := &http.Server{Handler: in.MetricsHandler(), ReadHeaderTimeout: 10 * time.Second, WriteTimeout: 30 * time.Second}
	in.log.Info("metrics serving", "addr", ln.Addr().String(), "path", "/metrics")
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			in.log.Warn("metrics server stopped", "err", err)
		}
	}()
	return func() {
		shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
		defer cancel()
		if err := srv.Shutdown(shutdownCtx); err != nil {
			_ = srv.Close()
		}
		<-done
	}, nil
}

func loopback(a net.Addr) bool {
	tcp, ok := a.(*net.TCPAddr)
	return ok && tcp.IP.IsLoopback()
}
