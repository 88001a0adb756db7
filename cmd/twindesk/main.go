// Command twindesk runs a Zendesk-compatible helpdesk instance and its tooling.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
)

const usage = `twindesk: a Zendesk-compatible helpdesk

Usage:
  twindesk serve  [flags]                   run one instance
  twindesk admin  create-user|create-token|set-password [flags]
  twindesk demo   [flags]                   run a standard and a secure instance with escalation set up
  twindesk escalation setup [flags]         provision the escalation recipe on two instances
  twindesk migrate [flags]                  apply database migrations and exit
  twindesk seed   --tickets N [flags]       add realistic sample data straight into the database
  twindesk import zendesk --url URL [flags] copy a Zendesk account into twindesk (docs/import.md)

Load generation and benchmarks live in their own command, twindesk-bench.
Run "twindesk <command> --help" for the flags of a command. Every flag also reads
a TWINDESK_* environment variable (--database-url -> TWINDESK_DATABASE_URL).
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return // --help printed the flags; asking for help is not a failure
		}
		fmt.Fprintln(os.Stderr, "twindesk:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errors.New("no command given")
	}
	switch args[0] {
	case "serve":
		return serve(ctx, args[1:], stderr)
	case "admin":
		return admin(ctx, args[1:], stdin, stdout, stderr)
	case "escalation":
		return escalationCmd(ctx, args[1:], stdout, stderr)
	case "demo":
		return demoCmd(ctx, args[1:], stdout, stderr)
	case "migrate":
		return migrate(ctx, args[1:], stderr)
	case "seed":
		return seedCmd(ctx, args[1:], stdout, stderr)
	case "import":
		return importCmd(ctx, args[1:], stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q", args[0])
}

func newLogger(w io.Writer, level string) *slog.Logger {
	var l slog.Level
	_ = l.UnmarshalText([]byte(level)) // validated by config; defaults to info
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: l}))
}
