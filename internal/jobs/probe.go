package jobs

import (
	"context"
	"net"
	"net/url"
	"time"

	"github.com/twindesk/twindesk/internal/webhook"
)

// probeInterval is how often hosts with deliveries waiting to retry are checked.
const probeInterval = 2 * time.Second

// probe watches the hosts that deliveries could not reach. As soon as one accepts
// connections again, its waiting deliveries are retried at once instead of at their
// next backoff step, so a backlog drains within seconds of an outage ending. A
// successful delivery does the same for its webhook (kickWaiting); the probe covers
// the case where nothing new is sent to the recovered endpoint.
func (q *Queue) probe(ctx context.Context) {
	t := time.NewTicker(probeInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			q.probeOnce(ctx)
		}
	}
}

func (q *Queue) probeOnce(ctx context.Context) {
	waiting, err := q.db.Read().UnreachableDeliveries(ctx, 1000)
	if err != nil || len(waiting) == 0 {
		return
	}
	byHost := map[string][]int64{}
	for _, w := range waiting {
		u, err := url.Parse(w.URL)
		if err != nil || u.Host == "" {
			continue
		}
		host := webhook.HostPort(u)
		byHost[host] = append(byHost[host], w.JobID)
	}
	for host, jobs := range byHost {
		conn, err := (&net.Dialer{Timeout: time.Second}).DialContext(ctx, "tcp", host)
		if err != nil {
			continue
		}
		_ = conn.Close()
		if q.endpoints.open(host) {
			// Its breaker is open: one trial delivery, the rest follow once it is
			// answered (succeed's kickWaiting), or wait out their backoff.
			if !q.endpoints.connected(host) {
				continue
			}
			jobs = jobs[:1]
		}
		for _, id := range jobs {
			if err := q.RetryNow(ctx, id); err != nil {
				q.log.Debug("retry waiting delivery", "job_id", id, "err", err)
			}
		}
	}
}
