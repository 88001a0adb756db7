package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/twindesk/twindesk/internal/model"
)

const webhookCols = `id, name, description, endpoint, http_method, request_format, status, auth_type, auth_data,
	custom_headers, signing_secret, created_at, updated_at`

func scanWebhook(row interface{ Scan(...any) error }) (model.Webhook, error) {
	var w model.Webhook
	var auth, headers string
	var c, u int64
	if err := row.Scan(&w.ID, &w.Name, &w.Description, &w.Endpoint, &w.HTTPMethod, &w.RequestFormat, &w.Status,
		&w.AuthType, &auth, &headers, &w.SigningSecret, &c, &u); err != nil {
		return w, err
	}
	w.CreatedAt, w.UpdatedAt = fromTS(c), fromTS(u)
	if err := json.Unmarshal([]byte(auth), &w.AuthData); err != nil {
		return w, fmt.Errorf("decode webhook auth: %w", err)
	}
	return w, json.Unmarshal([]byte(headers), &w.CustomHeaders)
}

// ListWebhooks returns every webhook by id.
func (q *Queries) ListWebhooks(ctx context.Context) ([]model.Webhook, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT `+webhookCols+` FROM webhooks ORDER BY id`)
	if err != nil {
		return nil, q.wrap("list webhooks", err)
	}
	defer rows.Close()
	var out []model.Webhook
	for rows.Next() {
		w, err := scanWebhook(rows)
		if err != nil {
			return nil, q.wrap("scan webhook", err)
		}
		out = append(out, w)
	}
	return out, q.wrapIf("list webhooks", rows.Err())
}

// Webhook loads one webhook.
func (q *Queries) Webhook(ctx context.Context, id string) (model.Webhook, error) {
	w, err := scanWebhook(q.q.QueryRowContext(ctx, `SELECT `+webhookCols+` FROM webhooks WHERE id = $1`, id))
	if err != nil {
		return w, q.wrap("get webhook", err)
	}
	return w, nil
}

// SaveWebhook inserts or updates (by id) a webhook.
func (q *Queries) SaveWebhook(ctx context.Context, w *model.Webhook, create bool) error {
	auth, _ := json.Marshal(nonNilMap(w.AuthData))         // map[string]string always marshals
	headers, _ := json.Marshal(nonNilMap(w.CustomHeaders)) // ditto
	if create {
		return q.exec(ctx, "create webhook", false, `INSERT INTO webhooks (`+webhookCols+`)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
			w.ID, w.Name, w.Description, w.Endpoint, w.HTTPMethod, w.RequestFormat, w.Status, w.AuthType, string(auth),
			string(headers), w.SigningSecret, ts(w.CreatedAt), ts(w.UpdatedAt))
	}
	return q.exec(ctx, "update webhook", true, `UPDATE webhooks SET name = $1, description = $2, endpoint = $3,
		http_method = $4, request_format = $5, status = $6, auth_type = $7, auth_data = $8, custom_headers = $9,
		signing_secret = $10, updated_at = $11 WHERE id = $12`,
		w.Name, w.Description, w.Endpoint, w.HTTPMethod, w.RequestFormat, w.Status, w.AuthType, string(auth),
		string(headers), w.SigningSecret, ts(w.UpdatedAt), w.ID)
}

// DeleteWebhook removes a webhook.
func (q *Queries) DeleteWebhook(ctx context.Context, id string) error {
	return q.exec(ctx, "delete webhook", true, `DELETE FROM webhooks WHERE id = $1`, id)
}

func nonNilMap(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}

const targetCols = `id, type, title, active, target_url, method, content_type, username, password, created_at`

func scanTarget(row interface{ Scan(...any) error }) (model.Target, error) {
	var t model.Target
	var c int64
	err := row.Scan(&t.ID, &t.Type, &t.Title, &t.Active, &t.TargetURL, &t.Method, &t.ContentType, &t.Username, &t.Password, &c)
	t.CreatedAt = fromTS(c)
	return t, err
}

