package instance

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/twindesk/twindesk/internal/config"
	"github.com/twindesk/twindesk/internal/desk"
	"github.com/twindesk/twindesk/internal/mail/imapin"
	"github.com/twindesk/twindesk/internal/mail/mailhealth"
	"github.com/twindesk/twindesk/internal/mail/oauth"
	"github.com/twindesk/twindesk/internal/mail/smtpin"
	"github.com/twindesk/twindesk/internal/mail/threadtoken"
	"github.com/twindesk/twindesk/internal/model"
)

// flagMailboxID is the id the --imap-url mailbox goes by in the intake log and
// the health list; mailboxes added by the API have positive ids.
const flagMailboxID = -1

// mailboxReload is how often the mailbox list is read again (one cheap query), so one added,
// changed or removed by an admin is picked up without a restart.
const mailboxReload = 5 * time.Second

// mailIn runs the instance's inbound mail: one poller per mailbox, and the
// SMTP receiver.
type mailIn struct {
	cfg    config.MailIn
	log    *slog.Logger
	health *mailhealth.Health
	desk   *desk.Service
	intake *desk.MailConfig
}

func newMailIn(cfg config.MailIn, log *slog.Logger) *mailIn {
	return &mailIn{cfg: cfg, log: log, health: &mailhealth.Health{}}
}

func (mi *mailIn) deskOptions() []desk.Option { return []desk.Option{desk.WithMailHealth(mi.health)} }

// bind completes the set-up once the desk exists. signer reads the references
// of the mail this instance sent (nil without --mail-from); from is its address.
func (mi *mailIn) bind(d *desk.Service, signer *threadtoken.Signer, from string, confidential bool) {
	mi.desk = d
	mi.intake = &desk.MailConfig{Signer: signer, MaxBytes: mi.cfg.MaxMailBytes, MaxFiles: mi.cfg.MaxMailFiles}
	if from != "" {
		mi.intake.OwnAddresses = []string{strings.ToLower(from)}
	}
	if !confidential {
		mi.intake.Secure = d.SecureMailer()
	}
}

func (mi *mailIn) take(ctx context.Context, in desk.InboundMail) (desk.MailResult, error) {
	return mi.desk.TakeMail(ctx, mi.intake, in)
}

// register adds the mailbox gauges to reg.
func (mi *mailIn) register(reg *prometheus.Registry) { reg.MustRegister(mailboxCollector{mi.health}) }

// start runs the pollers and the SMTP receiver until the returned stop.
func (mi *mailIn) start(ctx context.Context) (stop func(), err error) {
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	var srv *smtpin.Server
	if mi.cfg.SMTPListen != "" {
		domain := "twindesk"
		if len(mi.intake.OwnAddresses) > 0 {
			_, domain, _ = strings.Cut(mi.intake.OwnAddresses[0], "@")
		}
		if srv, err = smtpin.Listen(mi.cfg.SMTPListen, domain, mi.cfg.MaxMailBytes, mi.take, mi.route, mi.log); err != nil {
			cancel()
			return nil, err
		}
		mi.log.Info("accepting mail over SMTP", "addr", srv.Addr())
	}
	wg.Go(func() { mi.supervise(ctx) })
	return func() {
		cancel()
		if srv != nil {
			_ = srv.Close()
		}
		wg.Wait()
	}, nil
}

// route is the default group of the mailbox a pushed mail was addressed to.
func (mi *mailIn) route(ctx context.Context, rcpts []string) int64 {
	boxes, err := mi.desk.DB().Read().Mailboxes(ctx)
	if err != nil {
		return 0
	}
	for _, b := range boxes {
		if b.Address != "" && slices.Contains(rcpts, b.Address) {
			return b.GroupID
		}
	}
	return mi.cfg.IMAPGroup
}

// running is one poller and what it was started from.
type running struct {
	version time.Time
	stop    context.CancelFunc
	done    chan struct{}
}

// supervise keeps one poller per active mailbox, restarting a poller whose
// mailbox changed, until ctx ends.
func (mi *mailIn) supervise(ctx context.Context) {
	pollers := map[int64]*running{}
	defer func() {
		for _, r := range pollers {
			r.stop()
			<-r.done
		}
	}()
	for {
		want, err := mi.mailboxes(ctx)
		if err != nil {
			mi.log.Error("mail in: read mailboxes", "error", err)
		} else {
			mi.reconcile(ctx, pollers, want)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(mailboxReload):
		}
	}
}

type wanted struct {
	mb      imapin.Mailbox
	version time.Time
}

