// Package threadtoken makes and checks the ticket references twindesk puts in the
// mail it sends, so that a reply finds its ticket again: the Message-ID
// ("<td-{ticket}-{n}-{sig}@{domain}>"), a plus-address for Reply-To
// ("it+td-{ticket}-{sig}@{domain}") and a marker in the body ("[td-{ticket}-{sig}]").
//
// Each reference carries an HMAC-SHA256 signature over the instance's mail domain
// and the ticket number, keyed with a key derived from the instance's secret key.
// A reference is accepted only when its signature verifies and its domain is this
// instance's: a mail can't be steered onto another ticket by editing a number,
// and the IT and HR instances (different keys, different domains) never read each
// other's references as their own, even when ticket numbers coincide.
package threadtoken

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base32"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// sigLen is the signature's length in bytes before encoding: 80 bits is far
// beyond what anyone can guess by sending mail, and keeps the local part of a
// plus-address under the 64 characters RFC 5321 allows.
const sigLen = 10

// MinKeyLen is the shortest key New accepts.
const MinKeyLen = 16

// b32 is lower-case base32 without padding: mail systems may lower-case the local
// part of an address, so the signature must survive that.
var b32 = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// Signer makes and verifies references for one instance. It is safe for
// concurrent use.
type Signer struct {
	key    []byte
	domain string
}

// New returns a Signer for the instance's mail domain (the part after "@" in its
// From address). key is secret material of the instance (see
// secretbox.Box.Derive).
func New(key []byte, domain string) (*Signer, error) {
	if len(key) < MinKeyLen {
		return nil, fmt.Errorf("threadtoken: key is %d bytes, want at least %d", len(key), MinKeyLen)
	}
	domain = strings.ToLower(strings.TrimSpace(domain))
	if domain == "" || strings.ContainsAny(domain, "@<> \t\r\n") {
		return nil, errors.New("threadtoken: a mail domain such as company.example is required")
	}
	return &Signer{key: append([]byte(nil), key...), domain: domain}, nil
}

// Domain is the mail domain references are scoped to.
func (s *Signer) Domain() string { return s.domain }

// sign is the signature of one reference kind. The kind is part of the signed
// text, so a signature cut from a Message-ID does not verify as an address token.
func (s *Signer) sign(kind string, ticketID, n int64) string {
	m := hmac.New(sha256.New, s.key)
	fmt.Fprintf(m, "twindesk threadtoken v1\x00%s\x00%s\x00%d\x00%d", kind, s.domain, ticketID, n)
	return b32.EncodeToString(m.Sum(nil)[:sigLen])
}

func (s *Signer) verify(kind string, ticketID, n int64, sig string) bool {
	want := s.sign(kind, ticketID, n)
	return hmac.Equal([]byte(want), []byte(strings.ToLower(sig)))
}

// MessageID is the Message-ID (with angle brackets) of mail n about ticketID; n
// is the comment or notification id that caused it, so every mail of a ticket
// has its own id.
func (s *Signer) MessageID(ticketID, n int64) string {
	return fmt.Sprintf("<td-%d-%d-%s@%s>", ticketID, n, s.sign("msgid", ticketID, n), s.domain)
}

var msgIDRe = regexp.MustCompile(`^td-([1-9][0-9]{0,18})-([0-9]{1,19})-([a-z2-7]+)$`)

// ParseMessageID returns the ticket of a Message-ID this instance made (with or
// without angle brackets), as found in In-Reply-To or References.
func (s *Signer) ParseMessageID(id string) (ticketID int64, ok bool) {
	id = strings.TrimSpace(id)
	id = strings.TrimSuffix(strings.TrimPrefix(id, "<"), ">")
	local, domain, found := strings.Cut(id, "@")
	if !found || !strings.EqualFold(domain, s.domain) {
		return 0, false
	}
	m := msgIDRe.FindStringSubmatch(strings.ToLower(local))
	if m == nil {
		return 0, false
	}
	t, err1 := strconv.ParseInt(m[1], 10, 64)
	n, err2 := strconv.ParseInt(m[2], 10, 64)
	if err1 != nil || err2 != nil || !s.verify("msgid", t, n, m[3]) {
		return 0, false
	}
	return t, true
}

// ParseReferences returns the ticket of the first Message-ID of this instance in
// an In-Reply-To or References header value (ids separated by white space).
func (s *Signer) ParseReferences(header string) (ticketID int64, ok bool) {
	for _, f := range strings.Fields(header) {
		if t, ok := s.ParseMessageID(f); ok {
			return t, true
		}
	}
	return 0, false
}

// token is the part shared by the plus-address and the body marker.
func (s *Signer) token(kind string, ticketID int64) string {
	return fmt.Sprintf("td-%d-%s", ticketID, s.sign(kind, ticketID, 0))
}

// ReplyAddress is mailbox with a plus-tag naming ticketID, for Reply-To:
// ReplyAddress("it@company.example", 42) is "it+td-42-{sig}@company.example".
// A mailbox outside the instance's domain gets no tag (the reply could not be
// verified), so it is returned unchanged.
func (s *Signer) ReplyAddress(mailbox string, ticketID int64) string {
	local, domain, ok := strings.Cut(mailbox, "@")
	if !ok || !strings.EqualFold(domain, s.domain) {
		return mailbox
	}
	if i := strings.IndexByte(local, '+'); i >= 0 {
		local = local[:i]
	}
	return local + "+" + s.token("addr", ticketID) + "@" + domain
}

var tokenRe = regexp.MustCompile(`^td-([1-9][0-9]{0,18})-([a-z2-7]+)$`)

// ParseAddress returns the ticket named by the plus-tag of an address (a bare
// address, or one in angle brackets) that ReplyAddress made.
func (s *Signer) ParseAddress(addr string) (ticketID int64, ok bool) {
	addr = strings.TrimSpace(addr)
	if i := strings.LastIndexByte(addr, '<'); i >= 0 {
		addr = strings.TrimSuffix(addr[i+1:], ">")
	}
	local, domain, found := strings.Cut(addr, "@")
	if !found || !strings.EqualFold(domain, s.domain) {
		return 0, false
	}
	_, tag, found := strings.Cut(local, "+")
	if !found {
		return 0, false
	}
	return s.parseToken("addr", strings.ToLower(tag))
}

func (s *Signer) parseToken(kind, tok string) (int64, bool) {
	m := tokenRe.FindStringSubmatch(tok)
	if m == nil {
		return 0, false
	}
	t, err := strconv.ParseInt(m[1], 10, 64)
	if err != nil || !s.verify(kind, t, 0, m[2]) {
		return 0, false
	}
	return t, true
}

// Marker is the reference twindesk writes at the foot of a mail body, for
// replies whose client dropped both the headers and the plus-address:
// "[td-42-{sig}]". The domain is not in the text but in the signature.
func (s *Signer) Marker(ticketID int64) string {
	return "[" + s.token("body", ticketID) + "]"
}

var markerRe = regexp.MustCompile(`\[(td-[0-9]{1,19}-[A-Za-z2-7]{8,32})\]`)

// ParseBody returns the ticket of the first valid marker in a mail body (text,
// or HTML as text). Markers that do not verify are skipped: a quoted mail of
// another instance does not hide ours.
func (s *Signer) ParseBody(body string) (ticketID int64, ok bool) {
	for _, m := range markerRe.FindAllStringSubmatch(body, 8) {
		if t, ok := s.parseToken("body", strings.ToLower(m[1])); ok {
			return t, true
		}
	}
	return 0, false
}