// ListTargets returns every target by id.
func (q *Queries) ListTargets(ctx context.Context) ([]model.Target, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT `+targetCols+` FROM targets ORDER BY id`)
	if err != nil {
		return nil, q.wrap("list targets", err)
	}
	defer rows.Close()
	var out []model.Target
	for rows.Next() {
		t, err := scanTarget(rows)
		if err != nil {
			return nil, q.wrap("scan target", err)
		}
		out = append(out, t)
	}
	return out, q.wrapIf("list targets", rows.Err())
}

// Target loads one target.
func (q *Queries) Target(ctx context.Context, id int64) (model.Target, error) {
	t, err := scanTarget(q.q.QueryRowContext(ctx, `SELECT `+targetCols+` FROM targets WHERE id = $1`, id))
	if err != nil {
		return t, q.wrap("get target", err)
	}
	return t, nil
}

// SaveTarget inserts (ID 0) or updates a target and returns its id.
func (q *Queries) SaveTarget(ctx context.Context, t *model.Target) (int64, error) {
	if t.ID == 0 {
		return q.insertID(ctx, "create target", `INSERT INTO targets (type, title, active, target_url, method, content_type,
			username, password, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
			t.Type, t.Title, t.Active, t.TargetURL, t.Method, t.ContentType, t.Username, t.Password, ts(t.CreatedAt))
	}
	return t.ID, q.exec(ctx, "update target", true, `UPDATE targets SET title = $1, active = $2, target_url = $3,
		method = $4, content_type = $5, username = $6, password = $7 WHERE id = $8`,
		t.Title, t.Active, t.TargetURL, t.Method, t.ContentType, t.Username, t.Password, t.ID)
}

// DeleteTarget removes a target.
func (q *Queries) DeleteTarget(ctx context.Context, id int64) error {
	return q.exec(ctx, "delete target", true, `DELETE FROM targets WHERE id = $1`, id)
}

const deliveryCols = `id, chain_id, step, ticket_id, trigger_id, kind, endpoint_ref, method, url, body, state,
	attempts, status_code, latency_ms, last_error, job_id, created_at, updated_at`

func scanDelivery(row interface{ Scan(...any) error }) (model.Delivery, error) {
	var d model.Delivery
	var c, u int64
	err := row.Scan(&d.ID, &d.ChainID, &d.Step, &d.TicketID, &d.TriggerID, &d.Kind, &d.EndpointRef, &d.Method, &d.URL,
		&d.Body, &d.State, &d.Attempts, &d.StatusCode, &d.LatencyMS, &d.LastError, &d.JobID, &c, &u)
	d.CreatedAt, d.UpdatedAt = fromTS(c), fromTS(u)
	return d, err
}

// AddDelivery records an outbound request to make.
func (q *Queries) AddDelivery(ctx context.Context, d *model.Delivery) error {
	return q.exec(ctx, "add delivery", false, `INSERT INTO deliveries (`+deliveryCols+`) VALUES ($1, $2, $3, $4, $5, $6,
		$7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)`,
		d.ID, d.ChainID, d.Step, d.TicketID, d.TriggerID, d.Kind, d.EndpointRef, d.Method, d.URL, d.Body, d.State,
		d.Attempts, d.StatusCode, d.LatencyMS, d.LastError, d.JobID, ts(d.CreatedAt), ts(d.UpdatedAt))
}

// Delivery loads one delivery.
func (q *Queries) Delivery(ctx context.Context, id string) (model.Delivery, error) {
	d, err := scanDelivery(q.q.QueryRowContext(ctx, `SELECT `+deliveryCols+` FROM deliveries WHERE id = $1`, id))
	if err != nil {
		return d, q.wrap("get delivery", err)
	}
	return d, nil
}

// NextInChain returns the delivery after step in chain, or model.ErrNotFound.
func (q *Queries) NextInChain(ctx context.Context, chainID string, step int) (model.Delivery, error) {
	d, err := scanDelivery(q.q.QueryRowContext(ctx, `SELECT `+deliveryCols+` FROM deliveries
		WHERE chain_id = $1 AND step = $2`, chainID, step+1))
	if err != nil {
		return d, q.wrap("next delivery", err)
	}
	return d, nil
}

