package model

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors shared by every layer. The API maps them to Zendesk's error bodies.
var (
	ErrNotFound  = errors.New("not found")
	ErrConflict  = errors.New("conflict")
	ErrForbidden = errors.New("forbidden")
)

// FieldError is one validation failure, attached to a field name as Zendesk's
// `details` object does ("status", "requester", "base", ...).
type FieldError struct {
	Field       string
	Description string
	// Code is Zendesk's machine-readable error, e.g. "BlankValue", "InvalidValue".
	Code string
}

// ValidationError collects every problem with a change; nothing is written when one
// is returned. It becomes a 422 RecordInvalid at the API edge.
type ValidationError struct {
	Errors []FieldError
}

// Error lists the problems in one line.
func (e *ValidationError) Error() string {
	parts := make([]string, len(e.Errors))
	for i, f := range e.Errors {
		parts[i] = f.Field + ": " + f.Description
	}
	return "invalid: " + strings.Join(parts, "; ")
}

// Add records a problem with field.
func (e *ValidationError) Add(field, code, format string, args ...any) {
	e.Errors = append(e.Errors, FieldError{Field: field, Code: code, Description: fmt.Sprintf(format, args...)})
}

// OrNil returns e when it holds errors and nil otherwise, so callers can write
// `return v.OrNil()` at the end of a validation.
func (e *ValidationError) OrNil() error {
	if e == nil || len(e.Errors) == 0 {
		return nil
	}
	return e
}

// Invalid returns a ValidationError with a single problem.
func Invalid(field, code, format string, args ...any) *ValidationError {
	v := &ValidationError{}
	v.Add(field, code, format, args...)
	return v
}
