package index

import (
	"strings"
)

// A user or organization search reads a word such as employee_number:1234
// as Zendesk does: a condition on the custom field with that key (its value
// equal, any case; a trailing * matches a prefix), and details:, notes: as
// a substring of those attributes. The parser leaves such words as text,
// since keys are the account's own; ticket search never sees this.

// fieldWordCond renders word as a field condition over entity's table
// (users or organizations), or returns false when it has no key:value shape.
func fieldWordCond(w *sqlWhere, entity, word string) (string, bool) {
	key, val, ok := strings.Cut(word, ":")
	val = strings.Trim(val, `"`)
	if !ok || key == "" || strings.Trim(val, "*") == "" || strings.Trim(key, "abcdefghijklmnopqrstuvwxyz0123456789_") != "" {
		return "", false
	}
	if key == "details" || key == "notes" {
		return "LOWER(" + key + ") LIKE " + w.arg("%"+escapeLike(strings.TrimRight(val, "*"))+"%") + ` ESCAPE '\'`, true
	}
	// The field is looked up first, so the values are read by its index
	// (a join let SQLite walk every value of every field).
	field := "SELECT id FROM entity_fields WHERE entity = " + w.arg(entity) + " AND LOWER(field_key) = " + w.arg(key)
	var match string
	if p, wild := strings.CutSuffix(val, "*"); wild {
		match = "LOWER(value) LIKE " + w.arg(escapeLike(p)+"%") + ` ESCAPE '\'`
	} else {
		match = "LOWER(value) = " + w.arg(val)
	}
	return "id IN (SELECT entity_id FROM entity_field_values WHERE field_id IN (" + field + ") AND " + match + ")", true
}
