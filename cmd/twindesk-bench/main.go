// Command twindesk-bench drives live twindesk (or Zendesk) instances over HTTP
// and prints throughput and latency percentiles: ticket creates, a read/update/
// search mix, escalation round trips, and charts of load sweeps. It is apart from
// the server binary, which carries no load generator.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := benchCmd(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return
		}
		fmt.Fprintln(os.Stderr, "twindesk-bench:", err)
		os.Exit(1)
	}
}
