package desk_test

import (
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/twindesk/twindesk/internal/blob"
	"github.com/twindesk/twindesk/internal/desk"
	"github.com/twindesk/twindesk/internal/mail/threadtoken"
	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/store/sqlite"
)

// BenchmarkMailIntake measures inbound mail on one node, SQLite, 8 mails at a
// time (mailboxes are fetched in parallel): parse (a multipart mail with an HTML
// alternative and a small attachment), dedupe, rate-limit check, end user,
// ticket, comment, search index; "files" also keeps the raw message and the file
// as attachments in the file store (each written and fsynced), "no_files" runs
// without a file store. Reported as mails/s.
//
//	go test ./internal/desk -run '^$' -bench BenchmarkMailIntake -benchtime 2000x
func BenchmarkMailIntake(b *testing.B) {
	b.Run("files", func(b *testing.B) { benchIntake(b, true) })
	b.Run("no_files", func(b *testing.B) { benchIntake(b, false) })
}

func benchIntake(b *testing.B, files bool) {
	db, err := sqlite.Open(b.Context(), b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	blobs, err := blob.NewDir(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	var opts []desk.Option
	if files {
		opts = append(opts, desk.WithBlobs(blobs, 0))
	}
	d := desk.New(db, slog.New(slog.NewTextHandler(io.Discard, nil)), opts...)
	sg, err := threadtoken.New(bytes.Repeat([]byte{3}, 32), "company.example")
	if err != nil {
		b.Fatal(err)
	}
	cfg := &desk.MailConfig{Signer: sg}
	b.ResetTimer()
	var seq atomic.Int64
	start := time.Now()
	// Mailboxes are fetched in parallel (one poller each): 8 at once here.
	b.SetParallelism(4)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := int(seq.Add(1))
			if err := takeBenchMail(b, d, cfg, i); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "mails/s")
}

func takeBenchMail(b *testing.B, d *desk.Service, cfg *desk.MailConfig, i int) error {
	// One sender per 20 mails keeps every sender under the rate limit.
	raw := strings.ReplaceAll(fmt.Sprintf(benchMail, i, i/20), "\n", "\r\n")
	res, err := d.TakeMail(b.Context(), cfg, desk.InboundMail{MailboxID: 1, UIDValidity: 1, UID: uint32(i), Raw: []byte(raw)})
	if err != nil || res.Outcome != model.MailTicket {
		return fmt.Errorf("mail %d: %v %+v", i, err, res)
	}
	return nil
}

const benchMail = `From: User %[1]d <user%[2]d@example.com>
To: it@company.example
Subject: Request %[1]d
Message-ID: <bench-%[1]d@example.com>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary=M

--M
Content-Type: multipart/alternative; boundary=A

--A
Content-Type: text/plain; charset=utf-8

Hello, my laptop number %[1]d does not start. Can you help?
--A
Content-Type: text/html; charset=utf-8

<p>Hello, my laptop number %[1]d does <b>not</b> start. Can you help?</p>
--A--
--M
Content-Type: text/plain; name=log.txt
Content-Disposition: attachment; filename=log.txt

boot log line %[1]d
--M--
`
