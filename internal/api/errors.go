package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/twindesk/twindesk/internal/httpx"
	"github.com/twindesk/twindesk/internal/model"
)

// errorBody is Zendesk's error shape.
type errorBody struct {
	Error       string                 `json:"error"`
	Description string                 `json:"description,omitempty"`
	Details     map[string][]errDetail `json:"details,omitempty"`
	// Escalated is twindesk's addition to a 404 for a ticket purged by escalation.
	Escalated *escalatedJSON `json:"escalated,omitempty"`
}

type escalatedJSON struct {
	StubID   any    `json:"stub_id"`
	PurgedAt string `json:"purged_at"`
}

type errDetail struct {
	Description string `json:"description"`
	Error       string `json:"error,omitempty"`
}

// apiError is an error that already knows its HTTP status and body.
type apiError struct {
	status int
	body   errorBody
}

func (e *apiError) Error() string { return e.body.Error + ": " + e.body.Description }

func badRequest(desc string) *apiError {
	return &apiError{http.StatusBadRequest, errorBody{Error: "InvalidRequest", Description: desc}}
}

var (
	errUnauthorized = &apiError{http.StatusUnauthorized, errorBody{Error: "Couldn't authenticate you"}}
	errForbidden    = &apiError{http.StatusForbidden, errorBody{Error: "Forbidden",
		Description: "You do not have access to this page. Please contact the account owner of this help desk for further help."}}
	errNotFound = &apiError{http.StatusNotFound, errorBody{Error: "RecordNotFound", Description: "Not found"}}
)

// tooLarge is the 413 for a body over limit bytes.
func tooLarge(limit int64) *apiError {
	return &apiError{http.StatusRequestEntityTooLarge, errorBody{Error: "RequestTooLarge",
		Description: fmt.Sprintf("The request body is larger than %d MiB", limit>>20)}}
}

// recordInvalid turns a validation error into Zendesk's 422 body.
func recordInvalid(v *model.ValidationError) *apiError {
	details := map[string][]errDetail{}
	for _, f := range v.Errors {
		details[f.Field] = append(details[f.Field], errDetail{Description: f.Description, Error: f.Code})
	}
	return &apiError{http.StatusUnprocessableEntity, errorBody{Error: "RecordInvalid", Description: "Record validation errors", Details: details}}
}

// writeError maps err to a Zendesk error response. Unexpected errors are logged
// here, once, with the request id, and answered without internals.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	var ae *apiError
	var ve *model.ValidationError
	switch {
	case errors.As(err, &ae):
	case errors.As(err, &ve):
		ae = recordInvalid(ve)
	case errors.Is(err, model.ErrNotFound):
		ae = errNotFound
	case errors.Is(err, model.ErrForbidden):
		ae = errForbidden
	case errors.Is(err, model.ErrConflict):
		ae = &apiError{http.StatusConflict, errorBody{Error: "UpdateConflict", Description: "The record was changed by another request; try again."}}
	default:
		s.log.ErrorContext(r.Context(), "request failed", "request_id", httpx.RequestID(r.Context()),
			"method", r.Method, "path", r.URL.Path, "err", err)
		ae = &apiError{http.StatusInternalServerError, errorBody{Error: "InternalError", Description: "Something went wrong; the request id is " + httpx.RequestID(r.Context())}}
	}
	if ae.status == http.StatusTooManyRequests {
		w.Header().Set("Retry-After", strconv.Itoa(retryAfterSeconds))
	}
	writeJSON(w, ae.status, ae.body)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		slog.Default().Debug("write response", "err", err) // client went away; nothing to do
	}
}
