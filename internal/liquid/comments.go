package liquid

import (
	"strings"

	"github.com/twindesk/twindesk/internal/model"
)

// commentRule separates comments in the *_formatted placeholders, as in Zendesk.
const commentRule = "----------------------------------------------"

// newestFirst returns the comments newest first (the caller's slice is oldest
// first), optionally only the public ones. It copies, so the caller's slice is
// never reordered.
func newestFirst(comments []model.Comment, publicOnly bool) []model.Comment {
	out := make([]model.Comment, 0, len(comments))
	for i := len(comments) - 1; i >= 0; i-- {
		if publicOnly && !comments[i].Public {
			continue
		}
		out = append(out, comments[i])
	}
	return out
}

// first returns the first element as a slice, or nil when there is none.
func first(cs []model.Comment) []model.Comment {
	if len(cs) == 0 {
		return nil
	}
	return cs[:1]
}

func latestBody(newest []model.Comment) string {
	if len(newest) == 0 {
		return ""
	}
	return newest[0].Body
}

// formatComments renders comments (already newest first) in Zendesk's
// comments_formatted layout. Each comment is
//
//	----------------------------------------------
//
//	Author Name, Jan 2, 2006, 15:04
//
//	body
//
// and comments are separated by a blank line. Times are UTC.
//
// Which comments are passed decides the placeholder: ticket.comments_formatted and
// ticket.latest_comment_formatted include private notes, because a webhook has no
// recipient to hide them from and the escalation recipe forwards the whole
// conversation, notes included, to the secure instance. The public_* variants
// leave notes out. Private notes are not marked, as in Zendesk's layout.
func formatComments(newest []model.Comment, users map[int64]model.User) string {
	var b strings.Builder
	for i, c := range newest {
		if i > 0 {
			b.WriteString("\n\n")
		}
		b.WriteString(commentRule)
		b.WriteString("\n\n")
		b.WriteString(authorName(users, c.AuthorID))
		if ts := formatTime(c.CreatedAt, dateTimeLayout); ts != "" {
			b.WriteString(", ")
			b.WriteString(ts)
		}
		b.WriteString("\n\n")
		b.WriteString(c.Body)
	}
	return b.String()
}

func authorName(users map[int64]model.User, id int64) string {
	if u, ok := users[id]; ok && u.Name != "" {
		return u.Name
	}
	return "Unknown user"
}

// commentBindings builds ticket.comments: a list (newest first, like
// comments_formatted) of {id, value, is_public, created_at, author}.
func commentBindings(newest []model.Comment, users map[int64]model.User) []map[string]any {
	out := make([]map[string]any, len(newest))
	for i, c := range newest {
		out[i] = map[string]any{
			"id":                        c.ID,
			"value":                     c.Body,
			"is_public":                 c.Public,
			"created_at":                formatTime(c.CreatedAt, dateTimeLayout),
			"created_at_with_timestamp": formatTime(c.CreatedAt, timestampLayout),
			"author":                    userByID(users, c.AuthorID),
		}
	}
	return out
}
