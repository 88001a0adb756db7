package httpx

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// SessionCookiePrefix starts the name of every instance's session cookie.
const SessionCookiePrefix = "twindesk_session_"

// SessionCookie is the name of the agent UI's session cookie for the instance
// at baseURL. Browsers keep cookies per host name, not per port, so a standard
// and a secure instance on one host sharing a name logged each other out; a
// name per instance keeps both sessions.
func SessionCookie(baseURL string) string { return SessionCookiePrefix + instanceSuffix(baseURL) }

// LoginCookie is the name of the login form's anti-forgery cookie for the
// instance at baseURL.
func LoginCookie(baseURL string) string { return "twindesk_login_" + instanceSuffix(baseURL) }

func instanceSuffix(baseURL string) string {
	sum := sha256.Sum256([]byte(strings.TrimRight(strings.ToLower(baseURL), "/")))
	return hex.EncodeToString(sum[:4])
}
