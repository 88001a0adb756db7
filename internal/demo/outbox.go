package demo

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	gomail "github.com/emersion/go-message/mail"
	"github.com/emersion/go-smtp"
)

// outbox is the demo's mail relay: an SMTP server on loopback that both
// instances send their notifications to, which keeps each message as a .eml
// file and prints who it went to, so a newcomer sees mail go out with nothing
// else installed. It is not a relay for real use: it delivers nowhere.
type outbox struct {
	srv  *smtp.Server
	ln   net.Listener
	dir  string
	out  io.Writer
	mu   sync.Mutex
	sent int
}

// startOutbox listens on a free loopback port and keeps messages in dir.
func startOutbox(dir string, out io.Writer, log *slog.Logger) (*outbox, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("demo: outbox: %w", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("demo: outbox: %w", err)
	}
	o := &outbox{ln: ln, dir: dir, out: out}
	o.srv = smtp.NewServer(o)
	o.srv.Domain = "outbox.demo.example"
	o.srv.ReadTimeout, o.srv.WriteTimeout = time.Minute, time.Minute
	o.srv.MaxMessageBytes = 50 << 20
	go func() {
		if err := o.srv.Serve(ln); err != nil && !errors.Is(err, smtp.ErrServerClosed) {
			log.Error("demo outbox stopped", "err", err)
		}
	}()
	return o, nil
}

// url is the --smtp-url the instances send through: plain SMTP on loopback.
func (o *outbox) url() string { return "smtp://" + o.ln.Addr().String() + "?insecure=true" }

func (o *outbox) close() { _ = o.srv.Close() }

// NewSession starts one SMTP session (smtp.Backend).
func (o *outbox) NewSession(*smtp.Conn) (smtp.Session, error) { return &outboxSession{o: o}, nil }

type outboxSession struct {
	o  *outbox
	to []string
}

func (s *outboxSession) Reset()                               { s.to = nil }
func (s *outboxSession) Logout() error                        { return nil }
func (s *outboxSession) Mail(string, *smtp.MailOptions) error { return nil }
func (s *outboxSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.to = append(s.to, to)
	return nil
}

// Data keeps the message and prints a line for it.
func (s *outboxSession) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	return s.o.keep(raw, s.to)
}

func (o *outbox) keep(raw []byte, to []string) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.sent++
	path := filepath.Join(o.dir, fmt.Sprintf("%04d.eml", o.sent))
	if err := os.WriteFile(path, raw, 0o600); err != nil {
		return fmt.Errorf("demo outbox: %w", err)
	}
	subject, from := "", ""
	if m, err := mail.ReadMessage(bytes.NewReader(raw)); err == nil {
		dec := new(mime.WordDecoder)
		subject, _ = dec.DecodeHeader(m.Header.Get("Subject"))
		from = m.Header.Get("From")
	}
	files := ""
	if names := attachedFiles(raw); len(names) > 0 {
		files = " with " + strings.Join(names, ", ")
	}
	fmt.Fprintf(o.out, "mail sent: %s -> %s: %q%s (%s)\n", from, strings.Join(to, ", "), subject, files, path)
	return nil
}

// attachedFiles names the files a message carries, so the demo shows that a
// comment's attachment went out with its notification.
func attachedFiles(raw []byte) []string {
	r, err := gomail.CreateReader(bytes.NewReader(raw))
	if err != nil {
		return nil
	}
	var names []string
	for {
		p, err := r.NextPart()
		if err != nil {
			return names
		}
		if h, ok := p.Header.(*gomail.AttachmentHeader); ok {
			if name, err := h.Filename(); err == nil && name != "" {
				names = append(names, name)
			}
		}
	}
}
