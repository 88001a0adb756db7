package outbound

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"io"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/mailpittest"
)

// TestAttachmentsToMailpit sends a message with files whose names are not
// ASCII to a real SMTP server; Mailpit's own MIME parser must read the names
// back as written and each file's bytes with the same SHA-256, and the text
// must still be there.
func TestAttachmentsToMailpit(t *testing.T) {
	t.Parallel()
	sink := mailpittest.Start(t)
	relay, err := ParseRelay("smtp://it:secret@" + sink.SMTPAddr + "?insecure=true")
	require.NoError(t, err)
	s, err := NewSender(relay)
	require.NoError(t, err)
	files := map[string][]byte{
		"Gehaltsabrechnung März 2026 – Jürgen Weiß (korrigierte Fassung, bitte aufbewahren).pdf": randomBytes(t, 300<<10),
		"報告書.txt":   []byte("日本語のテキスト\n"),
		"plain.png": randomBytes(t, 1000),
	}
	msg := testMessage()
	for name, data := range files {
		msg.Attachments = append(msg.Attachments, Attachment{FileName: name, ContentType: "application/pdf",
			Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }})
	}
	raw, err := msg.Build()
	require.NoError(t, err)
	require.NotContains(t, string(raw), "März", "names travel encoded, never as raw UTF-8")
	require.NoError(t, s.Send(context.Background(), "it@company.example", []string{"juergen@example.org"}, raw))

	got := sink.WaitFor(1, 10*time.Second)
	m := sink.Message(got[0].ID)
	require.Contains(t, m.Text, "wir kümmern uns.")
	require.Contains(t, m.HTML, "<p>wir kümmern uns.</p>")
	require.Len(t, m.Attachments, len(files))
	for _, f := range m.Attachments {
		want, ok := files[f.FileName]
		require.True(t, ok, "Mailpit read the name %q", f.FileName)
		require.Equal(t, sha256.Sum256(want), sha256.Sum256(sink.Part(got[0].ID, f.PartID)), f.FileName)
	}
}

func randomBytes(t *testing.T, n int) []byte {
	b := make([]byte, n)
	_, err := rand.Read(b)
	require.NoError(t, err)
	return b
}

// BenchmarkBuildWithFiles builds a notification carrying Zendesk's most in
// files (10 MB: a 7 MB and a 3 MB file), as a trigger does in the write
// transaction of the comment.
func BenchmarkBuildWithFiles(b *testing.B) {
	big, small := make([]byte, 7<<20), make([]byte, 3<<20)
	_, _ = rand.Read(big)
	_, _ = rand.Read(small)
	msg := testMessage()
	for name, data := range map[string][]byte{"scan.pdf": big, "Lohnzettel März.pdf": small} {
		msg.Attachments = append(msg.Attachments, Attachment{FileName: name, ContentType: "application/pdf", Size: int64(len(data)),
			Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }})
	}
	b.ReportAllocs()
	for b.Loop() {
		raw, err := msg.Build()
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(len(raw))/(1<<20), "MB/msg")
	}
}
