package zdimport

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
)

// recordSpec says how one kind is written to the target.
type recordSpec struct {
	kind     string
	envelope string // the JSON key of one record: "group"
	list     string // the target's list path, to find records by natural key
	listKey  string // its JSON key: "groups"
	keyOf    func(map[string]any) string
	path     string // the collection path: "/api/v2/groups"
	// byKey maps natural keys to target ids (filled by loadKeys).
	byKey map[string]int64
}

// loadKeys reads the target's records of spec, so a record the id map does not
// know (its entry lost to a kill before it was saved, or one the target already
// had, like a default view) is updated in place rather than created twice.
func (im *Importer) loadKeys(ctx context.Context, spec *recordSpec) error {
	spec.byKey = map[string]int64{}
	return im.dst.each(ctx, spec.list, spec.listKey, func(raw json.RawMessage) error {
		var rec map[string]any
		if err := json.Unmarshal(raw, &rec); err != nil {
			return err
		}
		if k := spec.keyOf(rec); k != "" {
			if _, dup := spec.byKey[k]; !dup {
				spec.byKey[k] = idOf(rec["id"])
			}
		}
		return nil
	})
}

// syncRecord brings one source record into the target: skipped when the id map
// says it is unchanged, updated when known (by id map or natural key), created
// otherwise. A record the target refuses (4xx) is reported and the run goes on.
func (im *Importer) syncRecord(ctx context.Context, spec *recordSpec, srcID int64, updated string, payload map[string]any) error {
	if e, ok := im.ids.get(spec.kind, srcID); ok && e.updated == updated {
		im.rep.unchanged(spec.kind)
		return nil
	}
	target := im.ids.target(spec.kind, srcID)
	if target == 0 && spec.byKey != nil {
		target = spec.byKey[spec.keyOf(payload)]
	}
	body := map[string]any{spec.envelope: payload}
	var out map[string]map[string]any
	var err error
	if target != 0 {
		err = im.dst.doJSON(ctx, http.MethodPut, fmt.Sprintf("%s/%d.json", spec.path, target), body, &out)
	}
	if target == 0 || statusOf(err) == http.StatusNotFound { // gone from the target: make it again
		err = im.dst.doJSON(ctx, http.MethodPost, spec.path+".json", body, &out)
		target = 0
	}
	if err != nil {
		return im.recordError(spec.kind, srcID, err)
	}
	id := idOf(out[spec.envelope]["id"])
	if target == 0 {
		im.rep.created(spec.kind)
	} else {
		im.rep.updated(spec.kind)
	}
	im.ids.set(spec.kind, srcID, id, updated)
	if spec.byKey != nil {
		spec.byKey[spec.keyOf(payload)] = id
	}
	return im.ids.flushIfFull(ctx, im.dst)
}

// recordError reports a refusal of one record and goes on; anything else
// (auth, network, ctx) stops the run.
func (im *Importer) recordError(kind string, srcID int64, err error) error {
	switch st := statusOf(err); {
	case st == http.StatusUnauthorized || st == http.StatusForbidden || st == 0:
		return err
	case st >= 400 && st < 500:
		im.rep.failed(kind, srcID, err)
		return nil
	}
	return err
}

// idOf reads a JSON id (a float64 after decoding into any); 0 for null.
func idOf(v any) int64 {
	switch n := v.(type) {
	case float64:
		return int64(n)
	case json.Number:
		i, _ := n.Int64()
		return i
	}
	return 0
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

// pick copies the named members of rec that are present.
func pick(rec map[string]any, names ...string) map[string]any {
	out := make(map[string]any, len(names))
	for _, n := range names {
		if v, ok := rec[n]; ok {
			out[n] = v
		}
	}
	return out
}

// eachSource walks a source list, decoding each record.
func (im *Importer) eachSource(ctx context.Context, path, key string, fn func(map[string]any) error) error {
	return eachRecord(ctx, im.src, path, key, fn)
}

// eachRecord walks a list of c, decoding each record.
func eachRecord(ctx context.Context, c *client, path, key string, fn func(map[string]any) error) error {
	return c.each(ctx, path, key, func(raw json.RawMessage) error {
		var rec map[string]any
		if err := json.Unmarshal(raw, &rec); err != nil {
			return fmt.Errorf("zdimport: decode a %s record: %w", key, err)
		}
		return fn(rec)
	})
}
