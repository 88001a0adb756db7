package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"time"

	"github.com/twindesk/twindesk/internal/config"
	"github.com/twindesk/twindesk/internal/instance"
)

func serve(ctx context.Context, args []string, stderr io.Writer) error {
	var cfg config.Serve
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	config.ServeFlags(fs, &cfg)
	if err := config.Parse(fs, args); err != nil {
		return err
	}
	if err := cfg.Validate(); err != nil {
		return err
	}
	log := newLogger(stderr, cfg.LogLevel)
	in, err := instance.Open(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer in.Close()
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	if cfg.DebugAddr != "" {
		go serveDebug(cfg.DebugAddr, log)
	}
	log.Info("twindesk serving", "addr", ln.Addr().String(), "base_url", cfg.BaseURL, "backend", in.DB.Dialect().Name)
	err = in.Serve(ctx, ln)
	log.Info("twindesk stopped")
	return err
}

func migrate(ctx context.Context, args []string, stderr io.Writer) error {
	var s config.Store
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	config.StoreFlags(fs, &s)
	if err := config.Parse(fs, args); err != nil {
		return err
	}
	db, err := instance.OpenStore(ctx, s)
	if err != nil {
		return err
	}
	return db.Close()
}

// serveDebug exposes net/http/pprof on its own listener, never on the API's.
func serveDebug(addr string, log *slog.Logger) {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	srv := &http.Server{Addr: addr, Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	log.Info("pprof serving", "addr", addr)
	if err := srv.ListenAndServe(); err != nil {
		log.Warn("pprof server stopped", "err", err)
	}
}
