package model

import "time"

// Restriction says who may use a macro or view, as Zendesk's "restriction": nil
// means every agent; Type "User" is one agent's personal rule (IDs holds that
// agent); Type "Group" shares it with the agents of the groups in IDs.
type Restriction struct {
	Type string
	IDs  []int64
}

// Restriction types.
const (
	RestrictUser  = "User"
	RestrictGroup = "Group"
)

// Personal reports whether r is one agent's own rule.
func (r *Restriction) Personal() bool { return r != nil && r.Type == RestrictUser }

// Macro is a Zendesk macro: actions an agent applies to a ticket by hand, the
// comment ones (comment_value, comment_value_html, comment_mode_is_public) filling
// the reply. Applying only proposes the change; the agent still submits it.
type Macro struct {
	ID          int64
	Title       string
	Description string
	Active      bool
	Position    int64
	Actions     []Action
	Restriction *Restriction
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// ViewExecution is how a view shows its tickets: Zendesk's "execution".
type ViewExecution struct {
	Columns    []string `json:"columns"`
	GroupBy    string   `json:"group_by"`
	GroupOrder string   `json:"group_order"`
	SortBy     string   `json:"sort_by"`
	SortOrder  string   `json:"sort_order"`
}

// View is a Zendesk view: a standing ticket list defined by conditions like a
// trigger's (on the ticket as it is, not on a change), with its columns and order.
type View struct {
	ID          int64
	Title       string
	Description string
	Active      bool
	Position    int64
	Conditions  Conditions
	Execution   ViewExecution
	Restriction *Restriction
	CreatedAt   time.Time
	UpdatedAt   time.Time
}