// RecordAttempt saves the outcome of one attempt. On success the body is dropped,
// so confidential text doesn't linger in the log. The body is otherwise left as
// stored, never written back from d: a worker that loaded d before the ticket was
// purged would put the purged text back.
func (q *Queries) RecordAttempt(ctx context.Context, d *model.Delivery) error {
	delivered := d.State == model.DeliveryDelivered
	if delivered {
		d.Body = ""
	}
	return q.exec(ctx, "record attempt", true, `UPDATE deliveries SET state = $1, attempts = $2, status_code = $3,
		latency_ms = $4, last_error = $5, body = CASE WHEN $6 THEN '' ELSE body END, job_id = $7, updated_at = $8
		WHERE id = $9`,
		d.State, d.Attempts, d.StatusCode, d.LatencyMS, d.LastError, delivered, d.JobID, ts(d.UpdatedAt), d.ID)
}

// Deliveries lists an endpoint's deliveries, newest first, for the invocation log.
func (q *Queries) Deliveries(ctx context.Context, endpointRef string, limit int) ([]model.Delivery, error) {
	return q.deliveries(ctx, "list deliveries", `SELECT `+deliveryCols+` FROM deliveries WHERE endpoint_ref = $1
		ORDER BY created_at DESC, id DESC LIMIT $2`, endpointRef, limit)
}

// deliveries runs a query selecting deliveryCols (or a variant) and scans its rows.
func (q *Queries) deliveries(ctx context.Context, what, query string, args ...any) ([]model.Delivery, error) {
	rows, err := q.q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, q.wrap(what, err)
	}
	defer rows.Close()
	var out []model.Delivery
	for rows.Next() {
		d, err := scanDelivery(rows)
		if err != nil {
			return nil, q.wrap("scan delivery", err)
		}
		out = append(out, d)
	}
	return out, q.wrapIf(what, rows.Err())
}

