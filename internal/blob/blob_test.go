package blob_test

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/blob"
	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/pgtest"
	"github.com/twindesk/twindesk/internal/store/postgres"
)

// stores returns each implementation, the PostgreSQL one when TWINDESK_PG_URL
// is set (pgtest skips otherwise, and fails under CI).
func stores(t *testing.T) map[string]func(t *testing.T) blob.Store {
	return map[string]func(t *testing.T) blob.Store{
		"dir": func(t *testing.T) blob.Store {
			d, err := blob.NewDir(filepath.Join(t.TempDir(), "blobs"))
			require.NoError(t, err)
			return d
		},
		"postgres": func(t *testing.T) blob.Store {
			db, err := postgres.Open(t.Context(), pgtest.URL(t))
			require.NoError(t, err)
			t.Cleanup(func() { _ = db.Close() })
			return blob.NewPostgres(db.WriteDB())
		},
	}
}

func TestPutOpenDelete(t *testing.T) {
	t.Parallel()
	for name, open := range stores(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s := open(t)
			ctx := t.Context()
			// Sizes around the chunk boundary, and empty.
			for _, n := range []int{0, 1, blob.ChunkSize - 1, blob.ChunkSize, blob.ChunkSize + 1, 3*blob.ChunkSize + 17} {
				data := make([]byte, n)
				_, _ = rand.Read(data)
				info, err := s.Put(ctx, bytes.NewReader(data), int64(n))
				require.NoError(t, err)
				sum := sha256.Sum256(data)
				require.Equal(t, hex.EncodeToString(sum[:]), info.SHA256)
				require.Equal(t, int64(n), info.Size)
				r, err := s.Open(ctx, info.ID)
				require.NoError(t, err)
				got, err := io.ReadAll(r)
				require.NoError(t, err)
				require.NoError(t, r.Close())
				require.Equal(t, data, got, "size %d", n)
				require.NoError(t, s.Delete(ctx, info.ID))
				_, err = s.Open(ctx, info.ID)
				require.ErrorIs(t, err, model.ErrNotFound)
				require.NoError(t, s.Delete(ctx, info.ID), "a second delete succeeds")
			}
			_, err := s.Open(ctx, "../../etc/passwd")
			require.ErrorIs(t, err, model.ErrNotFound)
		})
	}
}

func TestPutOverLimitKeepsNothing(t *testing.T) {
	t.Parallel()
	for name, open := range stores(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s := open(t)
			_, err := s.Put(t.Context(), bytes.NewReader(make([]byte, 1001)), 1000)
			require.True(t, errors.Is(err, blob.ErrTooLarge), "%v", err)
			info, err := s.Put(t.Context(), bytes.NewReader(make([]byte, 1000)), 1000)
			require.NoError(t, err, "exactly the limit is allowed")
			require.Equal(t, int64(1000), info.Size)
		})
	}
}

// TestDirDeleteOverwritesInPlace checks through a hard link, which shares the
// file's blocks, that Delete zeroed the content before unlinking it: an unlink
// alone would leave the link with the secret.
func TestDirDeleteOverwritesInPlace(t *testing.T) {
	t.Parallel()
	root := filepath.Join(t.TempDir(), "blobs")
	d, err := blob.NewDir(root)
	require.NoError(t, err)
	secret := bytes.Repeat([]byte("zqxsecret "), 10000)
	info, err := d.Put(t.Context(), bytes.NewReader(secret), 1<<20)
	require.NoError(t, err)
	link := filepath.Join(t.TempDir(), "link")
	require.NoError(t, os.Link(filepath.Join(root, info.ID[:2], info.ID), link))
	require.NoError(t, d.Delete(t.Context(), info.ID))
	got, err := os.ReadFile(link)
	require.NoError(t, err)
	require.Len(t, got, len(secret))
	require.Equal(t, make([]byte, len(secret)), got, "the blocks were overwritten with zeros")
	_, err = os.Stat(filepath.Join(root, info.ID[:2], info.ID))
	require.True(t, os.IsNotExist(err))
}

// TestDirRemovesLeftoverTemp: an upload cut by a crash leaves a temp file,
// which the next start overwrites and removes.
func TestDirRemovesLeftoverTemp(t *testing.T) {
	t.Parallel()
	root := filepath.Join(t.TempDir(), "blobs")
	_, err := blob.NewDir(root)
	require.NoError(t, err)
	leftover := filepath.Join(root, "tmp", "put-123")
	require.NoError(t, os.WriteFile(leftover, []byte("zqxpartial"), 0o600))
	_, err = blob.NewDir(root)
	require.NoError(t, err)
	_, err = os.Stat(leftover)
	require.True(t, os.IsNotExist(err))
}
