package desk

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"

	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/peer"
	"github.com/twindesk/twindesk/internal/store"
)

// settingRecipeFields holds, as JSON {"<title>": id}, the ids of the fields the
// recipe created (package peer's titles). A recipe field is found by its title
// the first time a peer call needs it, then by that id: an admin renaming it, or
// adding another field under the recipe's title, changes nothing the peer rules,
// the tombstones or the escalation report rely on. No migration: an instance
// without the setting pins its fields at the next peer call.
const settingRecipeFields = "recipe_field_ids"

// fieldSource is a read (store.Queries) or a write (store.Tx).
type fieldSource interface {
	ListFields(ctx context.Context) ([]model.TicketField, error)
	Setting(ctx context.Context, name string) (string, error)
}

// recipeFieldIDs maps the titles of this instance's fields to their ids, each
// recipe title to its pinned field while that field exists. pins is the pinned
// set as it should be stored, changed whether it differs from the stored one.
func recipeFieldIDs(ctx context.Context, q fieldSource) (ids, pins map[string]int64, changed bool, err error) {
	fields, err := q.ListFields(ctx)
	if err != nil {
		return nil, nil, false, err
	}
	raw, err := q.Setting(ctx, settingRecipeFields)
	if err != nil {
		return nil, nil, false, err
	}
	stored := map[string]int64{}
	if raw != "" {
		if err := json.Unmarshal([]byte(raw), &stored); err != nil {
			return nil, nil, false, fmt.Errorf("desk: setting %s: %w", settingRecipeFields, err)
		}
	}
	ids = make(map[string]int64, len(fields))
	exists := make(map[int64]bool, len(fields))
	for _, f := range fields {
		exists[f.ID] = true
		if _, dup := ids[f.Title]; !dup {
			ids[f.Title] = f.ID
		}
	}
	pins = make(map[string]int64, len(peer.RecipeFields))
	for _, title := range peer.RecipeFields {
		if id := stored[title]; exists[id] {
			ids[title] = id
		}
		if id := ids[title]; id != 0 {
			pins[title] = id // found by title: pinned from now on
		} else {
			delete(ids, title) // its pinned field is gone and none has the title
		}
	}
	return ids, pins, !maps.Equal(pins, stored), nil
}

// fieldIDs is recipeFieldIDs inside a write, which stores a changed pin set.
func (s *Service) fieldIDs(ctx context.Context, tx *store.Tx) (map[string]int64, error) {
	ids, pins, changed, err := recipeFieldIDs(ctx, tx)
	if err != nil || !changed {
		return ids, err
	}
	raw, err := json.Marshal(pins)
	if err != nil {
		return nil, fmt.Errorf("desk: encode %s: %w", settingRecipeFields, err)
	}
	if err := tx.SetSetting(ctx, settingRecipeFields, string(raw), s.clock()); err != nil {
		return nil, err
	}
	return ids, nil
}
