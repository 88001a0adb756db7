// Package dovecottest starts a real Dovecot IMAP server for tests: on a loopback
// port, with its config, passwd-file and maildirs in a temporary directory, run
// in the foreground by the test (no system service, no system config touched).
// Without dovecot installed the test is skipped, and fails under CI=1, where
// .ci/run installs dovecot-imapd.
package dovecottest

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// Server is a running Dovecot.
type Server struct {
	Addr string // 127.0.0.1:port, plain IMAP (STARTTLS is not configured)
	Dir  string
}

// Options configures the server.
type Options struct {
	// Users maps user names to passwords for the passwd-file passdb.
	Users map[string]string
	// IntrospectionURL, when set, adds Dovecot's oauth2 passdb (XOAUTH2 and
	// OAUTHBEARER), which validates each bearer token at this RFC 7662 endpoint;
	// the token's "username" must name the user logging in.
	IntrospectionURL string
}

// Binary finds dovecot, or skips (fails under CI) the test.
func Binary(t testing.TB) string {
	t.Helper()
	for _, p := range []string{"dovecot", "/usr/sbin/dovecot"} {
		if path, err := exec.LookPath(p); err == nil {
			return path
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("dovecottest: dovecot is not installed (apt-get install dovecot-imapd); CI must run these tests")
	}
	t.Skip("dovecottest: dovecot is not installed (apt-get install dovecot-imapd)")
	return ""
}

// Start runs Dovecot until the test ends.
func Start(t testing.TB, o Options) *Server {
	t.Helper()
	bin := Binary(t)
	dir, err := os.MkdirTemp("", "dovecot-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	// Dovecot's unprivileged processes (dovenull, dovecot) must reach the run
	// directory when the test runs as root.
	must(t, os.Chmod(dir, 0o755))
	loginUser, internalUser, uid, gid := accounts(t)
	port := freePort(t)
	var passwd strings.Builder
	for u, p := range o.Users {
		fmt.Fprintf(&passwd, "%s:{PLAIN}%s::::::\n", u, p)
	}
	must(t, os.WriteFile(filepath.Join(dir, "passwd"), []byte(passwd.String()), 0o644))
	must(t, os.MkdirAll(filepath.Join(dir, "mail"), 0o755))
	must(t, os.Chown(filepath.Join(dir, "mail"), uid, gid))
	oauthDB := ""
	if o.IntrospectionURL != "" {
		must(t, os.WriteFile(filepath.Join(dir, "oauth2.conf"), []byte("introspection_mode = post\nintrospection_url = "+
			o.IntrospectionURL+"\nusername_attribute = username\nactive_attribute = active\nactive_value = true\n"), 0o644))
		oauthDB = fmt.Sprintf("passdb {\n  driver = oauth2\n  mechanisms = xoauth2 oauthbearer\n  args = %s/oauth2.conf\n}\n", dir)
	}
	conf := fmt.Sprintf(`protocols = imap
listen = 127.0.0.1
base_dir = %[1]s/run
state_dir = %[1]s/state
instance_name = dovecottest-%[2]d
log_path = %[1]s/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login xoauth2 oauthbearer
mail_location = maildir:%[1]s/mail/%%n
default_login_user = %[3]s
default_internal_user = %[4]s
first_valid_uid = %[5]d
first_valid_gid = %[6]d
login_trusted_networks = 127.0.0.0/8
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = %[2]d
  }
  inet_listener imaps {
    port = 0
  }
}
service stats {
  unix_listener stats-writer {
    mode = 0666
  }
}
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%%n %[1]s/passwd
}
%[7]s
userdb {
  driver = static
  args = uid=%[5]d gid=%[6]d home=%[1]s/mail/%%n
}
`, dir, port, loginUser, internalUser, uid, gid, oauthDB)
	cfg := filepath.Join(dir, "dovecot.conf")
	must(t, os.WriteFile(cfg, []byte(conf), 0o644))
	cmd := exec.Command(bin, "-F", "-c", cfg)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatalf("dovecottest: start: %v", err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			_ = cmd.Process.Kill()
		}
	})
	s := &Server{Addr: net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), Dir: dir}
	deadline := time.Now().Add(10 * time.Second)
	for {
		// Ready means greeting: the port may accept before imap-login serves it.
		err := greets(s.Addr)
		if err == nil {
			return s
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(filepath.Join(dir, "dovecot.log"))
			t.Fatalf("dovecottest: dovecot did not listen on %s: %v\n%s\n%s", s.Addr, err, out.String(), log)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// greets reads the server's IMAP greeting on a fresh connection.
func greets(addr string) error {
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return err
	}
	defer c.Close()
	_ = c.SetReadDeadline(time.Now().Add(2 * time.Second))
	buf := make([]byte, 4)
	if _, err := io.ReadFull(c, buf); err != nil {
		return err
	}
	if string(buf) != "* OK" {
		return fmt.Errorf("greeting %q", buf)
	}
	return nil
}

// accounts returns the users Dovecot's processes and mail run as: the system
// accounts of the dovecot package when the test runs as root, else the test's own.
func accounts(t testing.TB) (login, internal string, uid, gid int) {
	me, err := user.Current()
	if err != nil {
		t.Fatal(err)
	}
	if me.Uid != "0" {
		uid, _ = strconv.Atoi(me.Uid)
		gid, _ = strconv.Atoi(me.Gid)
		return me.Username, me.Username, uid, gid
	}
	d, err := user.Lookup("dovecot")
	if err != nil {
		t.Fatalf("dovecottest: running as root needs the dovecot system user: %v", err)
	}
	uid, _ = strconv.Atoi(d.Uid)
	gid, _ = strconv.Atoi(d.Gid)
	login = "dovenull"
	if _, err := user.Lookup(login); err != nil {
		login = "dovecot"
	}
	return login, "dovecot", uid, gid
}

func freePort(t testing.TB) int {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// Log returns Dovecot's log, for failure messages.
func (s *Server) Log() string {
	b, _ := os.ReadFile(filepath.Join(s.Dir, "dovecot.log"))
	return string(b)
}

// Client logs in as user over IMAP.
func (s *Server) Client(t testing.TB, user, password string) *imapclient.Client {
	t.Helper()
	var err error
	for range 5 { // a loaded machine may reset the first connections of a fresh server
		var c *imapclient.Client
		if c, err = imapclient.DialInsecure(s.Addr, nil); err != nil {
			time.Sleep(200 * time.Millisecond)
			continue
		}
		if err = c.Login(user, password).Wait(); err != nil {
			_ = c.Close()
			time.Sleep(200 * time.Millisecond)
			continue
		}
		t.Cleanup(func() { _ = c.Close() })
		return c
	}
	t.Fatalf("dovecottest: login %s: %v\n%s", user, err, s.Log())
	return nil
}

// Append delivers raw into user's INBOX, as an MTA would (unseen).
func (s *Server) Append(t testing.TB, c *imapclient.Client, raw []byte) {
	t.Helper()
	cmd := c.Append("INBOX", int64(len(raw)), nil)
	if _, err := cmd.Write(raw); err != nil {
		t.Fatalf("dovecottest: append: %v", err)
	}
	if err := cmd.Close(); err != nil {
		t.Fatalf("dovecottest: append: %v", err)
	}
	if _, err := cmd.Wait(); err != nil {
		t.Fatalf("dovecottest: append: %v", err)
	}
}

// Unseen counts the messages of INBOX not yet flagged \Seen.
func (s *Server) Unseen(t testing.TB, c *imapclient.Client) int {
	t.Helper()
	if _, err := c.Select("INBOX", &imap.SelectOptions{ReadOnly: true}).Wait(); err != nil {
		t.Fatalf("dovecottest: select: %v", err)
	}
	d, err := c.UIDSearch(&imap.SearchCriteria{NotFlag: []imap.Flag{imap.FlagSeen}}, nil).Wait()
	if err != nil {
		t.Fatalf("dovecottest: search: %v", err)
	}
	return len(d.AllUIDs())
}
