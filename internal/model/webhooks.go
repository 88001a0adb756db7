package model

import "time"

// Webhook is an outbound HTTP endpoint that triggers notify, shaped like Zendesk's.
type Webhook struct {
	ID            string // ULID
	Name          string
	Description   string
	Endpoint      string // may contain Liquid placeholders
	HTTPMethod    string // GET, POST, PUT, PATCH, DELETE
	RequestFormat string // json
	Status        string // active | inactive
	// AuthType is "", "basic_auth", "bearer_token" or "api_key".
	AuthType string
	// AuthData holds username/password, token, or name/value (api_key header).
	AuthData      map[string]string
	CustomHeaders map[string]string
	SigningSecret string
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// Target is a legacy Zendesk HTTP target (notification_target).
type Target struct {
	ID          int64
	Type        string // http_target
	Title       string
	Active      bool
	TargetURL   string
	Method      string // get, post, put, patch, delete
	ContentType string
	Username    string
	Password    string
	CreatedAt   time.Time
}

// Delivery states.
const (
	DeliveryWaiting   = "waiting"   // an earlier step of its chain has not succeeded yet
	DeliveryPending   = "pending"   // enqueued, not tried yet
	DeliveryRetrying  = "retrying"  // failed with a retryable error; will be tried again
	DeliveryDelivered = "delivered" // a 2xx answer was received
	DeliveryFailed    = "failed"    // a permanent error, or retries exhausted
)

// Delivery is one outbound request of a trigger notification and its log.
type Delivery struct {
	ID          string // ULID: also the Idempotency-Key and the invocation id
	ChainID     string
	Step        int
	TicketID    int64
	TriggerID   int64
	Kind        string // webhook | target
	EndpointRef string
	Method      string
	URL         string
	Body        string
	State       string
	Attempts    int
	StatusCode  int
	LatencyMS   int64
	LastError   string
	JobID       int64
	CreatedAt   time.Time
	UpdatedAt   time.Time
}
