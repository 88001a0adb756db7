package desk

import (
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/twindesk/twindesk/internal/liquid"
	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/webhook"
)

// WithConfidential puts the instance in confidential mode (the secure instance):
// notification bodies may not use comment or description placeholders, and
// webhooks and targets may only call the listed hosts ("host" or "host:port").
func WithConfidential(allowedHosts []string) Option {
	return func(s *Service) {
		s.confidential = true
		s.allowedHosts = allowedHosts
	}
}

// Confidential reports whether this is a confidential (secure) instance.
func (s *Service) Confidential() bool { return s.confidential }

// textPlaceholder matches the placeholders that expose ticket text. Matching the
// template source gives the user a clear error on save; the render data is also
// stripped of that text (stripText), so an aliasing trick can't get it out either.
var textPlaceholder = regexp.MustCompile(`\b(ticket\.(description|comments\w*|latest_comment\w*|latest_public_comment\w*|public_comments\w*)|comment\.(value|body|plain_body))\b`)

// checkConfidentialBody returns why a notification body is refused, or "".
func (s *Service) checkConfidentialBody(body string) string {
	if !s.confidential {
		return ""
	}
	if m := textPlaceholder.FindString(body); m != "" {
		return "confidential mode: the body may not use " + m + " (comment and description text never leaves this instance)"
	}
	return ""
}

// hostAllowed reports whether a webhook or target URL template may be called:
// its authority (user, host and port) must be literal text, with no placeholder
// or tag, and name a listed host. The sender checks the rendered URL again.
func (s *Service) hostAllowed(rawURL string) bool {
	if !s.confidential {
		return true
	}
	if computedAuthority(rawURL) {
		return false
	}
	prefix, _, _ := strings.Cut(rawURL, "{")
	u, err := url.Parse(prefix)
	if err != nil || u.Host == "" {
		return false
	}
	host := webhook.HostPort(u)
	return slices.Contains(s.allowedHosts, u.Hostname()) || slices.Contains(s.allowedHosts, host) || slices.Contains(s.allowedHosts, u.Host)
}

// computedAuthority reports whether Liquid ("{{" or "{%") appears in a URL
// template's authority, the text between "://" and the first "/", "?" or "#":
// `http://allowed{{ "@other:9999" }}/` would render to another host.
func computedAuthority(rawURL string) bool {
	_, rest, ok := strings.Cut(rawURL, "://")
	if !ok {
		return strings.Contains(rawURL, "{")
	}
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		rest = rest[:i]
	}
	return strings.Contains(rest, "{")
}

func (s *Service) hostError(field, rawURL string) *model.ValidationError {
	if computedAuthority(rawURL) {
		return model.Invalid(field, "InvalidValue", "%s: confidential mode: the host of %q can't use placeholders; write the host and port as text (--webhook-hosts %s)",
			field, rawURL, strings.Join(s.allowedHosts, ","))
	}
	return model.Invalid(field, "InvalidValue", "%s: confidential mode: %q is not on the webhook host allowlist (--webhook-hosts %s)",
		field, rawURL, strings.Join(s.allowedHosts, ","))
}

// stripText removes comment and description text from render data in confidential
// mode, whatever the template does.
func (s *Service) stripText(d *liquid.TicketData) {
	if !s.confidential {
		return
	}
	d.Comments = nil
	d.Ticket.Description = ""
}
