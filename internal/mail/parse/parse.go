// Package parse turns a raw RFC 5322 message into what the desk needs to file it:
// who sent it, how it threads, its text (HTML reduced to sanitised text, quoted
// history trimmed), its files, and whether it is an automatic mail that must never
// be answered. MIME, transfer encodings, charsets and RFC 2047 words are decoded by
// github.com/emersion/go-message; nothing here parses MIME by hand.
package parse

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"strings"
	"time"

	"github.com/emersion/go-message"
	_ "github.com/emersion/go-message/charset" // ISO-8859-x, Windows-125x and the rest, by name
	"github.com/emersion/go-message/mail"
)

// Address is a mailbox with its decoded display name.
type Address struct {
	Name    string
	Address string // lower-cased
}

// Attachment is a file part: an attachment, or an inline image (ContentID set).
type Attachment struct {
	Name        string
	ContentType string
	ContentID   string
	Data        []byte
}

// Message is a parsed mail.
type Message struct {
	MessageID  string
	InReplyTo  []string
	References []string
	From       Address
	ReplyTo    []Address
	To         []Address
	Cc         []Address
	Subject    string
	Date       time.Time
	// Text is the reply itself: the plain part, or the sanitised HTML part as
	// text, with quoted history below it trimmed.
	Text string
	// Full is the same text before trimming; thread markers are looked for here.
	Full        string
	FromHTML    bool
	Attachments []Attachment
	// Auto is why this is an automatic mail (Auto), "" for a person's mail.
	Auto Auto
	// Forwarded is set for a mail a person forwarded: a new request, never a reply
	// in the thread of the mail it quotes.
	Forwarded bool
	// Header is the top-level header, for markers a caller looks for itself.
	Header mail.Header
}

// ErrNoBody is returned for a message with neither a text nor an HTML part nor a file.
var ErrNoBody = errors.New("parse: message has no text, HTML or file part")

// Parse reads one message. A part in an unknown charset is kept undecoded rather
// than failing the whole mail; a broken MIME structure is an error.
func Parse(raw []byte) (*Message, error) {
	e, err := message.Read(bytes.NewReader(raw))
	if err != nil && !message.IsUnknownCharset(err) && !message.IsUnknownEncoding(err) {
		return nil, fmt.Errorf("parse: header: %w", err)
	}
	h := mail.Header{Header: e.Header}
	m := &Message{Header: h}
	m.MessageID, _ = h.MessageID()
	m.InReplyTo, _ = h.MsgIDList("In-Reply-To")
	m.References, _ = h.MsgIDList("References")
	if m.Subject, err = h.Subject(); err != nil {
		m.Subject = h.Get("Subject")
	}
	m.Date, _ = h.Date()
	from, err := h.AddressList("From")
	if err != nil || len(from) == 0 {
		return nil, fmt.Errorf("parse: From %q: no valid address", h.Get("From"))
	}
	m.From = addr(from[0])
	m.ReplyTo = addrs(h, "Reply-To")
	m.To = addrs(h, "To")
	m.Cc = addrs(h, "Cc")
	m.Auto = detectAuto(e.Header)
	if local, _, _ := strings.Cut(m.From.Address, "@"); m.Auto == "" && (local == "mailer-daemon" || local == "postmaster") {
		m.Auto = AutoBounce
	}

	var plain, html string
	err = e.Walk(func(_ []int, part *message.Entity, err error) error {
		if err != nil && !message.IsUnknownCharset(err) && !message.IsUnknownEncoding(err) {
			return err
		}
		return m.takePart(part, &plain, &html)
	})
	if err != nil {
		return nil, fmt.Errorf("parse: body: %w", err)
	}
	if plain == "" && html != "" {
		plain, m.FromHTML = HTMLToText(html), true
	}
	m.Full = normalise(plain)
	m.Forwarded = isForward(m.Subject, m.Full)
	m.Text = m.Full
	if !m.Forwarded {
		m.Text = TrimQuoted(m.Full)
	}
	if m.Full == "" && len(m.Attachments) == 0 {
		return m, ErrNoBody
	}
	return m, nil
}

// takePart keeps the first text and HTML bodies and every file part.
func (m *Message) takePart(part *message.Entity, plain, html *string) error {
	ct, params, _ := part.Header.ContentType()
	if strings.HasPrefix(ct, "multipart/") {
		return nil
	}
	disp, dparams, _ := part.Header.ContentDisposition()
	name := dparams["filename"]
	if name == "" {
		name = params["name"]
	}
	if ct == "message/delivery-status" || ct == "message/disposition-notification" {
		m.Auto = AutoBounce
	}
	data, err := io.ReadAll(part.Body)
	if err != nil {
		return fmt.Errorf("part %s: %w", ct, err)
	}
	isFile := disp == "attachment" || name != "" || part.Header.Get("Content-Id") != "" && strings.HasPrefix(ct, "image/")
	switch {
	case !isFile && (ct == "text/plain" || ct == "") && *plain == "":
		*plain = string(data)
		return nil
	case !isFile && ct == "text/html" && *html == "":
		*html = string(data)
		return nil
	case !isFile && strings.HasPrefix(ct, "text/"):
		return nil // a second alternative of a body already taken
	}
	if name == "" {
		name = "attachment" + extension(ct)
	}
	m.Attachments = append(m.Attachments, Attachment{Name: decodeWord(name), ContentType: ct,
		ContentID: strings.Trim(part.Header.Get("Content-Id"), "<> "), Data: data})
	return nil
}

func extension(ct string) string {
	if ct == "message/rfc822" {
		return ".eml"
	}
	if exts, _ := mime.ExtensionsByType(ct); len(exts) > 0 {
		return exts[0]
	}
	return ".bin"
}

// decodeWord decodes an RFC 2047 file name that a mailer put in a parameter,
// which the RFC doesn't allow and Outlook does anyway.
func decodeWord(s string) string {
	if d, err := (&mime.WordDecoder{CharsetReader: message.CharsetReader}).DecodeHeader(s); err == nil {
		return d
	}
	return s
}

func addr(a *mail.Address) Address {
	return Address{Name: a.Name, Address: strings.ToLower(a.Address)}
}

func addrs(h mail.Header, key string) []Address {
	list, _ := h.AddressList(key)
	out := make([]Address, 0, len(list))
	for _, a := range list {
		out = append(out, addr(a))
	}
	return out
}

// normalise makes line ends \n and trims trailing blank space.
func normalise(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	return strings.TrimSpace(s)
}

// Fallback is a readable plain-text rendering of a mail that could not be parsed:
// its raw bytes as printable text, cut at max bytes. It is what an admin reads in
// the quarantine.
func Fallback(raw []byte, max int) string {
	if len(raw) > max {
		raw = raw[:max]
	}
	return strings.ToValidUTF8(string(raw), "\uFFFD")
}
