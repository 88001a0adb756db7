package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/twindesk/twindesk/internal/config"
	"github.com/twindesk/twindesk/internal/desk"
	"github.com/twindesk/twindesk/internal/instance"
	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/secretbox"
)

const adminUsage = `Usage:
  twindesk admin create-user  --email E --name N --role admin|agent|end-user [--data D | --database-url U]
  twindesk admin create-token --email E                                     [--data D | --database-url U]
  twindesk admin set-password --email E   (reads the password from standard input)
  twindesk admin gen-key --out FILE       (a new key for --secret-key-file; keep it outside the data directory)
`

func admin(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, adminUsage)
		return errors.New("admin: no subcommand given")
	}
	if args[0] == "gen-key" {
		return genKey(args[1:], stdout, stderr)
	}
	var s config.Store
	var email, name, role string
	var id int64
	fs := flag.NewFlagSet("admin "+args[0], flag.ContinueOnError)
	fs.SetOutput(stderr)
	config.StoreFlags(fs, &s)
	fs.StringVar(&email, "email", "", "the user's email")
	fs.StringVar(&name, "name", "", "the user's name (create-user)")
	fs.StringVar(&role, "role", "agent", "admin, agent or end-user (create-user)")
	fs.Int64Var(&id, "id", 0, "the token's id, from list-tokens (revoke-token)")
	if err := config.Parse(fs, args[1:]); err != nil {
		return err
	}
	if email == "" && args[0] != "list-tokens" && args[0] != "revoke-token" {
		return errors.New("admin: --email is required")
	}
	db, err := instance.OpenStore(ctx, s)
	if err != nil {
		return err
	}
	defer db.Close()
	d := desk.New(db, slog.New(slog.NewTextHandler(stderr, nil)))
	switch args[0] {
	case "create-user":
		u, err := d.BootstrapUser(ctx, desk.UserInput{Name: &name, Email: &email, Role: &role})
		if err != nil {
			return fmt.Errorf("admin: create user: %w", err)
		}
		fmt.Fprintf(stdout, "created %s %s (id %d)\n", u.Role, u.Email, u.ID)
	case "create-token":
		token, err := d.CreateToken(ctx, email)
		if err != nil {
			return fmt.Errorf("admin: create token: %w", err)
		}
		fmt.Fprintf(stdout, "API token for %s (shown once; use Basic auth %s/token:<token> or Bearer <token>):\n%s\n", email, email, token)
	case "list-tokens":
		return listTokens(ctx, d, email, stdout)
	case "revoke-token":
		if err := d.RevokeToken(ctx, cliAdmin(), id); err != nil {
			return fmt.Errorf("admin: revoke token %d (see list-tokens for ids): %w", id, err)
		}
		fmt.Fprintf(stdout, "revoked token %d\n", id)
	case "set-password":
		pw, err := bufio.NewReader(stdin).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return fmt.Errorf("admin: read password: %w", err)
		}
		if err := d.SetPassword(ctx, email, strings.TrimRight(pw, "\r\n")); err != nil {
			return fmt.Errorf("admin: set password: %w", err)
		}
		fmt.Fprintf(stdout, "password set for %s\n", email)
	default:
		fmt.Fprint(stderr, adminUsage)
		return fmt.Errorf("admin: unknown subcommand %q", args[0])
	}
	return nil
}

// genKey writes a new secret key file for --secret-key-file. It never overwrites
// a file: replacing a key makes every credential it sealed unreadable.
func genKey(args []string, stdout, stderr io.Writer) error {
	var out string
	fs := flag.NewFlagSet("admin gen-key", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&out, "out", "", "file to create (mode 0600); keep it outside the data directory and back it up apart from the database")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if out == "" {
		return errors.New("admin gen-key: --out is required")
	}
	if err := secretbox.GenerateKeyFile(out); err != nil {
		return fmt.Errorf("admin gen-key: %w", err)
	}
	fmt.Fprintf(stdout, "wrote a new secret key to %s; start serve with --secret-key-file %s (or TWINDESK_SECRET_KEY_FILE)\n", out, out)
	return nil
}

// cliAdmin is the acting user of admin commands: whoever runs them holds the
// database already.
func cliAdmin() model.User { return model.User{Role: model.RoleAdmin} }

// listTokens prints every API token (of email, if given): id, owner, creation.
func listTokens(ctx context.Context, d *desk.Service, email string, stdout io.Writer) error {
	rows, err := d.ListTokens(ctx, cliAdmin())
	if err != nil {
		return fmt.Errorf("admin: list tokens: %w", err)
	}
	fmt.Fprintln(stdout, "id\tuser\tcreated")
	for _, t := range rows {
		if email == "" || strings.EqualFold(t.UserEmail, email) {
			fmt.Fprintf(stdout, "%d\t%s\t%s\n", t.ID, t.UserEmail, t.CreatedAt.Format(time.RFC3339))
		}
	}
	return nil
}
