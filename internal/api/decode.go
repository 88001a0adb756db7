package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strconv"
	"strings"

	"github.com/twindesk/twindesk/internal/model"
)

// maxBody is the largest request body accepted; larger ones get a 413.
const maxBody = 1 << 20

// DefaultMaxTicketBody is the largest body of a ticket create or update. An
// escalation forwards a whole conversation (every comment) in one create: at the
// general 1 MiB a long conversation got a 413 from the peer and the escalation
// failed for good. One request keeps the escalation atomic (the secure ticket
// exists with all of it, or not at all), where a create plus follow-up notes could
// stop half way. Liquid caps one rendering at 16 MiB, so that is the largest
// conversation an escalation carries; 32 MiB leaves room for JSON escaping.
const DefaultMaxTicketBody = 32 << 20

// decode reads a JSON body of at most 1 MiB into v. Malformed JSON is a 400; a
// value of the wrong type is a 422 that names the field; an oversized body is a 413.
func decode(r *http.Request, v any) error { return decodeLimit(r, v, maxBody) }

// decodeLimit is decode with a size limit of limit bytes. Bodies are read only
// after authentication (the routes' wrapper), so an anonymous client can't make
// the server buffer a large one.
func decodeLimit(r *http.Request, v any, limit int64) error {
	body, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, limit))
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return tooLarge(limit)
	}
	if err != nil {
		return badRequest("could not read the request body")
	}
	if len(strings.TrimSpace(string(body))) == 0 {
		return badRequest("the request body is empty; send a JSON object")
	}
	return decodeBytes(body, v)
}

// decodeEnvelope reads a body of Zendesk's shape {"<key>": {...}} into a new T.
// The envelope is a struct built for key, so it decodes exactly as a struct
// written out for it would (the key matched as encoding/json matches field
// names, a wrong type named by its path); a missing or null key is a 422.
func decodeEnvelope[T any](r *http.Request, key string) (*T, error) {
	return decodeEnvelopeLimit[T](r, key, maxBody)
}

// decodeEnvelopeLimit is decodeEnvelope with a size limit of limit bytes.
func decodeEnvelopeLimit[T any](r *http.Request, key string, limit int64) (*T, error) {
	envelope := reflect.New(reflect.StructOf([]reflect.StructField{{
		Name: "V", Type: reflect.TypeFor[*T](), Tag: reflect.StructTag(`json:"` + key + `"`)}}))
	if err := decodeLimit(r, envelope.Interface(), limit); err != nil {
		return nil, err
	}
	v, _ := envelope.Elem().Field(0).Interface().(*T)
	if v == nil {
		return nil, recordInvalid(model.Invalid(key, "BlankValue", "%s: the body must be {%q: {...}}", key, key))
	}
	return v, nil
}

func decodeBytes(body []byte, v any) error {
	err := json.Unmarshal(body, v)
	var ute *json.UnmarshalTypeError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &ute):
		field := ute.Field
		if i := strings.LastIndexByte(field, '.'); i >= 0 {
			field = field[i+1:]
		}
		return recordInvalid(model.Invalid(field, "InvalidValue", "%s: must be a %s, not a JSON %s", field, jsonTypeName(ute.Type.Kind().String()), ute.Value))
	default:
		return badRequest("malformed JSON: " + err.Error())
	}
}

func jsonTypeName(kind string) string {
	switch {
	case strings.HasPrefix(kind, "int"), strings.HasPrefix(kind, "float"):
		return "number"
	case kind == "slice":
		return "list"
	case kind == "struct", kind == "map", kind == "ptr":
		return "object"
	}
	return kind
}

// typeError is what the lenient field types below return for a value of the wrong
// JSON type. It is a *json.UnmarshalTypeError so that encoding/json adds the path
// of the field ("ticket.status"), which the 422 then names.
func typeError(raw []byte, want reflect.Type) error {
	b := strings.TrimSpace(string(raw))
	kind := "number " + b // a negative or fractional id
	switch {
	case strings.HasPrefix(b, `"`):
		kind = "string"
	case strings.HasPrefix(b, "{"):
		kind = "object"
	case strings.HasPrefix(b, "["):
		kind = "array"
	case b == "true" || b == "false":
		kind = "bool"
	}
	return &json.UnmarshalTypeError{Value: kind, Type: want}
}

// optID is an id field that may be absent, null, a number, a numeric string, or ""
// (which, like null, means "none"). Zendesk clients and Liquid bodies send all of these.
type optID struct {
	Set bool
	Val int64
}

func (o *optID) UnmarshalJSON(b []byte) error {
	o.Set = true
	s := strings.Trim(string(b), `"`)
	if s == "null" || s == "" {
		return nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return typeError(b, reflect.TypeFor[int64]())
	}
	o.Val = n
	return nil
}

func (o optID) ptr() *int64 {
	if !o.Set {
		return nil
	}
	return &o.Val
}

// optString is a string field where null means "clear".
type optString struct {
	Set bool
	Val string
}

func (o *optString) UnmarshalJSON(b []byte) error {
	o.Set = true
	if string(b) == "null" {
		return nil
	}
	if err := json.Unmarshal(b, &o.Val); err != nil {
		return typeError(b, reflect.TypeFor[string]())
	}
	return nil
}

func (o optString) ptr() *string {
	if !o.Set {
		return nil
	}
	return &o.Val
}

// flexString accepts a string or a number (go-zendesk sends locale_id as a string).
type flexString string

func (f *flexString) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*f = flexString(s)
		return nil
	}
	*f = flexString(strings.Trim(string(b), `"`))
	return nil
}

// fieldValue normalises a custom field value to the string twindesk keeps: strings
// as they are, numbers as written, booleans as "true"/"false", null as "" (clear),
// lists joined with spaces.
func fieldValue(raw json.RawMessage) (string, error) {
	var v any
	if len(raw) == 0 {
		return "", nil
	}
	if err := json.Unmarshal(raw, &v); err != nil {
		return "", err
	}
	switch x := v.(type) {
	case nil:
		return "", nil
	case string:
		return x, nil
	case bool:
		return strconv.FormatBool(x), nil
	case float64:
		return string(raw), nil
	case []any:
		parts := make([]string, 0, len(x))
		for _, p := range x {
			parts = append(parts, fmt.Sprint(p))
		}
		return strings.Join(parts, " "), nil
	}
	return "", fmt.Errorf("unsupported value %s", string(raw))
}