func (mi *mailIn) reconcile(ctx context.Context, pollers map[int64]*running, want map[int64]wanted) {
	for id, r := range pollers {
		if w, ok := want[id]; !ok || !w.version.Equal(r.version) {
			r.stop()
			<-r.done
			delete(pollers, id)
			mi.health.Forget(id)
		}
	}
	for id, w := range want {
		if _, ok := pollers[id]; ok {
			continue
		}
		pctx, stop := context.WithCancel(ctx)
		r := &running{version: w.version, stop: stop, done: make(chan struct{})}
		p := &imapin.Poller{Mailbox: w.mb, Take: mi.take, Log: mi.log, Interval: mi.cfg.MailPoll, MaxBytes: mi.cfg.MaxMailBytes, Health: mi.health}
		go func() { defer close(r.done); p.Run(pctx) }()
		pollers[id] = r
	}
}

// mailboxes is every mailbox to poll: --imap-url's and the active stored ones.
func (mi *mailIn) mailboxes(ctx context.Context) (map[int64]wanted, error) {
	want := map[int64]wanted{}
	if mi.cfg.IMAPURL != "" {
		mb, err := imapin.ParseURL(mi.cfg.IMAPURL)
		if err != nil {
			return nil, err
		}
		mb.ID, mb.Name, mb.GroupID = flagMailboxID, "--imap-url", mi.cfg.IMAPGroup
		want[mb.ID] = wanted{mb: mb}
	}
	boxes, err := mi.desk.DB().Read().Mailboxes(ctx)
	if err != nil {
		return nil, err
	}
	for _, b := range boxes {
		if !b.Active {
			continue
		}
		mb, err := mi.pollerMailbox(b)
		if err != nil {
			mi.health.Failed(b.ID, b.Name, err)
			continue
		}
		want[b.ID] = wanted{mb: mb, version: b.UpdatedAt}
	}
	return want, nil
}

func (mi *mailIn) pollerMailbox(b model.Mailbox) (imapin.Mailbox, error) {
	mb, err := imapin.ParseURL(b.URL)
	if err != nil {
		return mb, err
	}
	secret, refresh, err := mi.desk.MailboxSecrets(b)
	if err != nil {
		return mb, err
	}
	mb.ID, mb.Name, mb.GroupID, mb.Password = b.ID, b.Name, b.GroupID, secret
	if b.Auth == "oauth2" {
		id := b.ID
		mb.Tokens, err = oauth.New(oauth.Config{TokenURL: b.OAuthTokenURL, ClientID: b.OAuthClientID, ClientSecret: secret,
			RefreshToken: refresh, Scope: b.OAuthScope,
			OnRotate: func(ctx context.Context, rt string) error { return mi.desk.StoreRotatedRefreshToken(ctx, id, rt) }})
		if err != nil {
			return mb, fmt.Errorf("mailbox %d: %w", b.ID, err)
		}
	}
	return mb, nil
}

// mailboxCollector exports each mailbox poller's health. Labels are mailbox
// ids, never names or addresses.
type mailboxCollector struct{ h *mailhealth.Health }

var (
	mailboxUpDesc = prometheus.NewDesc("twindesk_mailbox_up",
		"1 while the mailbox's last check succeeded, 0 while it is failing (alert on 0 for a few minutes).", []string{"mailbox"}, nil)
	mailboxLastDesc = prometheus.NewDesc("twindesk_mailbox_last_fetch_timestamp_seconds",
		"Unix time of the mailbox's last completed check.", []string{"mailbox"}, nil)
	mailboxFetchedDesc = prometheus.NewDesc("twindesk_mailbox_fetched_total",
		"Mails taken from the mailbox since the process started.", []string{"mailbox"}, nil)
)

func (c mailboxCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- mailboxUpDesc
	ch <- mailboxLastDesc
	ch <- mailboxFetchedDesc
}

func (c mailboxCollector) Collect(ch chan<- prometheus.Metric) {
	for _, s := range c.h.States() {
		id := strconv.FormatInt(s.ID, 10)
		up := 1.0
		if s.Failing(time.Now()) {
			up = 0
		}
		ch <- prometheus.MustNewConstMetric(mailboxUpDesc, prometheus.GaugeValue, up, id)
		if !s.LastOK.IsZero() {
			ch <- prometheus.MustNewConstMetric(mailboxLastDesc, prometheus.GaugeValue, float64(s.LastOK.Unix()), id)
		}
		ch <- prometheus.MustNewConstMetric(mailboxFetchedDesc, prometheus.CounterValue, float64(s.Fetched), id)
	}
}
