package api

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestDecodeEnvelope: {"<key>": {...}} decodes as a struct written out for the
// key would: a missing or null key and a wrong type are 422s naming what is
// wrong, malformed JSON a 400, and the key matches as encoding/json matches.
func TestDecodeEnvelope(t *testing.T) {
	t.Parallel()
	type thing struct {
		Title *string `json:"title"`
	}
	decodeThing := func(body string) (*thing, error) {
		return decodeEnvelope[thing](httptest.NewRequest("POST", "/", strings.NewReader(body)), "sla_policy")
	}
	for body, want := range map[string]string{
		`{"sla_policy": {"title": "Gold"}}`:     "Gold",
		`{"SLA_Policy": {"title": "Any case"}}`: "Any case",
	} {
		got, err := decodeThing(body)
		if err != nil || got.Title == nil || *got.Title != want {
			t.Errorf("%s: %+v, %v; want title %q", body, got, err, want)
		}
	}
	for body, want := range map[string]struct {
		status         int
		field, message string
	}{
		`{}`:                            {http.StatusUnprocessableEntity, "sla_policy", `sla_policy: the body must be {"sla_policy": {...}}`},
		`{"sla_policy": null}`:          {http.StatusUnprocessableEntity, "sla_policy", `sla_policy: the body must be {"sla_policy": {...}}`},
		`{"policy": {"title": "Gold"}}`: {http.StatusUnprocessableEntity, "sla_policy", `sla_policy: the body must be {"sla_policy": {...}}`},
		`{"sla_policy": {"title": 5}}`:  {http.StatusUnprocessableEntity, "title", "title: must be a string, not a JSON number"},
		`{"sla_policy": {"title": "x"`:  {http.StatusBadRequest, "", ""},
	} {
		_, err := decodeThing(body)
		var ae *apiError
		if !errors.As(err, &ae) || ae.status != want.status {
			t.Errorf("%s: %v; want status %d", body, err, want.status)
			continue
		}
		if want.field == "" {
			continue
		}
		d := ae.body.Details[want.field]
		if len(d) != 1 || d[0].Description != want.message {
			t.Errorf("%s: details %+v; want %s: %q", body, ae.body.Details, want.field, want.message)
		}
	}
}
