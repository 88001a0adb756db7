package zdimport

import (
	"context"
)

// customTypes are the ticket field types an admin creates; the others (subject,
// status, group...) are Zendesk's system fields, which the target has already.
var customTypes = map[string]bool{"text": true, "textarea": true, "checkbox": true, "date": true, "integer": true,
	"decimal": true, "regexp": true, "partialcreditcard": true, "multiselect": true, "tagger": true, "lookup": true}

func fieldKey(rec map[string]any) string { return str(rec["type"]) + "\x00" + str(rec["title"]) }

// importFields carries the custom ticket fields (options by name and tag, as a
// ticket's dropdown value is the option's tag) and maps the system fields by
// type, so the forms that list them keep them.
func (im *Importer) importFields(ctx context.Context) error {
	spec := &recordSpec{kind: kindField, envelope: "ticket_field", list: "/api/v2/ticket_fields.json", listKey: "ticket_fields",
		keyOf: fieldKey, path: "/api/v2/ticket_fields"}
	if err := im.loadKeys(ctx, spec); err != nil {
		return err
	}
	targetSys := map[string]int64{}
	err := eachRecord(ctx, im.dst, "/api/v2/ticket_fields.json", "ticket_fields", func(rec map[string]any) error {
		if t := str(rec["type"]); !customTypes[t] {
			targetSys[t] = idOf(rec["id"])
		}
		return nil
	})
	if err != nil {
		return err
	}
	return im.eachSource(ctx, "/api/v2/ticket_fields.json", "ticket_fields", func(rec map[string]any) error {
		id, typ := idOf(rec["id"]), str(rec["type"])
		if !customTypes[typ] {
			if t := targetSys[typ]; t != 0 {
				im.ids.set(kindField, id, t, str(rec["updated_at"]))
			}
			return nil
		}
		f := pick(rec, "type", "title", "description", "active", "required", "regexp_for_validation", "tag", "position")
		pickOptions(rec, f)
		return im.syncRecord(ctx, spec, id, str(rec["updated_at"]), f)
	})
}

// pickOptions copies a dropdown's options (name and value, the tag) from rec
// to f; their ids are the target's own.
func pickOptions(rec, f map[string]any) {
	if opts, ok := rec["custom_field_options"].([]any); ok && len(opts) > 0 {
		out := make([]map[string]any, 0, len(opts))
		for _, o := range opts {
			if m, ok := o.(map[string]any); ok {
				out = append(out, pick(m, "name", "value"))
			}
		}
		f["custom_field_options"] = out
	}
}

// importEntityFields carries the user and organization fields, matched by
// key (a field's key names its values on users and organizations), before
// the records whose values they hold. A type the target lacks (lookup,
// multiselect) is reported, and values under its key are then ignored by
// the target, as Zendesk ignores unknown keys.
func (im *Importer) importEntityFields(ctx context.Context) error {
	for _, e := range []struct{ kind, envelope, list string }{
		{kindUserField, "user_field", "user_fields"}, {kindOrgField, "organization_field", "organization_fields"},
	} {
		spec := &recordSpec{kind: e.kind, envelope: e.envelope, list: "/api/v2/" + e.list + ".json", listKey: e.list,
			keyOf: func(rec map[string]any) string { return str(rec["key"]) }, path: "/api/v2/" + e.list}
		if err := im.loadKeys(ctx, spec); err != nil {
			return err
		}
		err := im.eachSource(ctx, spec.list, e.list, func(rec map[string]any) error {
			f := pick(rec, "key", "type", "title", "description", "active", "regexp_for_validation", "tag", "position")
			pickOptions(rec, f)
			return im.syncRecord(ctx, spec, idOf(rec["id"]), str(rec["updated_at"]), f)
		})
		if err != nil {
			return err
		}
	}
	return nil
}

func (im *Importer) importForms(ctx context.Context) error {
	spec := &recordSpec{kind: kindForm, envelope: "ticket_form", list: "/api/v2/ticket_forms.json", listKey: "ticket_forms",
		keyOf: byName, path: "/api/v2/ticket_forms"}
	if err := im.loadKeys(ctx, spec); err != nil {
		return err
	}
	return im.eachSource(ctx, "/api/v2/ticket_forms.json", "ticket_forms", func(rec map[string]any) error {
		f := pick(rec, "name", "display_name", "position", "active", "default", "end_user_visible")
		ids := []int64{}
		for _, v := range asList(rec["ticket_field_ids"]) {
			if t := im.ids.target(kindField, idOf(v)); t != 0 {
				ids = append(ids, t)
			}
		}
		f["ticket_field_ids"] = ids
		return im.syncRecord(ctx, spec, idOf(rec["id"]), str(rec["updated_at"]), f)
	})
}

func asList(v any) []any {
	l, _ := v.([]any)
	return l
}
