package zdimport

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"time"
)

// importTickets walks the source's incremental ticket export (every ticket,
// closed and archived ones included, deleted ones marked so) and carries each
// new or changed ticket with Concurrency workers.
func (im *Importer) importTickets(ctx context.Context) error {
	work := make(chan map[string]any, im.cfg.Concurrency)
	errs := make(chan error, im.cfg.Concurrency)
	var wg sync.WaitGroup
	var done atomic.Int64
	for range im.cfg.Concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for rec := range work {
				if err := im.carryTicket(ctx, rec); err != nil {
					errs <- err
					return
				}
				done.Add(1)
			}
		}()
	}
	stop := im.startProgress(&done)
	err := im.walkTickets(ctx, func(rec map[string]any) error {
		select {
		case work <- rec:
			return nil
		case err := <-errs:
			return err
		case <-ctx.Done():
			return ctx.Err()
		}
	})
	close(work)
	wg.Wait()
	stop()
	close(errs)
	if err != nil {
		return err
	}
	return <-errs
}

// walkTickets hands fn each ticket to carry; unchanged and deleted ones are
// counted here.
func (im *Importer) walkTickets(ctx context.Context, fn func(map[string]any) error) error {
	seen := map[int64]string{}
	next := "/api/v2/incremental/tickets/cursor.json?start_time=0"
	for next != "" {
		var page struct {
			Tickets     []map[string]any `json:"tickets"`
			AfterURL    string           `json:"after_url"`
			EndOfStream bool             `json:"end_of_stream"`
		}
		if err := im.src.getJSON(ctx, next, &page); err != nil {
			return err
		}
		for _, rec := range page.Tickets {
			id, updated := idOf(rec["id"]), str(rec["updated_at"])
			if prev, dup := seen[id]; dup && prev == updated {
				continue // shown twice by the export: carried once
			}
			seen[id] = updated
			e, known := im.ids.get(kindTicket, id)
			switch {
			case str(rec["status"]) == "deleted":
				// Deleted or purged at the source: never brought (back) to life.
				im.rep.skipped(kindTicket, id, "deleted in the source; not imported")
			case known && e.updated == updated:
				im.rep.unchanged(kindTicket)
			default:
				if err := fn(rec); err != nil {
					return err
				}
			}
		}
		if page.EndOfStream || len(page.Tickets) == 0 {
			return nil
		}
		next = page.AfterURL
	}
	return nil
}

func (im *Importer) startProgress(done *atomic.Int64) func() {
	if im.cfg.Progress == nil {
		return func() {}
	}
	quit := make(chan struct{})
	finished := make(chan struct{})
	start := time.Now()
	go func() {
		defer close(finished)
		t := time.NewTicker(im.cfg.ProgressEvery)
		defer t.Stop()
		for {
			select {
			case <-quit:
				return
			case <-t.C:
				c, n := im.rep.Get(kindTicket), done.Load()
				fmt.Fprintf(im.cfg.Progress, "import: tickets %d carried (%d new, %d updated), %d unchanged, %d skipped, %d failed, %.0f/s\n",
					n, c.Created, c.Updated, c.Unchanged, c.Skipped, c.Failed, float64(n)/time.Since(start).Seconds())
			}
		}
	}()
	return func() { close(quit); <-finished }
}

// carryTicket imports one ticket with its conversation, keyed on its source id.
func (im *Importer) carryTicket(ctx context.Context, rec map[string]any) error {
	id, updated := idOf(rec["id"]), str(rec["updated_at"])
	prev, known := im.ids.get(kindTicket, id)
	t, err := im.ticketPayload(ctx, rec)
	if err != nil {
		return err
	}
	comments, err := im.commentsPayload(ctx, id, prev.updated)
	if err != nil {
		return im.recordError(kindTicket, id, err)
	}
	t["comments"] = comments
	t["twindesk_import_source"] = map[string]any{"system": im.system, "id": id, "updated_at": updated}
	var out struct {
		Ticket map[string]any `json:"ticket"`
	}
	if err := im.dst.doJSON(ctx, http.MethodPost, "/api/v2/imports/tickets.json", map[string]any{"ticket": t}, &out); err != nil {
		return im.recordError(kindTicket, id, err)
	}
	im.ids.set(kindTicket, id, idOf(out.Ticket["id"]), updated)
	if known {
		im.rep.updated(kindTicket)
	} else {
		im.rep.created(kindTicket)
	}
	return nil
}

