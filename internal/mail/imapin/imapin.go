// Package imapin fetches mail from IMAP mailboxes into the desk: one goroutine per
// mailbox (so 30 mailboxes don't wait on each other), woken by IDLE where the
// server has it and polling every few seconds anyway, each fetched message marked
// \Seen only after the desk recorded it. A mailbox that stops fetching is visible
// in mailhealth (admin page, /metrics).
package imapin

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/twindesk/twindesk/internal/desk"
	"github.com/twindesk/twindesk/internal/mail/mailhealth"
	"github.com/twindesk/twindesk/internal/mail/oauth"
)

// Mailbox is one mailbox to fetch.
type Mailbox struct {
	ID   int64
	Name string
	// Addr is host:port; TLS is "tls" (imaps://), "starttls" (imap://) or
	// "none" (imap://...?tls=none, for a server on loopback only).
	Addr     string
	TLS      string
	Folder   string
	Username string
	Password string
	// Tokens, when set, authenticates with SASL XOAUTH2 or OAUTHBEARER instead
	// of the password.
	Tokens  oauth.TokenSource
	GroupID int64
	// TLSConfig overrides the default (system roots, Addr's host name).
	TLSConfig *tls.Config
}

// ParseURL reads imaps://user:pass@host:993/INBOX or imap://user:pass@host/INBOX
// (STARTTLS). The folder defaults to INBOX.
func ParseURL(raw string) (Mailbox, error) {
	u, err := url.Parse(raw)
	if err != nil {
		// Not the parser's error: it quotes the URL, password included.
		return Mailbox{}, errors.New("imap url: not a valid URL (percent-encode @, : and / in the user and password)")
	}
	mb := Mailbox{Folder: strings.TrimPrefix(u.Path, "/"), Username: u.User.Username()}
	mb.Password, _ = u.User.Password()
	switch u.Scheme {
	case "imaps":
		mb.TLS, mb.Addr = "tls", hostPort(u, "993")
	case "imap":
		mb.TLS, mb.Addr = "starttls", hostPort(u, "143")
		if u.Query().Get("tls") == "none" {
			mb.TLS = "none"
		}
	default:
		return Mailbox{}, fmt.Errorf("imap url: scheme %q: want imaps:// or imap://", u.Scheme)
	}
	if u.Hostname() == "" || mb.Username == "" {
		return Mailbox{}, errors.New("imap url: a user and a host are required (imaps://user:pass@host:993/INBOX)")
	}
	if mb.Folder == "" {
		mb.Folder = "INBOX"
	}
	return mb, nil
}

func hostPort(u *url.URL, def string) string {
	if u.Port() != "" {
		return u.Host
	}
	return net.JoinHostPort(u.Hostname(), def)
}

// Taker files one mail (desk.Service.TakeMail with the instance's MailConfig).
type Taker func(ctx context.Context, in desk.InboundMail) (desk.MailResult, error)

// Poller fetches one mailbox until its context ends.
type Poller struct {
	Mailbox  Mailbox
	Take     Taker
	Log      *slog.Logger
	Interval time.Duration // between checks when no IDLE wakes it; default 5 s
	MaxBytes int64         // larger mail is fetched only in part (the desk quarantines it)
	Health   *mailhealth.Health
}

// partialBytes is how much of an oversized mail is fetched: enough for its
// headers and a readable start in the quarantine.
const partialBytes = 64 << 10

// Run fetches until ctx ends, reconnecting with backoff after an error.
func (p *Poller) Run(ctx context.Context) {
	p.Interval = max(p.Interval, 0)
	if p.Interval == 0 {
		p.Interval = 5 * time.Second
	}
	backoff := time.Second
	for ctx.Err() == nil {
		err := p.session(ctx)
		if ctx.Err() != nil {
			return
		}
		p.Health.Failed(p.Mailbox.ID, p.Mailbox.Name, err)
		p.Log.ErrorContext(ctx, "imap: mailbox stopped fetching; retrying", "mailbox", p.Mailbox.Name, "retry_in", backoff, "error", err)
		select {
		case <-ctx.Done():
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, time.Minute)
	}
}

func (p *Poller) dial(wake chan<- struct{}) (*imapclient.Client, error) {
	host, _, _ := net.SplitHostPort(p.Mailbox.Addr)
	tlsConfig := p.Mailbox.TLSConfig
	if tlsConfig == nil {
		tlsConfig = &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}
	}
	opts := &imapclient.Options{TLSConfig: tlsConfig, UnilateralDataHandler: &imapclient.UnilateralDataHandler{
		Mailbox: func(d *imapclient.UnilateralDataMailbox) {
			if d.NumMessages != nil { // EXISTS: new mail, while idling or not
				select {
				case wake <- struct{}{}:
				default:
				}
			}
		}}}
	switch p.Mailbox.TLS {
	case "tls":
		return imapclient.DialTLS(p.Mailbox.Addr, opts)
	case "none":
		return imapclient.DialInsecure(p.Mailbox.Addr, opts)
	}
	return imapclient.DialStartTLS(p.Mailbox.Addr, opts)
}

