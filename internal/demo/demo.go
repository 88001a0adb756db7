// Package demo runs a standard and a secure instance on loopback with the
// escalation recipe provisioned, sample agents and sample tickets: the fastest way
// to see twindesk work.
package demo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"path/filepath"
	"sync"
	"time"

	"github.com/twindesk/twindesk/internal/config"
	"github.com/twindesk/twindesk/internal/desk"
	"github.com/twindesk/twindesk/internal/instance"
	"github.com/twindesk/twindesk/internal/model"
)

// Config says where the demo keeps its data and listens.
type Config struct {
	DataDir      string
	StandardAddr string
	SecureAddr   string
	LogLevel     string
	// SMTPAddr accepts mail for the standard instance (mail_in.go); "" none.
	SMTPAddr string
	// Recipe provisions the escalation recipe on both nodes through their public
	// API and returns a line saying what it did. The command passes the recipe
	// client (internal/escalation), which only commands and tests import; nil
	// provisions none.
	Recipe func(ctx context.Context, std, sec *Node) (string, error)
}

// Password is the demo agents' web UI password, printed with the logins.
const Password = "twindesk-demo-password"

// Node is one started instance of the demo.
type Node struct {
	Name     string
	URL      string
	DataDir  string
	Instance *instance.Instance
	Admin    model.User
	Token    string
}

// Start listens on addr, then opens and serves one instance there in the
// background until ctx ends (see StartOn).
func Start(ctx context.Context, name, addr, dataDir string, confidential bool, peers string, log *slog.Logger, wg *sync.WaitGroup) (*Node, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("demo: listen for %s on %s: %w", name, addr, err)
	}
	return StartOn(ctx, name, ln, dataDir, confidential, peers, log, wg)
}

// StartOn opens and serves one instance on ln in the background until ctx ends;
// wg is done when it has stopped. peers (comma-separated host:port) is the other
// instance: a confidential node may call only it (--webhook-hosts), a standard
// node may call it although it is on loopback (--outbound-allow).
func StartOn(ctx context.Context, name string, ln net.Listener, dataDir string, confidential bool, peers string, log *slog.Logger, wg *sync.WaitGroup) (*Node, error) {
	return startNode(ctx, name, ln, dataDir, confidential, peers, config.MailOut{}, log, wg)
}

// startNode is StartOn with outgoing mail.
func startNode(ctx context.Context, name string, ln net.Listener, dataDir string, confidential bool, peers string, mailOut config.MailOut, log *slog.Logger, wg *sync.WaitGroup) (*Node, error) {
	url := "http://" + ln.Addr().String()
	cfg := config.Serve{Store: config.Store{DataDir: dataDir}, Addr: ln.Addr().String(), BaseURL: url,
		LogLevel: "info", ShutdownTimeout: 5 * time.Second, Confidential: confidential, AutomationInterval: time.Hour,
		MailOut: mailOut}
	if confidential {
		cfg.WebhookHosts = peers
	} else {
		cfg.OutboundAllow = peers
	}
	in, err := instance.Open(ctx, cfg, log.With("instance", name))
	if err != nil {
		_ = ln.Close()
		return nil, err
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer in.Close()
		if err := in.Serve(ctx, ln); err != nil {
			log.Error("instance stopped", "instance", name, "err", err)
		}
	}()
	return &Node{Name: name, URL: url, DataDir: dataDir, Instance: in}, nil
}

// Bootstrap makes sure the node has an admin and gives it a fresh API token.
func (n *Node) Bootstrap(ctx context.Context, email string) error {
	d := n.Instance.Desk
	u, err := ensureUser(ctx, d, model.User{Role: model.RoleAdmin}, "Demo admin", email, model.RoleAdmin)
	if err != nil {
		return err
	}
	n.Admin = u
	n.Token, err = d.CreateToken(ctx, email)
	return err
}

func ensureUser(ctx context.Context, d *desk.Service, actor model.User, name, email string, role model.Role) (model.User, error) {
	u, err := d.DB().Read().UserByEmail(ctx, email)
	if err == nil {
		return u, nil
	}
	if !errors.Is(err, model.ErrNotFound) {
		return u, err
	}
	r := string(role)
	return d.CreateUser(ctx, actor, desk.UserInput{Name: &name, Email: &email, Role: &r})
}

// Run starts both instances, provisions the recipe and sample data, prints how to
// use them, and serves until ctx is cancelled.
func Run(ctx context.Context, cfg Config, out io.Writer, log *slog.Logger) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	defer wg.Wait()
	// Both listen first: each instance is allowed to call the other's address.
	stdLn, err := net.Listen("tcp", cfg.StandardAddr)
	if err != nil {
		return fmt.Errorf("demo: listen for standard on %s: %w", cfg.StandardAddr, err)
	}
	secLn, err := net.Listen("tcp", cfg.SecureAddr)
	if err != nil {
		_ = stdLn.Close()
		return fmt.Errorf("demo: listen for secure on %s: %w", cfg.SecureAddr, err)
	}
	// Both send their notifications to the demo's outbox (outbox.go).
	box, err := startOutbox(filepath.Join(cfg.DataDir, "outbox"), out, log)
	if err != nil {
		_, _ = stdLn.Close(), secLn.Close()
		return err
	}
	defer box.close()
	stdMail := config.MailOut{SMTPURL: box.url(), MailFrom: "IT Helpdesk <it@it.demo.example>", MailContent: "full"}
	std, err := startNode(ctx, "standard", stdLn, filepath.Join(cfg.DataDir, "standard"), false, secLn.Addr().String(), stdMail, log, &wg)
	if err != nil {
		_ = secLn.Close()
		return err
	}
	secMail := config.MailOut{SMTPURL: box.url(), MailFrom: "HR Helpdesk <hr@hr.demo.example>", MailContent: "full"}
	sec, err := startNode(ctx, "secure", secLn, filepath.Join(cfg.DataDir, "secure"), true, stdLn.Addr().String(), secMail, log, &wg)
	if err != nil {
		cancel()
		return err
	}
	if err := provision(ctx, cfg.Recipe, std, sec, out); err != nil {
		cancel()
		return err
	}
	if cfg.SMTPAddr != "" {
		stopMail, err := startMail(ctx, std, cfg.SMTPAddr, out, log)
		if err != nil {
			cancel()
			return err
		}
		defer stopMail()
	}
	fmt.Fprintf(out, "\nNotification mail from both instances goes to the demo's outbox (%s), one .eml file per message;\n"+
		"a line \"mail sent: ...\" is printed for each.\n", box.dir)
	fmt.Fprintln(out, "\nBoth instances are running. Press Ctrl-C to stop them.")
	<-ctx.Done()
	fmt.Fprintln(out, "stopping...")
	return nil
}

func provision(ctx context.Context, recipe func(ctx context.Context, std, sec *Node) (string, error), std, sec *Node, out io.Writer) error {
	if err := std.Bootstrap(ctx, "admin@standard.example"); err != nil {
		return fmt.Errorf("demo: standard admin: %w", err)
	}
	if err := sec.Bootstrap(ctx, "admin@secure.example"); err != nil {
		return fmt.Errorf("demo: secure admin: %w", err)
	}
	if recipe != nil {
		line, err := recipe(ctx, std, sec)
		if err != nil {
			return fmt.Errorf("demo: escalation setup: %w", err)
		}
		fmt.Fprintln(out, line)
	}
	logins, err := sampleData(ctx, std, sec)
	if err != nil {
		return err
	}
	printLogins(out, std, sec, logins)
	return nil
}
