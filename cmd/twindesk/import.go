package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/twindesk/twindesk/internal/config"
	"github.com/twindesk/twindesk/internal/zdimport"
)

const importUsage = `Usage:
  twindesk import zendesk --url https://acme.zendesk.com --email E --token T \
      --target-url https://desk.example.com --target-email A --target-token T2

Copies a Zendesk account (or another twindesk) into a twindesk instance through
both sides' APIs: users, organizations, groups, ticket fields and forms, macros,
views, triggers, automations, tickets with comments and attachments. No trigger
fires and no mail goes out. Run it again at any time, after a kill too: it
carries only what is new or changed since (docs/import.md).
Pass tokens through TWINDESK_TOKEN and TWINDESK_TARGET_TOKEN rather than argv.
`

func importCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "zendesk" {
		fmt.Fprint(stderr, importUsage)
		return errors.New("import: use the zendesk subcommand")
	}
	var cfg zdimport.Config
	fs := flag.NewFlagSet("import zendesk", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, importUsage); fs.PrintDefaults() }
	fs.StringVar(&cfg.SourceURL, "url", "", "the Zendesk account to copy, e.g. https://acme.zendesk.com (env TWINDESK_URL)")
	fs.StringVar(&cfg.SourceEmail, "email", "", "an admin's email on the source (env TWINDESK_EMAIL)")
	fs.StringVar(&cfg.SourceToken, "token", "", "that admin's API token on the source (env TWINDESK_TOKEN)")
	fs.StringVar(&cfg.TargetURL, "target-url", "", "the twindesk instance to import into (env TWINDESK_TARGET_URL)")
	fs.StringVar(&cfg.TargetEmail, "target-email", "", "an admin's email on the target (env TWINDESK_TARGET_EMAIL)")
	fs.StringVar(&cfg.TargetToken, "target-token", "", "that admin's API token on the target (env TWINDESK_TARGET_TOKEN)")
	fs.IntVar(&cfg.Concurrency, "concurrency", 8, "tickets carried at once; Zendesk's rate limit is shared by all of them (env TWINDESK_CONCURRENCY)")
	if err := config.Parse(fs, args[1:]); err != nil {
		return err
	}
	cfg.Progress = stderr
	im, err := zdimport.New(cfg)
	if err != nil {
		return fmt.Errorf("import zendesk: %w", err)
	}
	rep, err := im.Run(ctx)
	rep.Print(stdout)
	if err != nil {
		return fmt.Errorf("import zendesk: %w (run the same command again to resume)", err)
	}
	return nil
}
