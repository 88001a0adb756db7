package api

import (
	"html"
	"strings"
)

// htmlBody renders a plain-text comment as Zendesk's html_body: escaped, paragraphs
// in <p>, line breaks as <br>.
func htmlBody(body string) string {
	var b strings.Builder
	b.WriteString(`<div class="zd-comment" dir="auto">`)
	for i, para := range strings.Split(body, "\n\n") {
		if i > 0 {
			b.WriteString("\n")
		}
		b.WriteString("<p dir=\"auto\">")
		b.WriteString(strings.ReplaceAll(html.EscapeString(para), "\n", "<br>"))
		b.WriteString("</p>")
	}
	b.WriteString("</div>")
	return b.String()
}
