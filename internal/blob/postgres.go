package blob

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"time"
)

// ChunkSize is how much of a blob one blob_chunks row holds. Reads and writes
// hold at most one chunk in memory.
const ChunkSize = 256 << 10

// Postgres keeps blobs in the database itself (tables blobs and blob_chunks), so
// every node sharing it reads every file, backups carry them, and a purge deletes
// them in its own transaction (DeleteTx), scrubbed with the rest by VACUUM.
type Postgres struct {
	db  *sql.DB
	now func() time.Time
}

// NewPostgres returns a store over db, whose schema has the blob tables.
func NewPostgres(db *sql.DB) *Postgres { return &Postgres{db: db, now: time.Now} }

// Put inserts the content chunk by chunk in one transaction: a failed or
// oversized upload rolls back whole.
func (p *Postgres) Put(ctx context.Context, r io.Reader, limit int64) (Info, error) {
	tx, err := p.db.BeginTx(ctx, nil)
	if err != nil {
		return Info{}, fmt.Errorf("blob: begin: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	id := newID()
	m := newMeter(r, limit)
	buf := make([]byte, ChunkSize)
	for seq := 0; ; seq++ {
		n, rerr := io.ReadFull(m, buf)
		if rerr != nil && !errors.Is(rerr, io.EOF) && !errors.Is(rerr, io.ErrUnexpectedEOF) {
			return Info{}, fmt.Errorf("blob: read: %w", rerr)
		}
		if n > 0 {
			if _, err := tx.ExecContext(ctx, `INSERT INTO blob_chunks (blob_id, seq, data) VALUES ($1, $2, $3)`, id, seq, buf[:n]); err != nil {
				return Info{}, fmt.Errorf("blob: insert chunk: %w", err)
			}
		}
		if rerr != nil {
			break
		}
	}
	info := m.info(id)
	if _, err := tx.ExecContext(ctx, `INSERT INTO blobs (id, size, sha256, created_at) VALUES ($1, $2, $3, $4)`,
		id, info.Size, info.SHA256, p.now().UnixMicro()); err != nil {
		return Info{}, fmt.Errorf("blob: insert: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return Info{}, fmt.Errorf("blob: commit: %w", err)
	}
	return info, nil
}

// Open checks that id exists and returns a reader that fetches one chunk at a
// time.
func (p *Postgres) Open(ctx context.Context, id string) (io.ReadCloser, error) {
	var n int64
	err := p.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM blobs WHERE id = $1`, id).Scan(&n)
	if err != nil {
		return nil, fmt.Errorf("blob: open %s: %w", id, err)
	}
	if n == 0 {
		return nil, notFound(id)
	}
	return &chunkReader{ctx: ctx, db: p.db, id: id}, nil
}

// Delete removes the blob's rows in a transaction of its own.
func (p *Postgres) Delete(ctx context.Context, id string) error {
	tx, err := p.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("blob: begin: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	if err := p.DeleteTx(ctx, tx, id); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("blob: commit delete: %w", err)
	}
	return nil
}

// DeleteTx removes the blob's rows inside the caller's transaction (a purge),
// so the ticket and its files go together. The dead rows' bytes leave the table
// files at the purge's scrub (VACUUM of blob_chunks and its TOAST table).
func (p *Postgres) DeleteTx(ctx context.Context, tx *sql.Tx, id string) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM blob_chunks WHERE blob_id = $1`, id); err != nil {
		return fmt.Errorf("blob: delete chunks of %s: %w", id, err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM blobs WHERE id = $1`, id); err != nil {
		return fmt.Errorf("blob: delete %s: %w", id, err)
	}
	return nil
}

// chunkReader streams a blob one chunk (one query) at a time.
type chunkReader struct {
	ctx  context.Context
	db   *sql.DB
	id   string
	seq  int
	buf  []byte
	done bool
}

func (c *chunkReader) Read(p []byte) (int, error) {
	for len(c.buf) == 0 {
		if c.done {
			return 0, io.EOF
		}
		var data []byte
		err := c.db.QueryRowContext(c.ctx, `SELECT data FROM blob_chunks WHERE blob_id = $1 AND seq = $2`, c.id, c.seq).Scan(&data)
		if errors.Is(err, sql.ErrNoRows) {
			c.done = true
			continue
		}
		if err != nil {
			return 0, fmt.Errorf("blob: read %s chunk %d: %w", c.id, c.seq, err)
		}
		c.seq++
		c.buf = data
	}
	n := copy(p, c.buf)
	c.buf = c.buf[n:]
	return n, nil
}

func (c *chunkReader) Close() error { c.buf, c.done = nil, true; return nil }
