package model

import (
	"slices"
	"testing"
)

// TestSyncCheckboxFromTags: adding a checkbox's tag checks it, removing the tag
// unchecks it, and a field never set stays unset while its tag is absent.
func TestSyncCheckboxFromTags(t *testing.T) {
	fields := []TicketField{{ID: 7, Type: FieldCheckbox, Tag: "vip_customer"}, {ID: 8, Type: FieldCheckbox}}
	tk := &Ticket{Tags: []string{"printer"}}
	SyncFieldsFromTags(tk, fields)
	if tk.Field(7) != "" || tk.Field(8) != "" {
		t.Fatalf("fields set without their tags: %+v", tk.CustomFields)
	}
	tk.Tags = append(tk.Tags, "vip_customer")
	SyncFieldsFromTags(tk, fields)
	if tk.Field(7) != "true" {
		t.Fatalf("adding the tag left the checkbox at %q, want true", tk.Field(7))
	}
	tk.Tags = slices.DeleteFunc(tk.Tags, func(s string) bool { return s == "vip_customer" })
	SyncFieldsFromTags(tk, fields)
	if tk.Field(7) != "false" {
		t.Fatalf("removing the tag left the checkbox at %q, want false", tk.Field(7))
	}
	if tk.Field(8) != "" {
		t.Fatalf("a checkbox without a tag changed: %q", tk.Field(8))
	}
}