func (p *Poller) login(ctx context.Context, c *imapclient.Client) error {
	mb := p.Mailbox
	if mb.Tokens == nil {
		return c.Login(mb.Username, mb.Password).Wait()
	}
	tok, err := mb.Tokens.Token(ctx)
	if err != nil {
		return err
	}
	caps, err := c.Capability().Wait()
	if err != nil {
		return err
	}
	sc, mech := oauth.Client(func(m string) bool { return caps.Has(imap.Cap("AUTH=" + m)) }, mb.Username, tok)
	if sc == nil {
		return errors.New("imap: the server offers neither XOAUTH2 nor OAUTHBEARER")
	}
	if err := c.Authenticate(sc); err != nil {
		return fmt.Errorf("imap: %s: %w", mech, err)
	}
	return nil
}

// session is one connection: log in, select, then fetch and wait in turn.
func (p *Poller) session(ctx context.Context) error {
	wake := make(chan struct{}, 1)
	c, err := p.dial(wake)
	if err != nil {
		return fmt.Errorf("imap: connect %s: %w", p.Mailbox.Addr, err)
	}
	defer c.Close()
	stop := context.AfterFunc(ctx, func() { _ = c.Close() })
	defer stop()
	if err := p.login(ctx, c); err != nil {
		return fmt.Errorf("imap: log in as %s: %w", p.Mailbox.Username, err)
	}
	sel, err := c.Select(p.Mailbox.Folder, nil).Wait()
	if err != nil {
		return fmt.Errorf("imap: select %s: %w", p.Mailbox.Folder, err)
	}
	idle := c.Caps().Has(imap.CapIdle)
	for {
		n, err := p.fetchNew(ctx, c, sel.UIDValidity)
		if err != nil {
			return err
		}
		p.Health.Fetched(p.Mailbox.ID, p.Mailbox.Name, n)
		if err := p.wait(ctx, c, idle, wake); err != nil || ctx.Err() != nil {
			return err
		}
	}
}

// wait returns when new mail arrives (IDLE), the interval passes, or ctx ends.
func (p *Poller) wait(ctx context.Context, c *imapclient.Client, idle bool, wake <-chan struct{}) error {
	timer := time.NewTimer(p.Interval)
	defer timer.Stop()
	if !idle {
		select {
		case <-ctx.Done():
		case <-timer.C:
		}
		return nil
	}
	cmd, err := c.Idle()
	if err != nil {
		return fmt.Errorf("imap: idle: %w", err)
	}
	select {
	case <-ctx.Done():
	case <-timer.C:
	case <-wake:
	case <-c.Closed():
	}
	if err := cmd.Close(); err != nil {
		return fmt.Errorf("imap: end idle: %w", err)
	}
	return cmd.Wait()
}

// fetchNew takes every unseen message in UID order and returns how many it took.
func (p *Poller) fetchNew(ctx context.Context, c *imapclient.Client, uidValidity uint32) (int, error) {
	found, err := c.UIDSearch(&imap.SearchCriteria{NotFlag: []imap.Flag{imap.FlagSeen}}, nil).Wait()
	if err != nil {
		return 0, fmt.Errorf("imap: search unseen: %w", err)
	}
	uids := found.AllUIDs()
	if len(uids) == 0 {
		return 0, nil
	}
	slices.Sort(uids)
	sizes, err := c.Fetch(imap.UIDSetNum(uids...), &imap.FetchOptions{UID: true, RFC822Size: true}).Collect()
	if err != nil {
		return 0, fmt.Errorf("imap: fetch sizes: %w", err)
	}
	size := map[imap.UID]int64{}
	for _, m := range sizes {
		size[m.UID] = m.RFC822Size
	}
	taken := 0
	for _, uid := range uids {
		if ctx.Err() != nil {
			return taken, nil
		}
		ok, err := p.takeOne(ctx, c, uidValidity, uid, size[uid])
		if err != nil {
			return taken, err
		}
		if ok {
			taken++
		}
	}
	return taken, nil
}

// takeOne fetches one message (only its start when oversized), hands it to the
// desk, and marks it \Seen once the desk recorded it (or had it already). A mail
// the desk asks to be offered again stays unseen.
func (p *Poller) takeOne(ctx context.Context, c *imapclient.Client, uidValidity uint32, uid imap.UID, size int64) (bool, error) {
	section := &imap.FetchItemBodySection{Peek: true}
	if p.MaxBytes > 0 && size > p.MaxBytes {
		section.Partial = &imap.SectionPartial{Offset: 0, Size: partialBytes}
	}
	bufs, err := c.Fetch(imap.UIDSetNum(uid), &imap.FetchOptions{UID: true, BodySection: []*imap.FetchItemBodySection{section}}).Collect()
	if err != nil {
		return false, fmt.Errorf("imap: fetch uid %d: %w", uid, err)
	}
	if len(bufs) == 0 {
		return false, nil // expunged meanwhile
	}
	raw := bufs[0].FindBodySection(section)
	res, err := p.Take(ctx, desk.InboundMail{MailboxID: p.Mailbox.ID, UIDValidity: uidValidity, UID: uint32(uid),
		GroupID: p.Mailbox.GroupID, Raw: raw, Size: size})
	if errors.Is(err, desk.ErrMailLater) {
		p.Log.InfoContext(ctx, "imap: mail left unseen to be offered again", "mailbox", p.Mailbox.Name, "uid", uid, "reason", err)
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("imap: file uid %d: %w", uid, err)
	}
	if err := c.Store(imap.UIDSetNum(uid), &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true, Flags: []imap.Flag{imap.FlagSeen}}, nil).Close(); err != nil {
		return false, fmt.Errorf("imap: mark uid %d seen: %w", uid, err)
	}
	return !res.Duplicate, nil
}
