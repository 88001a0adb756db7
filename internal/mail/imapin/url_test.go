package imapin_test

import (
	"strings"
	"testing"

	"github.com/twindesk/twindesk/internal/mail/imapin"
)

func TestParseURL(t *testing.T) {
	for _, c := range []struct {
		in, addr, tls, folder, user, pass string
	}{
		{"imaps://it%40company.example:p%40ss@outlook.office365.com/INBOX", "outlook.office365.com:993", "tls", "INBOX", "it@company.example", "p@ss"},
		{"imap://helpdesk:pw@mail.example:1143/Support", "mail.example:1143", "starttls", "Support", "helpdesk", "pw"},
		{"imap://helpdesk:pw@127.0.0.1:1143?tls=none", "127.0.0.1:1143", "none", "INBOX", "helpdesk", "pw"},
	} {
		mb, err := imapin.ParseURL(c.in)
		if err != nil || mb.Addr != c.addr || mb.TLS != c.tls || mb.Folder != c.folder || mb.Username != c.user || mb.Password != c.pass {
			t.Errorf("ParseURL(%q) = %+v, %v", c.in, mb, err)
		}
	}
	for _, bad := range []string{"http://u:p@host/INBOX", "imaps://host/INBOX", "imaps://u:secret-pw@host:99999999x/INBOX\x7f"} {
		_, err := imapin.ParseURL(bad)
		if err == nil {
			t.Errorf("ParseURL(%q) accepted", bad)
		} else if strings.Contains(err.Error(), "secret-pw") {
			t.Errorf("ParseURL error shows the password: %v", err)
		}
	}
}
