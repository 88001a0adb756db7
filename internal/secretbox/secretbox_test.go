package secretbox

import (
	"encoding/hex"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/twindesk/twindesk/internal/model"
)

func newBox(t *testing.T) *Box {
	t.Helper()
	b, err := Generate()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestSealOpen(t *testing.T) {
	t.Parallel()
	b := newBox(t)
	const canary = "canary-Pa55word-7f3a"
	sealed := b.Seal("webhook auth password", canary)
	if !IsSealed(sealed) || strings.Contains(sealed, canary) {
		t.Fatalf("sealed %q: want the prefix and no plaintext", sealed)
	}
	if again := b.Seal("webhook auth password", canary); again == sealed {
		t.Error("two seals of one value are equal: the nonce is not random")
	}
	got, err := b.Open("webhook auth password", sealed)
	if err != nil || got != canary {
		t.Fatalf("Open = %q, %v; want %q", got, err, canary)
	}
	if SealedKeyID(sealed) != b.KeyID() {
		t.Errorf("SealedKeyID %q, want %q", SealedKeyID(sealed), b.KeyID())
	}
}

func TestOpenRefuses(t *testing.T) {
	t.Parallel()
	b := newBox(t)
	sealed := b.Seal("target password", "s3cret")
	tampered := []byte(sealed)
	tampered[len(tampered)-2] ^= 1
	tests := []struct {
		name, label, value string
		box                *Box
		want               error
	}{
		{"another key", "target password", sealed, newBox(t), ErrWrongKey},
		{"another label", "webhook auth token", sealed, b, ErrCorrupt},
		{"altered", "target password", string(tampered), b, ErrCorrupt},
		{"truncated", "target password", sealed[:len(Prefix)+10], b, ErrCorrupt},
		{"not base64", "target password", Prefix + "***", b, ErrCorrupt},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.box.Open(tt.label, tt.value)
			if !errors.Is(err, tt.want) || got != "" {
				t.Fatalf("Open = %q, %v; want %v", got, err, tt.want)
			}
		})
	}
}

func TestPlaintextAndEmptyPassThrough(t *testing.T) {
	t.Parallel()
	b := newBox(t)
	if got, err := b.Open("x", "legacy plain"); err != nil || got != "legacy plain" {
		t.Errorf("Open(plaintext) = %q, %v", got, err)
	}
	if got := b.Seal("x", ""); got != "" {
		t.Errorf("Seal(\"\") = %q, want empty", got)
	}
}

func TestParseKey(t *testing.T) {
	t.Parallel()
	key := "0123456789abcdef0123456789abcdef"
	tests := []struct {
		in string
		ok bool
	}{
		{hex.EncodeToString([]byte(key)), true},
		{"MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=\n", true},
		{"MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY", true},
		{"c2VjcmV0", false}, // 6 bytes
		{"not a key at all!", false},
	}
	for _, tt := range tests {
		got, err := ParseKey(tt.in)
		if tt.ok && (err != nil || string(got) != key) {
			t.Errorf("ParseKey(%q) = %q, %v; want the key", tt.in, got, err)
		}
		if !tt.ok && err == nil {
			t.Errorf("ParseKey(%q) accepted", tt.in)
		}
	}
}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func TestLoadGeneratesInDataDirOnce(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	b1, err := Load(Source{DataDir: dir}, quiet())
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(filepath.Join(dir, DefaultKeyFile))
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v, mode %v; want 0600", err, st)
	}
	b2, err := Load(Source{DataDir: dir}, quiet())
	if err != nil || b2.KeyID() != b1.KeyID() {
		t.Fatalf("second load: key %v, %v; want the same key %s", b2, err, b1.KeyID())
	}
}

func TestLoadFromFileAndEnv(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "k")
	if err := GenerateKeyFile(path); err != nil {
		t.Fatal(err)
	}
	if err := GenerateKeyFile(path); err == nil {
		t.Error("GenerateKeyFile overwrote an existing key")
	}
	fromFile, err := Load(Source{File: path, DataDir: t.TempDir()}, quiet())
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(path)
	fromEnv, err := Load(Source{Value: string(raw)}, quiet())
	if err != nil || fromEnv.KeyID() != fromFile.KeyID() {
		t.Fatalf("env key: %v; want the file's key", err)
	}
	if _, err := Load(Source{File: path, Value: string(raw)}, quiet()); err == nil {
		t.Error("both a file and a value were accepted")
	}
	if _, err := Load(Source{File: filepath.Join(t.TempDir(), "missing")}, quiet()); err == nil || !strings.Contains(err.Error(), "gen-key") {
		t.Errorf("missing key file: %v; want an error naming gen-key (no key is generated at a configured path)", err)
	}
}

// Two nodes starting on one directory at once must end with one key, not a
// half-written file or two keys.
func TestLoadConcurrentStartsShareOneKey(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ids := make(chan string, 8)
	errs := make(chan error, 8)
	for range 8 {
		go func() {
			b, err := Load(Source{DataDir: dir}, quiet())
			if err != nil {
				errs <- err
				return
			}
			ids <- b.KeyID()
		}()
	}
	seen := map[string]bool{}
	for range 8 {
		select {
		case err := <-errs:
			t.Fatal(err)
		case id := <-ids:
			seen[id] = true
		}
	}
	if len(seen) != 1 {
		t.Fatalf("%d different keys, want one", len(seen))
	}
}

// BenchmarkOpenWebhook is the cost a delivery pays: opening a password and a
// signing secret.
func BenchmarkOpenWebhook(b *testing.B) {
	box, _ := Generate()
	w := model.Webhook{ID: "w", AuthType: "basic_auth", AuthData: map[string]string{"username": "u",
		"password": box.Seal(AuthLabel("password"), "a password of some length")},
		SigningSecret: box.Seal(SigningSecretLabel, "XmSy6BFLUj9CzuMHGblSx32f610inllh9e_zDH59BF0")}
	for b.Loop() {
		if _, err := box.OpenWebhook(w); err != nil {
			b.Fatal(err)
		}
	}
}

func TestOpenWebhookAndTarget(t *testing.T) {
	t.Parallel()
	box := newBox(t)
	w := model.Webhook{ID: "w1", AuthType: "api_key", AuthData: map[string]string{"name": "X-Key",
		"value": box.Seal(AuthLabel("value"), "v")}, SigningSecret: box.Seal(SigningSecretLabel, "s")}
	got, err := box.OpenWebhook(w)
	if err != nil || got.AuthData["value"] != "v" || got.AuthData["name"] != "X-Key" || got.SigningSecret != "s" {
		t.Fatalf("OpenWebhook = %+v, %v", got, err)
	}
	if !IsSealed(w.AuthData["value"]) {
		t.Error("OpenWebhook changed its argument's map")
	}
	if _, err := newBox(t).OpenWebhook(w); !errors.Is(err, ErrWrongKey) || !strings.Contains(err.Error(), "webhook w1") {
		t.Errorf("another key: %v, want ErrWrongKey naming the webhook", err)
	}
	var none *Box
	if _, err := none.OpenWebhook(w); !errors.Is(err, ErrNoKey) {
		t.Errorf("no key: %v, want ErrNoKey", err)
	}
	tg := model.Target{ID: 7, Password: box.Seal(TargetPasswordLabel, "p")}
	if got, err := box.OpenTarget(tg); err != nil || got.Password != "p" {
		t.Errorf("OpenTarget = %q, %v", got.Password, err)
	}
	if got, err := none.OpenTarget(model.Target{Password: "plain"}); err != nil || got.Password != "plain" {
		t.Errorf("nil box, plaintext: %q, %v", got.Password, err)
	}
}
