package parse

import (
	"regexp"
	"strings"

	"github.com/microcosm-cc/bluemonday"
	"golang.org/x/net/html"
)

// HTMLToText sanitises an HTML body with bluemonday (scripts, styles, handlers
// and remote content go) and reduces what is left to text: block elements end a
// line, links keep their target, images their alt text.
func HTMLToText(src string) string {
	clean := policy().Sanitize(src)
	doc, err := html.Parse(strings.NewReader(clean))
	if err != nil {
		return bluemonday.StrictPolicy().Sanitize(src)
	}
	var b strings.Builder
	walkText(&b, doc)
	return collapseBlank(b.String())
}

// policy keeps the structure that matters for text (blocks, lists, links,
// quotes) and drops everything else, including <style> and <script> bodies.
func policy() *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	p.AllowElements("p", "div", "br", "span", "b", "i", "u", "em", "strong", "ul", "ol", "li", "blockquote",
		"pre", "code", "table", "tr", "td", "th", "tbody", "thead", "h1", "h2", "h3", "h4", "h5", "h6", "hr")
	p.AllowAttrs("href").OnElements("a")
	p.AllowAttrs("alt").OnElements("img")
	p.AllowElements("a", "img")
	p.AllowURLSchemes("http", "https", "mailto", "cid")
	return p
}

var blocks = map[string]bool{"p": true, "div": true, "li": true, "tr": true, "blockquote": true, "pre": true,
	"table": true, "h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true, "ul": true, "ol": true}

func walkText(b *strings.Builder, n *html.Node) {
	switch n.Type {
	case html.TextNode:
		// Runs of ASCII white space are one space; a no-break space stays.
		b.WriteString(asciiSpace.ReplaceAllString(n.Data, " "))
		return
	case html.ElementNode:
		switch n.Data {
		case "br":
			b.WriteByte('\n')
			return
		case "hr":
			b.WriteString("\n---\n")
			return
		case "img":
			if alt := attr(n, "alt"); alt != "" {
				b.WriteString("[" + alt + "]")
			}
			return
		case "li":
			b.WriteString("\n- ")
		case "td", "th":
			b.WriteByte(' ')
		}
		if blocks[n.Data] {
			b.WriteByte('\n')
		}
	}
	quote := n.Type == html.ElementNode && n.Data == "blockquote"
	start := b.Len()
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		walkText(b, c)
	}
	if quote { // quoted history reads as "> " lines, which TrimQuoted recognises
		inner := strings.TrimSpace(b.String()[start:])
		s := b.String()[:start]
		b.Reset()
		b.WriteString(s)
		for _, l := range strings.Split(inner, "\n") {
			b.WriteString("\n> " + strings.TrimSpace(l))
		}
	}
	if n.Type == html.ElementNode {
		if n.Data == "a" {
			if href := attr(n, "href"); href != "" && !strings.HasPrefix(href, "mailto:") {
				b.WriteString(" (" + href + ")")
			}
		}
		if blocks[n.Data] {
			b.WriteByte('\n')
		}
	}
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

var asciiSpace = regexp.MustCompile(`[ \t\r\n\f]+`)

var blankRun = regexp.MustCompile(`\n[ \t]*(\n[ \t]*)+\n`)

// collapseBlank trims each line and keeps at most one empty line in a row.
func collapseBlank(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimSpace(l)
	}
	return strings.TrimSpace(blankRun.ReplaceAllString(strings.Join(lines, "\n"), "\n\n"))
}
