package secretbox

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
)

// DefaultKeyFile is the key file's name in the data directory when the operator
// configures no key.
const DefaultKeyFile = "secret.key"

// Source says where the key comes from. File wins over Value; with neither, a key
// file is generated in (or read from) DataDir.
type Source struct {
	File    string // --secret-key-file: a file holding the key in base64 or hex
	Value   string // TWINDESK_SECRET_KEY: the key itself, base64 or hex of 32 bytes
	DataDir string // where to keep a generated key; "" keeps it in memory only
}

// Load returns the Box for src. A generated key, or one read from the data
// directory, is logged as a warning: it sits next to the database, so a backup of
// the directory holds both the sealed credentials and their key.
func Load(src Source, log *slog.Logger) (*Box, error) {
	switch {
	case src.File != "" && src.Value != "":
		return nil, errors.New("secret key: give --secret-key-file or TWINDESK_SECRET_KEY, not both")
	case src.File != "":
		return loadFile(src.File, log)
	case src.Value != "":
		key, err := ParseKey(src.Value)
		if err != nil {
			return nil, fmt.Errorf("TWINDESK_SECRET_KEY: %w", err)
		}
		return New(key)
	case src.DataDir == "":
		log.Warn("no secret key configured and no data directory: stored credentials are sealed with a key that lasts until this process exits; set --secret-key-file (create one with `twindesk admin gen-key --out FILE`)")
		return Generate()
	}
	path := filepath.Join(src.DataDir, DefaultKeyFile)
	created, err := ensureKeyFile(path)
	if err != nil {
		return nil, err
	}
	b, err := loadFile(path, log)
	if err != nil {
		return nil, err
	}
	what := "using"
	if created {
		what = "generated"
	}
	log.Warn("secret key "+what+" inside the data directory: move it outside, set --secret-key-file, and back it up apart from the database (see docs/operations.md, Backups)",
		"path", path, "key_id", b.KeyID())
	return b, nil
}

// Generate returns a Box with a fresh random key.
func Generate() (*Box, error) {
	key := make([]byte, KeySize)
	_, _ = rand.Read(key) // crypto/rand never fails on supported platforms
	return New(key)
}

// GenerateKeyFile writes a fresh key to path (mode 0600), refusing to overwrite
// an existing file: replacing a key makes every credential it sealed unreadable.
// The key is written to a temporary file first and linked into place, so a
// process starting at the same moment reads a whole key or none.
func GenerateKeyFile(path string) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".secret-key-*")
	if err != nil {
		return fmt.Errorf("secret key file: %w", err)
	}
	defer os.Remove(tmp.Name())
	key := make([]byte, KeySize)
	_, _ = rand.Read(key) // crypto/rand never fails on supported platforms
	_, err = tmp.WriteString(base64.StdEncoding.EncodeToString(key) + "\n")
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Link(tmp.Name(), path) // fails if path exists: never replaces a key
	}
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("secret key file %s already exists; a key is never overwritten: %w", path, fs.ErrExist)
	}
	if err != nil {
		return fmt.Errorf("secret key file: %w", err)
	}
	return nil
}

// ensureKeyFile creates the key file unless it exists; another process starting
// on the same directory at the same moment is fine (O_EXCL picks one).
func ensureKeyFile(path string) (created bool, err error) {
	if _, err := os.Stat(path); err == nil {
		return false, nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return false, fmt.Errorf("secret key file: %w", err)
	}
	err = GenerateKeyFile(path)
	if errors.Is(err, fs.ErrExist) {
		return false, nil
	}
	return err == nil, err
}

func loadFile(path string, log *slog.Logger) (*Box, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("secret key file: %w (create one with `twindesk admin gen-key --out %s`)", err, path)
	}
	key, err := ParseKey(string(raw))
	if err != nil {
		return nil, fmt.Errorf("secret key file %s: %w", path, err)
	}
	if st, err := os.Stat(path); err == nil && st.Mode().Perm()&0o077 != 0 {
		log.Warn("secret key file is readable by other users: chmod 600 it", "path", path, "mode", st.Mode().Perm().String())
	}
	return New(key)
}

// ParseKey decodes a key written as hex or base64 (standard or URL alphabet,
// padded or not); surrounding white space is ignored.
func ParseKey(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	if len(s) == 2*KeySize {
		if key, err := hex.DecodeString(s); err == nil {
			return key, nil
		}
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if key, err := enc.DecodeString(s); err == nil {
			if len(key) != KeySize {
				return nil, fmt.Errorf("the key is %d bytes, want %d (base64 or hex of 32 random bytes)", len(key), KeySize)
			}
			return key, nil
		}
	}
	return nil, fmt.Errorf("not base64 or hex of %d bytes", KeySize)
}
