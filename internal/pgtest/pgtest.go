// Package pgtest gives a test its own empty PostgreSQL database on the server named
// by TWINDESK_PG_URL, and drops it when the test ends. Tests on PostgreSQL never skip
// silently: without TWINDESK_PG_URL they skip with a message, and under CI (CI set)
// they fail.
package pgtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
)

// EnvURL names the variable holding the URL of a PostgreSQL server the tests may
// create and drop databases on. scripts/test sets it to a throwaway server.
const EnvURL = "TWINDESK_PG_URL"

var (
	adminMu sync.Mutex
	admins  = map[string]*sql.DB{} // one pool per server URL, kept for the process
)

// Configured reports whether TWINDESK_PG_URL is set, for callers that must decide
// before they have a test to skip (a benchmark sharing one database across runs).
func Configured() bool { return os.Getenv(EnvURL) != "" }

// ServerURL returns TWINDESK_PG_URL. When it is unset the test is skipped with a
// message saying how to run it, or fails when the CI variable is set, so CI never
// silently skips the PostgreSQL suite.
func ServerURL(tb testing.TB) string {
	tb.Helper()
	u := os.Getenv(EnvURL)
	if u != "" {
		return u
	}
	const msg = EnvURL + " is not set: the PostgreSQL tests need a server (bash scripts/test starts a throwaway one)"
	if ci := os.Getenv("CI"); ci != "" && ci != "0" && ci != "false" {
		tb.Fatal(msg + "; CI must run them")
	}
	tb.Skip(msg)
	return ""
}

// URL creates an empty database named twindesk_test_<random> on the server of
// TWINDESK_PG_URL and returns its URL. The database is dropped, with any
// connection still open to it, when the test and its subtests end.
func URL(tb testing.TB) string {
	tb.Helper()
	server := ServerURL(tb)
	admin, err := adminPool(server)
	if err != nil {
		tb.Fatalf("pgtest: %v", err)
	}
	name := "twindesk_test_" + randomHex(6)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		tb.Fatalf("pgtest: create database %s: %v", name, err)
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			tb.Errorf("pgtest: drop database %s: %v", name, err)
		}
	})
	dbURL, err := withDatabase(server, name)
	if err != nil {
		tb.Fatalf("pgtest: %v", err)
	}
	return dbURL
}

func adminPool(server string) (*sql.DB, error) {
	adminMu.Lock()
	defer adminMu.Unlock()
	if db, ok := admins[server]; ok {
		return db, nil
	}
	db, err := sql.Open("pgx", server)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", EnvURL, err)
	}
	db.SetMaxOpenConns(4)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := db.PingContext(ctx); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("connect to %s: %w", EnvURL, err)
	}
	admins[server] = db
	return db, nil
}

// withDatabase returns server with its database replaced by name. It accepts both
// URL (postgres://...) and keyword/value (host=... dbname=...) connection strings.
func withDatabase(server, name string) (string, error) {
	if !strings.HasPrefix(server, "postgres://") && !strings.HasPrefix(server, "postgresql://") {
		return server + " dbname=" + name, nil // a later keyword wins in libpq syntax
	}
	u, err := url.Parse(server)
	if err != nil {
		return "", fmt.Errorf("parse %s: %w", EnvURL, err)
	}
	u.Path, u.RawPath = "/"+name, ""
	return u.String(), nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand never fails on supported platforms
	return hex.EncodeToString(b)
}
