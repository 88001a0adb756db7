package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/twindesk/twindesk/internal/config"
	"github.com/twindesk/twindesk/internal/demo"
	"github.com/twindesk/twindesk/internal/escalation"
)

func demoCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg demo.Config
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.DataDir, "data", "./demo-data", "directory for both instances' data (env TWINDESK_DATA)")
	fs.StringVar(&cfg.StandardAddr, "standard-addr", "127.0.0.1:8080", "standard instance address (env TWINDESK_STANDARD_ADDR)")
	fs.StringVar(&cfg.SecureAddr, "secure-addr", "127.0.0.1:8081", "secure instance address (env TWINDESK_SECURE_ADDR)")
	fs.StringVar(&cfg.LogLevel, "log-level", "warn", "log level of both instances (env TWINDESK_LOG_LEVEL)")
	fs.StringVar(&cfg.SMTPAddr, "smtp-addr", "127.0.0.1:2525", "accept mail for the standard instance on this address, so a mail opens a ticket; empty: none (env TWINDESK_SMTP_ADDR)")
	if err := config.Parse(fs, args); err != nil {
		return err
	}
	cfg.Recipe = demoRecipe
	return demo.Run(ctx, cfg, stdout, newLogger(stderr, cfg.LogLevel))
}

// demoRecipe provisions the escalation recipe on the demo's two instances through
// their public API, as `twindesk setup-escalation` would, with two secure teams.
func demoRecipe(ctx context.Context, std, sec *demo.Node) (string, error) {
	m, _ := escalation.ParseMap("Payroll (secure)=Payroll,HR (secure)=HR") // a constant that parses
	rep, err := escalation.Setup(ctx, escalation.Config{
		Standard: escalation.Side{URL: std.URL, Email: std.Admin.Email, Token: std.Token},
		Secure:   escalation.Side{URL: sec.URL, Email: sec.Admin.Email, Token: sec.Token},
		Map:      m,
	})
	return fmt.Sprintf("escalation recipe: %d created, %d updated, %d already in place", len(rep.Created), len(rep.Updated), len(rep.Unchanged)), err
}
