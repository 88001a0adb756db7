package jobs

import (
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/twindesk/twindesk/internal/webhook"
)

// attemptError describes a failed attempt naming only the endpoint's origin
// (scheme and host). A delivery's URL is rendered from ticket data: a path such
// as /tickets/{{ticket.external_id}} or a query carries ticket text, and this
// error is kept where a purge doesn't reach on its own: the delivery's
// last_error, River's job errors, and the log. (The sender's own message keeps
// the path, and for network errors net/http quotes the whole URL, query
// included.)
func attemptError(req webhook.Request, out webhook.Outcome) error {
	origin := originOf(req.URL)
	method := strings.ToUpper(req.Method)
	if out.StatusCode/100 == 3 { // the Location may carry ticket data too: not quoted
		return fmt.Errorf("webhook: %s %s answered %d, a redirect: webhooks never follow redirects, point the endpoint at the final URL", method, origin, out.StatusCode)
	}
	if out.StatusCode != 0 {
		return fmt.Errorf("webhook: %s %s answered %d", method, origin, out.StatusCode)
	}
	var ue *url.Error
	if errors.As(out.Err, &ue) {
		return fmt.Errorf("webhook: %s %s: %w", method, origin, ue.Err)
	}
	msg := out.Err.Error()
	if u, err := url.Parse(req.URL); err == nil && (u.Path != "" || u.RawQuery != "") {
		for _, s := range []string{req.URL, u.String(), u.EscapedPath(), u.Path, u.RawQuery} {
			if s != "" && s != "/" {
				msg = strings.ReplaceAll(msg, s, "…")
			}
		}
	}
	return fmt.Errorf("webhook: %s %s: %s", method, origin, msg)
}

// originOf is scheme://host of raw, without credentials, path or query.
func originOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return "(unparsable URL)"
	}
	return u.Scheme + "://" + u.Host
}
