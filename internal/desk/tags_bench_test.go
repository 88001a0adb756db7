package desk_test

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"testing"

	"github.com/twindesk/twindesk/internal/desk"
	"github.com/twindesk/twindesk/internal/model"
)

func manyTags(n int, prefix string) []string {
	tags := make([]string, n)
	for i := range tags {
		tags[i] = prefix + strconv.Itoa(i)
	}
	return tags
}

// BenchmarkNormalizeTags is the parse of a request's tag list.
func BenchmarkNormalizeTags(b *testing.B) {
	for _, n := range []int{1000, 100000} {
		b.Run(fmt.Sprintf("tags=%d", n), func(b *testing.B) {
			tags := manyTags(n, "tag")
			for b.Loop() {
				desk.NormalizeTags(tags)
			}
		})
	}
}

// BenchmarkTicketTags creates a ticket with n tags, then adds n more and removes
// them, through desk on SQLite. Past desk.MaxTicketTags the answer is a 422,
// which is timed too: how long an abusive request holds the writer.
func BenchmarkTicketTags(b *testing.B) {
	for _, n := range []int{500, 100000} {
		b.Run(fmt.Sprintf("tags=%d", n), func(b *testing.B) {
			ctx := context.Background()
			d, admin, _ := benchDesk(b, 0, false)
			tags, more := manyTags(n, "tag"), manyTags(n, "more")
			subject := "tags"
			for b.Loop() {
				res, err := d.CreateTicket(ctx, admin, desk.TicketInput{Subject: &subject, Tags: &tags,
					Comment: &desk.CommentInput{Body: "tags"}}, "")
				if tooMany(b, err) {
					continue
				}
				_, err = d.UpdateTicket(ctx, admin, res.Ticket.ID, desk.TicketInput{AdditionalTags: more})
				if tooMany(b, err) {
					continue
				}
				if _, err := d.UpdateTicket(ctx, admin, res.Ticket.ID, desk.TicketInput{RemoveTags: more}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// tooMany reports whether err is the refusal of too many tags; any other error
// fails the benchmark.
func tooMany(b *testing.B, err error) bool {
	var ve *model.ValidationError
	if errors.As(err, &ve) {
		return true
	}
	if err != nil {
		b.Fatal(err)
	}
	return false
}
