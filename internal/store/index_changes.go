package store

import (
	"database/sql"

	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/search/index"
)

// addFacets queues the cache changes of a ticket's field values: from before
// (nil for a new or restored ticket) to after.
func (q *Queries) addFacets(id int64, before, after *model.Ticket) {
	now := index.FacetValues(after)
	var was [len(index.FacetCols)]string
	if before != nil {
		was = index.FacetValues(before)
	}
	for i, col := range index.FacetCols {
		if before != nil && was[i] == now[i] {
			continue
		}
		if before != nil {
			q.index.add(index.Change{Kind: index.RemoveKey, Ticket: id, Doc: index.FacetKey(col, was[i])}, "", "")
		}
		q.index.add(index.Change{Kind: index.AddKey, Ticket: id, Doc: index.FacetKey(col, now[i])}, "", "")
	}
	q.index.add(index.TimesChange(id, after.CreatedAt, after.UpdatedAt), "", "")
}

// committed tells the term cache about a commit's full-text writes. A write by
// another process (twindesk seed on a served data directory) moves the writer
// connection's data_version: then the cache starts over, as it can't know what
// changed.
func (db *DB) committed(changes []index.Change) {
	if db.terms == nil {
		return
	}
	var v int64
	if err := db.write.QueryRow(db.dialect.FullText.DataVersion).Scan(&v); err != nil || v != db.dataVersion {
		db.dataVersion = v
		changes = append(changes, index.Change{Kind: index.ResetAll})
	}
	db.terms.Apply(changes)
}

// commit commits sqlTx, telling the term cache beforehand: from the commit
// until committed applies its changes, the database is ahead of the cached
// sets, and the cache must not take in sets read meanwhile.
func (db *DB) commit(sqlTx *sql.Tx) error {
	if db.terms == nil {
		return sqlTx.Commit()
	}
	db.terms.Committing()
	err := sqlTx.Commit()
	if err != nil {
		db.terms.Abandon()
	}
	return err
}
