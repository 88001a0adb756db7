package zdimport

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"sync"
)

// Kinds of records in the id map.
const (
	kindOrg        = "organization"
	kindUserField  = "user_field"
	kindOrgField   = "organization_field"
	kindUser       = "user"
	kindGroup      = "group"
	kindField      = "ticket_field"
	kindForm       = "ticket_form"
	kindTicket     = "ticket"
	kindMacro      = "macro"
	kindView       = "view"
	kindTrigger    = "trigger"
	kindAutomation = "automation"
)

var allKinds = []string{kindUserField, kindOrgField, kindOrg, kindUser, kindGroup, kindField, kindForm, kindTicket, kindMacro, kindView, kindTrigger, kindAutomation}

type mapped struct {
	target  int64
	updated string
}

// idMap is the target's id map, read once at the start and kept current as
// records are carried. Entries of kinds other than tickets are saved in batches
// (tickets save theirs in their import's transaction); one lost to a kill
// before its batch was saved is found again by its natural key (email, name,
// title) on the next run, so it is updated, not duplicated.
type idMap struct {
	system  string
	mu      sync.Mutex
	byKind  map[string]map[int64]mapped
	pending []importID
}

type importID struct {
	Source        string `json:"source"`
	Kind          string `json:"kind"`
	SourceID      int64  `json:"source_id"`
	TargetID      int64  `json:"target_id"`
	SourceUpdated string `json:"source_updated"`
}

// flushEvery is how many entries wait before they are saved.
const flushEvery = 200

func loadIDMap(ctx context.Context, dst *client, system string) (*idMap, error) {
	m := &idMap{system: system, byKind: map[string]map[int64]mapped{}}
	for _, kind := range allKinds {
		m.byKind[kind] = map[int64]mapped{}
		after := int64(0)
		for {
			q := url.Values{"source": {system}, "kind": {kind}, "after": {strconv.FormatInt(after, 10)}}
			var page struct {
				ImportIDs []importID `json:"import_ids"`
			}
			if err := dst.getJSON(ctx, "/api/v2/twindesk/import_ids.json?"+q.Encode(), &page); err != nil {
				return nil, fmt.Errorf("zdimport: read the target's id map (is it a twindesk with migration 024?): %w", err)
			}
			if len(page.ImportIDs) == 0 {
				break
			}
			for _, e := range page.ImportIDs {
				m.byKind[kind][e.SourceID] = mapped{target: e.TargetID, updated: e.SourceUpdated}
				after = e.SourceID
			}
		}
	}
	return m, nil
}

func (m *idMap) get(kind string, src int64) (mapped, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	e, ok := m.byKind[kind][src]
	return e, ok
}

// target is the target id of a source id, 0 when not carried.
func (m *idMap) target(kind string, src int64) int64 {
	e, _ := m.get(kind, src)
	return e.target
}

// set records a carried record; tickets are already saved by the target.
func (m *idMap) set(kind string, src, target int64, updated string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.byKind[kind][src] = mapped{target: target, updated: updated}
	if kind != kindTicket {
		m.pending = append(m.pending, importID{Source: m.system, Kind: kind, SourceID: src, TargetID: target, SourceUpdated: updated})
	}
}

func (m *idMap) flushIfFull(ctx context.Context, dst *client) error {
	m.mu.Lock()
	n := len(m.pending)
	m.mu.Unlock()
	if n < flushEvery {
		return nil
	}
	return m.flush(ctx, dst)
}

func (m *idMap) flush(ctx context.Context, dst *client) error {
	m.mu.Lock()
	batch := m.pending
	m.pending = nil
	m.mu.Unlock()
	if len(batch) == 0 {
		return nil
	}
	if err := dst.doJSON(ctx, "POST", "/api/v2/twindesk/import_ids.json", map[string]any{"import_ids": batch}, nil); err != nil {
		m.mu.Lock()
		m.pending = append(batch, m.pending...)
		m.mu.Unlock()
		return fmt.Errorf("zdimport: save the id map: %w", err)
	}
	return nil
}
