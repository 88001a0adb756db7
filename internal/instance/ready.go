package instance

import (
	"context"
	"net/http"
	"time"
)

// ready answers GET /readyz for a load balancer: 200 when this node can serve
// requests (both database pools answer within a second), else 503. /healthz
// stays the liveness check.
func (in *Instance) ready(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), time.Second)
	defer cancel()
	if err := in.DB.Ping(ctx); err != nil {
		in.log.WarnContext(ctx, "not ready", "err", err)
		http.Error(w, "not ready: database unavailable", http.StatusServiceUnavailable)
		return
	}
	_, _ = w.Write([]byte("ready\n"))
}
