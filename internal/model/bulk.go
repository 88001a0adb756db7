package model

import "time"

// DeletedTicket is a soft-deleted ticket as the deleted-tickets list shows it.
type DeletedTicket struct {
	ID          int64
	Subject     string
	Description string
	// PreviousState is the status the ticket had when it was deleted.
	PreviousState Status
	ActorID       int64
	ActorName     string
	DeletedAt     time.Time
}

// Job status values, as Zendesk names them.
const (
	JobQueued    = "queued"
	JobWorking   = "working"
	JobCompleted = "completed"
	JobFailed    = "failed"
)

// JobResult is the outcome for one record of a bulk job.
type JobResult struct {
	ID      int64  `json:"id"`
	Index   *int   `json:"index,omitempty"`
	Action  string `json:"action,omitempty"`
	Success bool   `json:"success"`
	Status  string `json:"status,omitempty"`
	Error   string `json:"error,omitempty"`
	Details string `json:"details,omitempty"`
}

// JobStatus is a bulk job (update_many, destroy_many) and its per-record results.
type JobStatus struct {
	ID        string // 32 hex characters
	JobType   string
	UserID    int64
	Total     int
	Progress  int
	Status    string
	Message   string
	Results   []JobResult
	CreatedAt time.Time
}
