package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/twindesk/twindesk/internal/config"
	"github.com/twindesk/twindesk/internal/escalation"
)

const escalationUsage = `Usage:
  twindesk escalation setup --standard URL --secure URL [flags]

Provisions the escalation recipe on both instances through their public API,
idempotently: a second run changes nothing and says so. The admin tokens given
are used for provisioning only; each twindesk instance issues the other a peer
identity that can make only the recipe's calls, and only that is stored.
`

func escalationCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "setup" {
		fmt.Fprint(stderr, escalationUsage)
		return errors.New("escalation: use the setup subcommand")
	}
	var cfg escalation.Config
	var mapping, categories string
	fs := flag.NewFlagSet("escalation setup", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.Standard.URL, "standard", "", "URL of the standard instance (env TWINDESK_STANDARD)")
	fs.StringVar(&cfg.Secure.URL, "secure", "", "URL of the secure instance (env TWINDESK_SECURE)")
	fs.StringVar(&cfg.Standard.Email, "standard-email", "", "standard admin's email (env TWINDESK_STANDARD_EMAIL)")
	fs.StringVar(&cfg.Standard.Token, "standard-token", "", "standard admin's API token (env TWINDESK_STANDARD_TOKEN)")
	fs.StringVar(&cfg.Secure.Email, "secure-email", "", "secure admin's email (env TWINDESK_SECURE_EMAIL)")
	fs.StringVar(&cfg.Secure.Token, "secure-token", "", "secure admin's API token (env TWINDESK_SECURE_TOKEN)")
	fs.StringVar(&mapping, "map", "Payroll (secure)=Payroll,HR (secure)=HR", "pseudo group in standard = group in secure, comma-separated (env TWINDESK_MAP)")
	fs.StringVar(&cfg.Unassigned, "unassigned", escalation.DefaultUnassignedGroup, "pseudo group for tickets going to secure's unassigned queue (env TWINDESK_UNASSIGNED)")
	fs.BoolVar(&cfg.KeepSubject, "stub-subject-original", false, "send the ticket's subject with its stub (standard shows it only when it runs with --stub-subject original; a subject such as \"Salary of X\" is confidential itself) (env TWINDESK_STUB_SUBJECT_ORIGINAL)")
	fs.BoolVar(&cfg.Rotate, "rotate", false, "issue new peer tokens to both instances even when every webhook is in place, revoking the old ones (env TWINDESK_ROTATE)")
	fs.StringVar(&categories, "categories", "", "secure categories as Name=tag, comma-separated; default a standard HR/Payroll set (env TWINDESK_CATEGORIES)")
	if err := config.Parse(fs, args[1:]); err != nil {
		return err
	}
	var err error
	if cfg.Map, err = escalation.ParseMap(mapping); err != nil {
		return err
	}
	if categories != "" {
		if cfg.Categories, err = escalation.ParseCategories(categories); err != nil {
			return err
		}
	}
	for name, v := range map[string]string{"--standard": cfg.Standard.URL, "--secure": cfg.Secure.URL,
		"--standard-email": cfg.Standard.Email, "--standard-token": cfg.Standard.Token,
		"--secure-email": cfg.Secure.Email, "--secure-token": cfg.Secure.Token} {
		if v == "" {
			return fmt.Errorf("escalation setup: %s is required (or its TWINDESK_* variable)", name)
		}
	}
	rep, err := escalation.Setup(ctx, cfg)
	printReport(stdout, rep)
	return err
}

func printReport(w io.Writer, rep escalation.Report) {
	for _, c := range rep.Created {
		fmt.Fprintln(w, "created  ", c)
	}
	for _, c := range rep.Updated {
		fmt.Fprintln(w, "updated  ", c)
	}
	if !rep.Changed() {
		fmt.Fprintf(w, "nothing to change: all %d items of the recipe are already in place\n", len(rep.Unchanged))
		return
	}
	fmt.Fprintf(w, "%d created, %d updated, %d already in place\n", len(rep.Created), len(rep.Updated), len(rep.Unchanged))
}
