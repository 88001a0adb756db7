package blob

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// Dir keeps each blob in a file of its own under a directory (<data>/blobs by
// default), named by its random id in a two-letter fan-out: blobs/ab/abcd....
//
// Ids are random rather than content hashes on purpose: two tickets that carry the
// same file own separate copies, so purging one never has to ask whether another
// still needs the bytes.
type Dir struct {
	root string
}

// NewDir returns a store rooted at root, creating it (mode 0700) when missing.
// Partial uploads left by a crash in root/tmp are removed.
func NewDir(root string) (*Dir, error) {
	if err := os.MkdirAll(filepath.Join(root, "tmp"), 0o700); err != nil {
		return nil, fmt.Errorf("blob: create %s: %w", root, err)
	}
	d := &Dir{root: root}
	d.clearTmp()
	return d, nil
}

func (d *Dir) path(id string) string { return filepath.Join(d.root, id[:2], id) }

// clearTmp overwrites and removes temporary files a crash left behind: they
// may hold a whole upload.
func (d *Dir) clearTmp() {
	entries, err := os.ReadDir(filepath.Join(d.root, "tmp"))
	if err != nil {
		return
	}
	for _, e := range entries {
		_ = shred(filepath.Join(d.root, "tmp", e.Name()))
	}
}

// Put streams r into a temporary file, syncs it and renames it into place, so
// a blob is either whole or absent.
func (d *Dir) Put(ctx context.Context, r io.Reader, limit int64) (Info, error) {
	f, err := os.CreateTemp(filepath.Join(d.root, "tmp"), "put-*")
	if err != nil {
		return Info{}, fmt.Errorf("blob: temp file: %w", err)
	}
	tmp := f.Name()
	m := newMeter(r, limit)
	_, err = io.Copy(f, readerCtx{ctx, m})
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = shred(tmp) // a refused or cut upload leaves no bytes behind
		return Info{}, fmt.Errorf("blob: write: %w", err)
	}
	id := newID()
	if err := os.MkdirAll(filepath.Dir(d.path(id)), 0o700); err != nil {
		_ = shred(tmp)
		return Info{}, fmt.Errorf("blob: create fan-out dir: %w", err)
	}
	if err := os.Rename(tmp, d.path(id)); err != nil {
		_ = shred(tmp)
		return Info{}, fmt.Errorf("blob: rename: %w", err)
	}
	syncDir(filepath.Dir(d.path(id)))
	return m.info(id), nil
}

// Open opens the blob's file.
func (d *Dir) Open(_ context.Context, id string) (io.ReadCloser, error) {
	if !validID(id) {
		return nil, notFound(id)
	}
	f, err := os.Open(d.path(id))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, notFound(id)
	}
	if err != nil {
		return nil, fmt.Errorf("blob: open %s: %w", id, err)
	}
	return f, nil
}

// Delete overwrites the blob's file with zeros, syncs it, then unlinks it (see
// shred for what this does and does not guarantee).
func (d *Dir) Delete(_ context.Context, id string) error {
	if !validID(id) {
		return nil
	}
	if err := shred(d.path(id)); err != nil {
		return fmt.Errorf("blob: delete %s: %w", id, err)
	}
	return nil
}

// shred overwrites path with zeros in place, syncs, and removes it. On ext4
// (data=ordered, the default), XFS and btrfs-nodatacow files the zeros land on
// the same blocks, so once the sync returns the content is gone from the device as
// the filesystem sees it; the journal records metadata only and never held the
// bytes. It is not enough on copy-on-write or log-structured filesystems (btrfs,
// ZFS, F2FS) and SSDs' remapping, where the old blocks survive until reused:
// there, full-disk encryption is the answer (docs/operations.md).
// A missing file is not an error.
func shred(path string) error {
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	st, err := f.Stat()
	if err == nil {
		err = zero(f, st.Size())
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	syncDir(filepath.Dir(path))
	return nil
}

func zero(f *os.File, size int64) error {
	buf := make([]byte, 64<<10)
	for off := int64(0); off < size; {
		n := min(int64(len(buf)), size-off)
		if _, err := f.WriteAt(buf[:n], off); err != nil {
			return err
		}
		off += n
	}
	return nil
}

// syncDir makes a rename or unlink in dir durable; failure only weakens
// durability, so it is not reported.
func syncDir(dir string) {
	if f, err := os.Open(dir); err == nil {
		_ = f.Sync()
		_ = f.Close()
	}
}

// readerCtx stops a copy when ctx ends (a client gone mid-upload).
type readerCtx struct {
	ctx context.Context
	r   io.Reader
}

func (r readerCtx) Read(p []byte) (int, error) {
	if err := r.ctx.Err(); err != nil {
		return 0, err
	}
	return r.r.Read(p)
}
