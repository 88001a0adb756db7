// Package blob stores attachment bytes behind one small interface: files in the
// data directory (Dir, the SQLite default) or chunks in PostgreSQL (Postgres), which
// every node sharing the database can read. Content is written once, addressed by a
// random id, streamed in both directions, and Delete makes the bytes unreadable
// from the store's files, not only unreachable.
package blob

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"

	"github.com/twindesk/twindesk/internal/model"
)

// ErrTooLarge is returned by Put when the content is longer than its limit;
// nothing is kept then.
var ErrTooLarge = errors.New("blob: content over the size limit")

// Info describes stored content.
type Info struct {
	// ID addresses the content in its store.
	ID string
	// Size is its length in bytes.
	Size int64
	// SHA256 is the hex SHA-256 of the content.
	SHA256 string
}

// Store keeps attachment bytes.
type Store interface {
	// Put reads r to its end and stores it under a new id. Content longer than
	// limit bytes fails with ErrTooLarge, leaving nothing behind.
	Put(ctx context.Context, r io.Reader, limit int64) (Info, error)
	// Open streams the content of id; an unknown id is model.ErrNotFound.
	Open(ctx context.Context, id string) (io.ReadCloser, error)
	// Delete removes id so its bytes are gone from the store's files, not only
	// unlinked; deleting an unknown id succeeds (a retried delete is not an error).
	Delete(ctx context.Context, id string) error
}

// newID returns a random id: 128 bits, hex, safe as a file name.
func newID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24)
	return hex.EncodeToString(b[:])
}

// validID reports whether id has newID's shape, so no id can name a path
// outside the store.
func validID(id string) bool {
	if len(id) != 32 {
		return false
	}
	_, err := hex.DecodeString(id)
	return err == nil
}

func notFound(id string) error { return fmt.Errorf("blob %s: %w", id, model.ErrNotFound) }

// meter counts and hashes what passes through it and fails once more than limit
// bytes passed.
type meter struct {
	r     io.Reader
	h     hash.Hash
	n     int64
	limit int64
}

func newMeter(r io.Reader, limit int64) *meter {
	return &meter{r: r, h: sha256.New(), limit: limit}
}

func (m *meter) Read(p []byte) (int, error) {
	n, err := m.r.Read(p)
	m.n += int64(n)
	m.h.Write(p[:n])
	if m.n > m.limit {
		return n, ErrTooLarge
	}
	return n, err
}

func (m *meter) info(id string) Info {
	return Info{ID: id, Size: m.n, SHA256: hex.EncodeToString(m.h.Sum(nil))}
}
