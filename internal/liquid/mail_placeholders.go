package liquid

import (
	"html"
	"net/url"
	"strings"

	"github.com/twindesk/twindesk/internal/model"
)

// addMailBindings adds the placeholders Zendesk's notification mails use that
// the webhook set lacked:
//
//   - ticket.account: the instance's host (Zendesk: the account's name);
//   - ticket.latest_comment_html, ticket.latest_public_comment_html: the comment
//     as HTML, its text escaped and its line breaks as <br>;
//   - ticket.encoded_id: the reference a reply carries back ("td-42-…"), set
//     only when mail is rendered (TicketData.EncodedID), as Zendesk's is.
func addMailBindings(m map[string]any, d *TicketData, all, public []model.Comment) {
	account := d.BaseURL
	if u, err := url.Parse(d.BaseURL); err == nil && u.Host != "" {
		account = u.Host
	}
	m["account"] = account
	m["latest_comment_html"] = commentHTML(latestBody(all))
	m["latest_public_comment_html"] = commentHTML(latestBody(public))
	m["encoded_id"] = d.EncodedID
}

func commentHTML(body string) string {
	if body == "" {
		return ""
	}
	return "<p>" + strings.ReplaceAll(html.EscapeString(body), "\n", "<br>\n") + "</p>"
}