// ticketPayload maps a source ticket's fields to the target's ids.
func (im *Importer) ticketPayload(ctx context.Context, rec map[string]any) (map[string]any, error) {
	id := idOf(rec["id"])
	t := pick(rec, "subject", "status", "priority", "type", "tags", "external_id", "created_at", "updated_at")
	for _, role := range []string{"requester_id", "submitter_id", "assignee_id"} {
		src := idOf(rec[role])
		u, err := im.ensureUser(ctx, src)
		if err != nil {
			return nil, err
		}
		if u != 0 {
			t[role] = u
		} else if src != 0 {
			im.rep.problem(kindTicket, id, "%s %d could not be carried; left unset", role, src)
		}
	}
	for role, kind := range map[string]string{"group_id": kindGroup, "organization_id": kindOrg, "ticket_form_id": kindForm} {
		t[role] = nil // none, not the target's default (the requester's organization)
		if src := idOf(rec[role]); src != 0 {
			if tid := im.ids.target(kind, src); tid != 0 {
				t[role] = tid
			} else {
				im.rep.problem(kindTicket, id, "%s %d was not carried; left unset", role, src)
			}
		}
	}
	for _, list := range []string{"email_cc_ids", "follower_ids"} {
		ids := []int64{}
		for _, v := range asList(rec[list]) {
			u, err := im.ensureUser(ctx, idOf(v))
			if err != nil {
				return nil, err
			}
			if u == 0 {
				im.rep.problem(kindTicket, id, "%s: user %d could not be carried; left out", list, idOf(v))
				continue
			}
			ids = append(ids, u)
		}
		t[list] = ids
	}
	var fields []map[string]any
	for _, f := range asList(rec["custom_fields"]) {
		m, _ := f.(map[string]any)
		if m == nil || m["value"] == nil {
			continue
		}
		if fid := im.ids.target(kindField, idOf(m["id"])); fid != 0 {
			fields = append(fields, map[string]any{"id": fid, "value": m["value"]})
		}
	}
	t["custom_fields"] = fields
	return t, nil
}

// commentsPayload reads a ticket's comments from the source, oldest first,
// with authors mapped and attachments copied. When the ticket was carried
// before (at prevUpdated), only comments from then on get their files copied:
// the target keeps the comments it has and appends the rest.
func (im *Importer) commentsPayload(ctx context.Context, ticketID int64, prevUpdated string) ([]map[string]any, error) {
	var out []map[string]any
	err := eachRecord(ctx, im.src, fmt.Sprintf("/api/v2/tickets/%d/comments.json", ticketID), "comments", func(c map[string]any) error {
		body := str(c["body"])
		if body == "" {
			body = str(c["html_body"])
		}
		m := map[string]any{"value": body, "public": c["public"], "created_at": c["created_at"]}
		if mid := messageID(c); mid != "" {
			m["twindesk_message_id"] = mid // a reply naming this mail threads after the move
		}
		switch author := idOf(c["author_id"]); author {
		case -1:
			m["author_id"] = -1 // Zendesk's system user, kept as Zendesk shows it
		default:
			u, err := im.ensureUser(ctx, author)
			if err != nil {
				return err
			}
			if u == 0 {
				im.rep.problem(kindTicket, ticketID, "comment %v: author %d could not be carried; the submitter is shown instead", c["id"], author)
			} else {
				m["author_id"] = u
			}
		}
		if prevUpdated == "" || str(c["created_at"]) >= prevUpdated {
			uploads, err := im.copyAttachments(ctx, ticketID, asList(c["attachments"]))
			if err != nil {
				return err
			}
			if len(uploads) > 0 {
				m["uploads"] = uploads
			}
		}
		out = append(out, m)
		return nil
	})
	return out, err
}

// copyAttachments downloads each file from the source and uploads it to the
// target, answering one upload token for them all.
func (im *Importer) copyAttachments(ctx context.Context, ticketID int64, atts []any) ([]string, error) {
	token := ""
	for _, x := range atts {
		a, _ := x.(map[string]any)
		if a == nil || a["deleted"] == true || str(a["content_url"]) == "" {
			continue
		}
		data, err := im.src.do(ctx, http.MethodGet, str(a["content_url"]), "", nil)
		if st := statusOf(err); st >= 400 && st < 500 && st != http.StatusUnauthorized && st != http.StatusForbidden {
			im.rep.problem(kindTicket, ticketID, "attachment %q could not be read: %v", str(a["file_name"]), err)
			continue
		}
		if err != nil {
			return nil, err
		}
		q := url.Values{"filename": {str(a["file_name"])}}
		if token != "" {
			q.Set("token", token)
		}
		ctype := str(a["content_type"])
		if ctype == "" {
			ctype = "application/octet-stream"
		}
		raw, err := im.dst.do(ctx, http.MethodPost, "/api/v2/uploads.json?"+q.Encode(), ctype, data)
		if err != nil {
			return nil, err
		}
		var up struct {
			Upload struct {
				Token string `json:"token"`
			} `json:"upload"`
		}
		if err := json.Unmarshal(raw, &up); err != nil {
			return nil, fmt.Errorf("zdimport: upload answer: %w", err)
		}
		token = up.Upload.Token
		im.rep.mu.Lock()
		im.rep.Attachments++
		im.rep.Bytes += int64(len(data))
		im.rep.mu.Unlock()
	}
	if token == "" {
		return nil, nil
	}
	return []string{token}, nil
}

// messageID is the Message-ID of the mail a source comment was made of: Zendesk
// keeps it in metadata.system.message_id of comments that came by mail.
func messageID(c map[string]any) string {
	md, _ := c["metadata"].(map[string]any)
	sys, _ := md["system"].(map[string]any)
	return str(sys["message_id"])
}
