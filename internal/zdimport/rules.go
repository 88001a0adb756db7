package zdimport

import (
	"context"
	"fmt"
	"strconv"
	"strings"
)

// ruleKind is one of the business rules the import carries.
type ruleKind struct{ kind, envelope, plural string }

var (
	macros      = ruleKind{kindMacro, "macro", "macros"}
	views       = ruleKind{kindView, "view", "views"}
	triggers    = ruleKind{kindTrigger, "trigger", "triggers"}
	automations = ruleKind{kindAutomation, "automation", "automations"}
)

// refKinds says which id-map kind a condition's or action's value names.
var refKinds = map[string]string{
	"group_id": kindGroup, "assignee_id": kindUser, "requester_id": kindUser, "submitter_id": kindUser,
	"organization_id": kindOrg, "ticket_form_id": kindForm,
}

// ruleStep carries every rule of rk (matched by title when the id map does not
// know it), with the ids its conditions, actions and restriction name mapped
// to the target's. A rule naming something that was not carried (a webhook, a
// target, a deleted group) is left out and reported: half a rule could fire
// where the whole one would not.
func (im *Importer) ruleStep(rk ruleKind) func(context.Context) error {
	return func(ctx context.Context) error {
		spec := &recordSpec{kind: rk.kind, envelope: rk.envelope, list: "/api/v2/" + rk.plural + ".json", listKey: rk.plural,
			keyOf: byTitle, path: "/api/v2/" + rk.plural}
		if err := im.loadKeys(ctx, spec); err != nil {
			return err
		}
		return im.eachSource(ctx, "/api/v2/"+rk.plural+".json", rk.plural, func(rec map[string]any) error {
			id := idOf(rec["id"])
			out, err := im.mapRule(rec)
			if err != nil {
				im.rep.skipped(rk.kind, id, "%q: %v", str(rec["title"]), err)
				return nil
			}
			return im.syncRecord(ctx, spec, id, str(rec["updated_at"]), out)
		})
	}
}

func (im *Importer) mapRule(rec map[string]any) (map[string]any, error) {
	out := pick(rec, "title", "description", "active", "position")
	if c, ok := rec["conditions"].(map[string]any); ok {
		conds := map[string]any{}
		for _, part := range []string{"all", "any"} {
			list := []any{}
			for _, x := range asList(c[part]) {
				m, err := im.mapEntry(x)
				if err != nil {
					return nil, err
				}
				list = append(list, m)
			}
			conds[part] = list
		}
		out["conditions"] = conds
	}
	if acts, ok := rec["actions"].([]any); ok {
		list := []any{}
		for _, x := range acts {
			m, err := im.mapEntry(x)
			if err != nil {
				return nil, err
			}
			list = append(list, m)
		}
		out["actions"] = list
	}
	if r, ok := rec["restriction"].(map[string]any); ok {
		mr, err := im.mapRestriction(r)
		if err != nil {
			return nil, err
		}
		out["restriction"] = mr
	}
	if x, ok := rec["execution"].(map[string]any); ok {
		out["output"] = im.mapExecution(x)
	}
	return out, nil
}

// mapEntry maps one condition or action: its field (custom_fields_<id>) and
// its value when that names a record.
func (im *Importer) mapEntry(x any) (map[string]any, error) {
	e, ok := x.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("a condition or action is not an object")
	}
	out := pick(e, "field", "operator", "value")
	field := str(e["field"])
	switch {
	case field == "notification_webhook" || field == "notification_target":
		return nil, fmt.Errorf("%s: webhooks and targets are not carried (their secrets cannot be read back)", field)
	case strings.HasPrefix(field, "custom_fields_"):
		src, _ := strconv.ParseInt(strings.TrimPrefix(field, "custom_fields_"), 10, 64)
		t := im.ids.target(kindField, src)
		if t == 0 {
			return nil, fmt.Errorf("%s: the field was not carried", field)
		}
		out["field"] = fmt.Sprintf("custom_fields_%d", t)
	case field == "notification_user" || field == "notification_group":
		kind := map[string]string{"notification_user": kindUser, "notification_group": kindGroup}[field]
		if l := asList(e["value"]); len(l) > 0 {
			v, err := im.mapRef(kind, l[0])
			if err != nil {
				return nil, fmt.Errorf("%s: %w", field, err)
			}
			l = append([]any{v}, l[1:]...)
			out["value"] = l
		}
	case refKinds[field] != "":
		v, err := im.mapRef(refKinds[field], e["value"])
		if err != nil {
			return nil, fmt.Errorf("%s: %w", field, err)
		}
		out["value"] = v
	}
	return out, nil
}

// mapRef maps a value that names a record by id (number or digits); other
// values ("current_user", "", "requester_id") stay as they are.
func (im *Importer) mapRef(kind string, v any) (any, error) {
	var src int64
	switch n := v.(type) {
	case float64:
		src = int64(n)
	case string:
		var err error
		if src, err = strconv.ParseInt(n, 10, 64); err != nil {
			return v, nil
		}
	default:
		return v, nil
	}
	if src <= 0 {
		return v, nil
	}
	t := im.ids.target(kind, src)
	if t == 0 {
		return nil, fmt.Errorf("%s %d was not carried", kind, src)
	}
	if _, isString := v.(string); isString {
		return strconv.FormatInt(t, 10), nil
	}
	return t, nil
}

func (im *Importer) mapRestriction(r map[string]any) (map[string]any, error) {
	kind := map[string]string{"Group": kindGroup, "User": kindUser}[str(r["type"])]
	if kind == "" {
		return r, nil
	}
	out := map[string]any{"type": r["type"]}
	id, err := im.mapRef(kind, r["id"])
	if err != nil {
		return nil, fmt.Errorf("restriction: %w", err)
	}
	out["id"] = id
	if l := asList(r["ids"]); l != nil {
		ids := make([]any, len(l))
		for i, x := range l {
			if ids[i], err = im.mapRef(kind, x); err != nil {
				return nil, fmt.Errorf("restriction: %w", err)
			}
		}
		out["ids"] = ids
	}
	return out, nil
}

// mapExecution turns a view's execution into the output a create takes, with
// custom field columns mapped (a column of a field not carried is dropped).
func (im *Importer) mapExecution(x map[string]any) map[string]any {
	out := map[string]any{}
	for _, k := range []string{"group_by", "group_order", "sort_by", "sort_order"} {
		if s, ok := x[k].(string); ok {
			out[k] = s
		}
	}
	cols := []any{}
	for _, c := range asList(x["columns"]) {
		id := c
		if m, ok := c.(map[string]any); ok {
			id = m["id"]
		}
		if n, ok := id.(float64); ok {
			if t := im.ids.target(kindField, int64(n)); t != 0 {
				cols = append(cols, map[string]any{"id": t})
			}
			continue
		}
		cols = append(cols, id)
	}
	out["columns"] = cols
	return out
}
