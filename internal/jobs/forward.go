package jobs

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/peer"
	"github.com/twindesk/twindesk/internal/store"
	"github.com/twindesk/twindesk/internal/webhook"
)

// The escalation's forward (issue 18). A webhook body can't carry files, and
// Liquid renders text when the trigger fires, so the worker completes a body
// that asks for it: a ticket whose "comments" is the string ConversationMarker
// gets, at send time, every comment of the delivery's ticket as the Ticket
// Import API takes it (author name and email, value, public, created_at), and
// each comment's files are first sent to the same endpoint's POST
// /api/v2/uploads with the webhook's credentials, their tokens put in the
// comment's "uploads". Nothing of the conversation is stored in the delivery.

// ConversationMarker is the value of "comments" that the worker replaces.
const ConversationMarker = peer.ConversationMarker

// forwardTimeout bounds a forward's attempt: every upload plus the import. It
// stays under RescueStuckJobsAfter, or another node would start the same
// forward while this one still runs.
const forwardTimeout = 50 * time.Second

// isForward reports whether a delivery's body asks for the conversation or
// for a note's files (forward_note.go).
func isForward(body string) bool {
	if _, ok := noteComment(body); ok {
		return true
	}
	return strings.Contains(body, ConversationMarker) && forwardTicket(body) != nil
}

// forwardTicket returns the body's ticket object when its comments are the
// marker, else nil.
func forwardTicket(body string) map[string]json.RawMessage {
	var outer struct {
		Ticket map[string]json.RawMessage `json:"ticket"`
	}
	if json.Unmarshal([]byte(body), &outer) != nil || outer.Ticket == nil {
		return nil
	}
	var marker string
	if json.Unmarshal(outer.Ticket["comments"], &marker) != nil || marker != ConversationMarker {
		return nil
	}
	return outer.Ticket
}

// importComment is one comment as POST /api/v2/imports/tickets takes it. The
// author is named by email: the receiving instance decides who that is.
type importComment struct {
	Value     string       `json:"value"`
	Public    bool         `json:"public"`
	Author    importAuthor `json:"author"`
	CreatedAt string       `json:"created_at"`
	Uploads   []string     `json:"uploads,omitempty"`
}

type importAuthor struct {
	Name  string `json:"name"`
	Email string `json:"email"`
}

// completeForward uploads the files of d's ticket and returns req with the
// conversation in its body. A failed upload is returned as the attempt's
// outcome, retryable as any request is.
func (q *Queue) completeForward(ctx context.Context, d *model.Delivery, req webhook.Request) (webhook.Request, *webhook.Outcome) {
	fail := func(err error) (webhook.Request, *webhook.Outcome) { return req, &webhook.Outcome{Err: err} }
	if q.blobs == nil {
		return fail(fmt.Errorf("jobs: forward: no attachment store configured"))
	}
	tk := forwardTicket(req.Body)
	read := q.db.Read()
	t, err := read.Ticket(ctx, d.TicketID)
	if err != nil {
		return req, &webhook.Outcome{Err: fmt.Errorf("jobs: forward ticket %d: %w", d.TicketID, err), Retryable: true}
	}
	comments, files, users, err := conversation(ctx, read, t.ID)
	if err != nil {
		return req, &webhook.Outcome{Err: err, Retryable: true}
	}
	out := make([]importComment, len(comments))
	for i, c := range comments {
		u := users[c.AuthorID]
		out[i] = importComment{Value: c.Body, Public: c.Public, Author: importAuthor{Name: u.Name, Email: u.Email},
			CreatedAt: c.CreatedAt.UTC().Format(time.RFC3339Nano)}
		for _, f := range files[c.ID] {
			token, o := q.upload(ctx, req, f, cmpToken(out[i].Uploads))
			if o != nil {
				return req, o
			}
			if len(out[i].Uploads) == 0 {
				out[i].Uploads = []string{token}
			}
		}
	}
	if tk["comments"], err = json.Marshal(out); err != nil {
		return fail(fmt.Errorf("jobs: forward: %w", err))
	}
	if _, set := tk["created_at"]; !set {
		tk["created_at"], _ = json.Marshal(t.CreatedAt.UTC().Format(time.RFC3339Nano))
	}
	body, err := json.Marshal(map[string]any{"ticket": tk})
	if err != nil {
		return fail(fmt.Errorf("jobs: forward: %w", err))
	}
	req.Body = string(body)
	return req, nil
}

func cmpToken(tokens []string) string {
	if len(tokens) == 0 {
		return ""
	}
	return tokens[0]
}

// conversation reads a ticket's comments, their files (thumbnails and redacted
// files left out: the receiver makes its own thumbnails) and their authors.
func conversation(ctx context.Context, read *store.Queries, ticketID int64) ([]model.Comment, map[int64][]model.Attachment, map[int64]model.User, error) {
	comments, err := read.Comments(ctx, ticketID, store.Page{Limit: 1 << 20})
	if err != nil {
		return nil, nil, nil, fmt.Errorf("jobs: forward ticket %d: comments: %w", ticketID, err)
	}
	all, err := read.TicketAttachments(ctx, ticketID)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("jobs: forward ticket %d: attachments: %w", ticketID, err)
	}
	files := map[int64][]model.Attachment{}
	for _, a := range all {
		if a.ThumbnailOf == 0 && a.BlobID != "" {
			files[a.CommentID] = append(files[a.CommentID], a)
		}
	}
	ids := make([]int64, 0, len(comments))
	for _, c := range comments {
		ids = append(ids, c.AuthorID)
	}
	list, err := read.UsersByIDs(ctx, ids)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("jobs: forward ticket %d: authors: %w", ticketID, err)
	}
	users := make(map[int64]model.User, len(list))
	for _, u := range list {
		users[u.ID] = u
	}
	return comments, files, users, nil
}

// upload streams one file to the endpoint's POST /api/v2/uploads, adding it to
// token when not empty, and returns the upload's token.
func (q *Queue) upload(ctx context.Context, req webhook.Request, f model.Attachment, token string) (string, *webhook.Outcome) {
	origin, ok := webhook.Origin(req.URL)
	if !ok {
		return "", &webhook.Outcome{Err: fmt.Errorf("jobs: forward: the endpoint names no host")}
	}
	r, err := q.blobs.Open(ctx, f.BlobID)
	if err != nil {
		return "", &webhook.Outcome{Err: fmt.Errorf("jobs: forward: open attachment %d: %w", f.ID, err), Retryable: true}
	}
	defer r.Close()
	params := url.Values{"filename": {f.FileName}}
	if token != "" {
		params.Set("token", token)
	}
	up := webhook.Request{DeliveryID: req.DeliveryID, Method: "POST", URL: origin + "/api/v2/uploads.json?" + params.Encode(),
		ContentType: f.ContentType, AuthType: req.AuthType, AuthData: req.AuthData, Headers: req.Headers,
		Stream: r, KeepAnswer: true}
	o := q.sender.Send(ctx, up)
	if !o.Delivered() {
		return "", &o
	}
	var answer struct {
		Upload struct {
			Token string `json:"token"`
		} `json:"upload"`
	}
	if err := json.NewDecoder(bytes.NewReader(o.Answer)).Decode(&answer); err != nil || answer.Upload.Token == "" {
		return "", &webhook.Outcome{StatusCode: o.StatusCode, Err: fmt.Errorf("jobs: forward: the upload of attachment %d answered no token", f.ID)}
	}
	return answer.Upload.Token, nil
}
