package jobs

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/peer"
	"github.com/twindesk/twindesk/internal/store"
	"github.com/twindesk/twindesk/internal/webhook"
)

// A note added on a stub goes to the secure ticket with its files (issue 18
// point 6): the "send comment" body's comment has "uploads":
// "twindesk:files:<comment id>", which the worker replaces with the tokens of
// that comment's files, uploaded first. Once the note is delivered, the files
// are deleted here, in the transaction that records the delivery: the stub
// keeps the note's text, as before, but no file.

// ForwardedFiles deletes files the escalation delivered to the other instance.
// desk.Service is one; see Queue.ForgetForwardedFiles.
type ForwardedFiles interface {
	// ForgetForwarded deletes, in tx, the files ids of ticket ticketID with their
	// thumbnails; bytes the store can't delete in tx are owed.
	ForgetForwarded(ctx context.Context, tx *store.Tx, ticketID int64, ids []int64) error
	// PayBlobDeletes removes the bytes owed, after the commit.
	PayBlobDeletes(ctx context.Context) int
}

// ForgetForwardedFiles makes the queue delete the files of delivered notes with
// f. Call it before Start; without it delivered files stay.
func (q *Queue) ForgetForwardedFiles(f ForwardedFiles) { q.forwarded = f }

// noteComment returns the comment id named by the body's files marker.
func noteComment(body string) (int64, bool) {
	if !strings.Contains(body, peer.FilesMarkerPrefix) {
		return 0, false
	}
	c := noteObject(body)
	if c == nil {
		return 0, false
	}
	var marker string
	if json.Unmarshal(c["uploads"], &marker) != nil || !strings.HasPrefix(marker, peer.FilesMarkerPrefix) {
		return 0, false
	}
	id, err := strconv.ParseInt(strings.TrimPrefix(marker, peer.FilesMarkerPrefix), 10, 64)
	return id, err == nil && id > 0
}

// noteObject is the comment object of a {"ticket": {"comment": {...}}} body.
func noteObject(body string) map[string]json.RawMessage {
	var outer struct {
		Ticket struct {
			Comment map[string]json.RawMessage `json:"comment"`
		} `json:"ticket"`
	}
	if json.Unmarshal([]byte(body), &outer) != nil {
		return nil
	}
	return outer.Ticket.Comment
}

// completeNote uploads the files of the marked comment, which must be one of
// the delivery's ticket, and returns req with their tokens and the ids sent.
func (q *Queue) completeNote(ctx context.Context, d *model.Delivery, req webhook.Request, commentID int64) (webhook.Request, []int64, *webhook.Outcome) {
	if q.blobs == nil {
		return req, nil, &webhook.Outcome{Err: fmt.Errorf("jobs: forward note: no attachment store configured")}
	}
	all, err := q.db.Read().TicketAttachments(ctx, d.TicketID)
	if err != nil {
		return req, nil, &webhook.Outcome{Err: fmt.Errorf("jobs: forward note of ticket %d: %w", d.TicketID, err), Retryable: true}
	}
	var tokens []string
	var sent []int64
	for _, a := range all {
		if a.CommentID != commentID || a.ThumbnailOf != 0 || a.BlobID == "" {
			continue
		}
		token, o := q.upload(ctx, req, a, cmpToken(tokens))
		if o != nil {
			return req, nil, o
		}
		if len(tokens) == 0 {
			tokens = []string{token}
		}
		sent = append(sent, a.ID)
	}
	c := noteObject(req.Body)
	if len(tokens) == 0 {
		delete(c, "uploads")
	} else {
		c["uploads"], _ = json.Marshal(tokens)
	}
	body, err := json.Marshal(map[string]any{"ticket": map[string]any{"comment": c}})
	if err != nil {
		return req, nil, &webhook.Outcome{Err: fmt.Errorf("jobs: forward note: %w", err)}
	}
	req.Body = string(body)
	return req, sent, nil
}