// RetryingJobs returns the job ids of an endpoint's deliveries waiting to retry.
func (q *Queries) RetryingJobs(ctx context.Context, endpointRef string, limit int) ([]int64, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT job_id FROM deliveries WHERE endpoint_ref = $1 AND state = $2 AND job_id > 0
		ORDER BY job_id LIMIT $3`, endpointRef, model.DeliveryRetrying, limit)
	if err != nil {
		return nil, q.wrap("retrying jobs", err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, q.wrap("scan job id", err)
		}
		out = append(out, id)
	}
	return out, q.wrapIf("retrying jobs", rows.Err())
}

// NotSentPurged is the last_error of a delivery settled by its ticket's purge.
const NotSentPurged = "not sent: the ticket was deleted permanently"

// PurgeDeliveries removes what a ticket's deliveries hold of it, when the ticket
// is permanently deleted: the bodies; the URLs, which are rendered from ticket
// data (they go back to their endpoint's template, or empty for a deleted
// endpoint); the errors; and the errors of their River jobs. Deliveries not sent
// yet are settled as failed: their body is gone, so sending them would send
// nothing, and each retry would log and record again.
func (q *Queries) PurgeDeliveries(ctx context.Context, ticketID int64) error {
	if err := q.purgeJobErrors(ctx, ticketID); err != nil {
		return err
	}
	return q.exec(ctx, "purge deliveries", false, `UPDATE deliveries SET body = '',
		last_error = CASE WHEN state IN ($1, $2, $3) THEN $4 ELSE '' END,
		state = CASE WHEN state IN ($1, $2, $3) THEN $5 ELSE state END,
		url = COALESCE(CASE kind
			WHEN 'webhook' THEN (SELECT w.endpoint FROM webhooks w WHERE w.id = deliveries.endpoint_ref)
			WHEN 'target' THEN (SELECT t.target_url FROM targets t WHERE CAST(t.id AS TEXT) = deliveries.endpoint_ref)
		END, '')
		WHERE ticket_id = $6`, model.DeliveryWaiting, model.DeliveryPending, model.DeliveryRetrying,
		NotSentPurged, model.DeliveryFailed, ticketID)
}

// SettlePurgingDelivery records delivery id, whose request is the purge of its
// ticket being made in this transaction, as delivered: the purge's answer is its
// success, whether or not its worker lives to record it. PurgeDeliveries has
// already emptied its body and URL.
func (q *Queries) SettlePurgingDelivery(ctx context.Context, id string, at time.Time) error {
	return q.exec(ctx, "settle purging delivery", true, `UPDATE deliveries SET state = $1, last_error = '',
		status_code = 200, attempts = attempts + 1, updated_at = $2 WHERE id = $3`,
		model.DeliveryDelivered, ts(at), id)
}

// purgeJobErrors clears the errors River recorded for a ticket's delivery jobs.
// They name only an endpoint's origin since the worker's errors were redacted,
// but older rows carried the rendered URL's path. Databases without River's tables
// (store tests) have nothing to clear.
func (q *Queries) purgeJobErrors(ctx context.Context, ticketID int64) error {
	exists := `SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'river_job'`
	if q.d.Name == "postgres" {
		exists = `SELECT COUNT(*) FROM pg_catalog.pg_tables WHERE tablename = 'river_job' AND schemaname = current_schema()`
	}
	n, err := q.count(ctx, "find river_job", exists)
	if err != nil || n == 0 {
		return err
	}
	return q.exec(ctx, "purge job errors", false, `UPDATE river_job SET errors = NULL WHERE errors IS NOT NULL
		AND id IN (SELECT job_id FROM deliveries WHERE ticket_id = $1 AND job_id > 0)`, ticketID)
}

// ForgetJob deletes a settled River job (completed, cancelled or discarded), so
// a retried delivery that gets a new job leaves no errors behind in the old one.
func (q *Queries) ForgetJob(ctx context.Context, jobID int64) error {
	return q.exec(ctx, "forget job", false, `DELETE FROM river_job WHERE id = $1
		AND state IN ('completed', 'cancelled', 'discarded')`, jobID)
}

// RetryingURL is a delivery waiting to retry: its job and the URL it goes to.
type RetryingURL struct {
	JobID int64
	URL   string
}

// UnreachableDeliveries lists up to limit deliveries waiting to retry because their
// endpoint could not be reached at all (no HTTP status), oldest first. An endpoint
// that answered with an error status is up, and its deliveries keep their backoff.
func (q *Queries) UnreachableDeliveries(ctx context.Context, limit int) ([]RetryingURL, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT job_id, url FROM deliveries WHERE state = $1 AND job_id > 0
		AND status_code = 0 ORDER BY updated_at LIMIT $2`, model.DeliveryRetrying, limit)
	if err != nil {
		return nil, q.wrap("retrying deliveries", err)
	}
	defer rows.Close()
	var out []RetryingURL
	for rows.Next() {
		var r RetryingURL
		if err := rows.Scan(&r.JobID, &r.URL); err != nil {
			return nil, q.wrap("scan retrying delivery", err)
		}
		out = append(out, r)
	}
	return out, q.wrapIf("retrying deliveries", rows.Err())
}

// FailedDeliveries lists a ticket's failed deliveries by chain and step. Bodies
// are left out unless withBody (a retry needs them; a page showing the failure
// doesn't, and an escalation's body holds the whole conversation).
func (q *Queries) FailedDeliveries(ctx context.Context, ticketID int64, withBody bool) ([]model.Delivery, error) {
	cols := deliveryCols
	if !withBody {
		cols = strings.Replace(cols, "url, body,", "url, '' AS body,", 1)
	}
	return q.deliveries(ctx, "failed deliveries", `SELECT `+cols+` FROM deliveries WHERE ticket_id = $1 AND state = $2
		ORDER BY chain_id, step`, ticketID, model.DeliveryFailed)
}

// UnsettledDeliveries counts a ticket's deliveries not yet delivered or failed.
func (q *Queries) UnsettledDeliveries(ctx context.Context, ticketID int64) (int64, error) {
	return q.count(ctx, "unsettled deliveries", `SELECT COUNT(*) FROM deliveries WHERE ticket_id = $1
		AND state IN ($2, $3, $4)`, ticketID, model.DeliveryWaiting, model.DeliveryPending, model.DeliveryRetrying)
}

// SetDeliveryRequest replaces the URL and body of a delivery not yet delivered
// (a failed chain restarted from the ticket as it is now).
func (q *Queries) SetDeliveryRequest(ctx context.Context, id, url, body string) error {
	return q.exec(ctx, "set delivery request", true, `UPDATE deliveries SET url = $1, body = $2 WHERE id = $3
		AND state <> $4`, url, body, id, model.DeliveryDelivered)
}
