package parse

import (
	"strings"
	"testing"
)

func crlf(s string) []byte { return []byte(strings.ReplaceAll(s, "\n", "\r\n")) }

func TestParseCharsetsAndEncodedWords(t *testing.T) {
	raw := crlf(`From: =?ISO-8859-1?Q?Ren=E9_M=FCller?= <Rene@Example.COM>
To: it@company.example
Subject: =?UTF-8?B?R2Vow6RsdCDigqw=?=
Message-ID: <a1@example.com>
MIME-Version: 1.0
Content-Type: text/plain; charset=windows-1252
Content-Transfer-Encoding: quoted-printable

Pr=E9f=E9rence =80 100 =96 merci
`)
	m, err := Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	if m.From.Name != "René Müller" || m.From.Address != "rene@example.com" {
		t.Errorf("from = %+v", m.From)
	}
	if m.Subject != "Gehält €" {
		t.Errorf("subject = %q", m.Subject)
	}
	if m.Text != "Préférence € 100 – merci" {
		t.Errorf("text = %q", m.Text)
	}
	if m.MessageID != "a1@example.com" || m.Auto != "" || m.Forwarded {
		t.Errorf("id %q auto %q fwd %v", m.MessageID, m.Auto, m.Forwarded)
	}
}

func TestParseHTMLOnlyIsSanitisedAndInlineImageKept(t *testing.T) {
	raw := crlf(`From: a@example.com
Subject: html
MIME-Version: 1.0
Content-Type: multipart/related; boundary=B

--B
Content-Type: text/html; charset=iso-8859-1
Content-Transfer-Encoding: quoted-printable

<html><head><style>p{color:red}</style><script>alert('x')</script></head><body>
<p>Bonjour, le <b>VPN</b> ne marche pas=A0!</p><p onclick=3D"evil()">Voir <a href=3D"https://x.example/a">ici</a><img src=3D"cid:img1" alt=3D"capture"></p>
<blockquote>old text</blockquote></body></html>
--B
Content-Type: image/png
Content-ID: <img1>
Content-Transfer-Encoding: base64

iVBORw0KGgo=
--B--
`)
	m, err := Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	if !m.FromHTML || strings.Contains(m.Full, "alert") || strings.Contains(m.Full, "color") || strings.Contains(m.Full, "evil") {
		t.Errorf("unsafe text: %q", m.Full)
	}
	if !strings.Contains(m.Text, "Bonjour, le VPN ne marche pas\u00a0!") || !strings.Contains(m.Text, "ici (https://x.example/a)") {
		t.Errorf("text = %q", m.Text)
	}
	if strings.Contains(m.Text, "old text") || !strings.Contains(m.Full, "> old text") {
		t.Errorf("blockquote not trimmed: text %q full %q", m.Text, m.Full)
	}
	if len(m.Attachments) != 1 || m.Attachments[0].ContentID != "img1" || m.Attachments[0].Name != "attachment.png" || string(m.Attachments[0].Data) != "\x89PNG\r\n\x1a\n" {
		t.Errorf("attachments = %+v", m.Attachments)
	}
}

func TestParseAttachmentWithEncodedName(t *testing.T) {
	raw := crlf(`From: a@example.com
Subject: files
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary=B

--B
Content-Type: multipart/alternative; boundary=C

--C
Content-Type: text/plain; charset=utf-8

See attached.
--C
Content-Type: text/html; charset=utf-8

<p>See attached.</p>
--C--
--B
Content-Type: application/pdf; name="=?UTF-8?Q?Lohnabrechnung_M=C3=A4rz.pdf?="
Content-Disposition: attachment; filename="=?UTF-8?Q?Lohnabrechnung_M=C3=A4rz.pdf?="
Content-Transfer-Encoding: base64

JVBERi0xLjQ=
--B--
`)
	m, err := Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	if m.Text != "See attached." || m.FromHTML {
		t.Errorf("text %q html %v", m.Text, m.FromHTML)
	}
	if len(m.Attachments) != 1 || m.Attachments[0].Name != "Lohnabrechnung März.pdf" || string(m.Attachments[0].Data) != "%PDF-1.4" {
		t.Errorf("attachments = %+v", m.Attachments)
	}
}

func TestTrimQuoted(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"Thanks, works now.\n\nOn Mon, 7 Dec 2026 at 10:00, IT Helpdesk <it@company.example> wrote:\n> Please restart.\n> Bye", "Thanks, works now."},
		{"Merci\n\nLe lun. 7 déc. 2026 à 10:00, IT <it@c.example> a écrit :\n> x", "Merci"},
		{"Danke\n\nVon: IT Helpdesk\nGesendet: Montag\nAn: Anna\nBetreff: x\n\nold", "Danke"},
		{"Yes\n-----Original Message-----\nFrom: x", "Yes"},
		{"From: my colleague told me to write.\nThe printer is broken.", "From: my colleague told me to write.\nThe printer is broken."},
		{"> only quoted\n> text", "> only quoted\n> text"},
		{"Ok\n##- Please type your reply above this line -##\nold", "Ok"},
		{"Answer\n\nOn Mon, 7 Dec 2026 at 10:00, Helpdesk <it@company.example>\nwrote:\n> q", "Answer"},
	} {
		if got := TrimQuoted(c.in); got != c.want {
			t.Errorf("TrimQuoted(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestParseAutoAndForward(t *testing.T) {
	base := "From: a@example.com\nSubject: %s\n%s\nContent-Type: text/plain\n\nbody\n"
	for _, c := range []struct {
		subject, header string
		auto            Auto
		fwd             bool
	}{
		{"Out of office", "Auto-Submitted: auto-replied", AutoReply, false},
		{"x", "Auto-Submitted: no", "", false},
		{"x", "Precedence: bulk", AutoBulk, false},
		{"x", "List-Id: <news.example.com>", AutoBulk, false},
		{"x", "X-Autoreply: yes", AutoReply, false},
		{"x", "X-Auto-Response-Suppress: All", AutoReply, false},
		{"Fwd: laptop", "X-Mailer: x", "", true},
		{"WG: Gehalt", "X-Mailer: x", "", true},
	} {
		m, err := Parse(crlf(strings.Replace(strings.Replace(base, "%s", c.subject, 1), "%s", c.header, 1)))
		if err != nil {
			t.Fatal(err)
		}
		if m.Auto != c.auto || m.Forwarded != c.fwd {
			t.Errorf("%s / %s: auto %q fwd %v", c.subject, c.header, m.Auto, m.Forwarded)
		}
	}
	dsn := crlf(`From: MAILER-DAEMON@mx.example
Subject: Undelivered
Content-Type: multipart/report; report-type=delivery-status; boundary=R

--R
Content-Type: text/plain

Delivery failed.
--R
Content-Type: message/delivery-status

Status: 5.1.1
--R--
`)
	m, err := Parse(dsn)
	if err != nil || m.Auto != AutoBounce {
		t.Fatalf("dsn: %v %+v", err, m)
	}
}

func TestParseRejectsBrokenMail(t *testing.T) {
	if _, err := Parse(crlf("Subject: no sender\n\nhi\n")); err == nil {
		t.Error("mail without From parsed")
	}
	broken := crlf("From: a@example.com\nContent-Type: multipart/mixed; boundary=\"unterminated\n\n--x\n")
	if _, err := Parse(broken); err == nil {
		t.Error("broken multipart parsed")
	}
}
