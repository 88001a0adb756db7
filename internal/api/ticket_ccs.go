package api

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"

	"github.com/twindesk/twindesk/internal/desk"
	"github.com/twindesk/twindesk/internal/model"
)

// collaboratorsIn is the CC and follower part of a ticket body, in every shape
// Zendesk accepts (desk/ccs.go says in which order they apply).
type collaboratorsIn struct {
	CollaboratorIDs         *[]optID          `json:"collaborator_ids"`
	EmailCCIDs              *[]optID          `json:"email_cc_ids"`
	FollowerIDs             *[]optID          `json:"follower_ids"`
	Collaborators           []json.RawMessage `json:"collaborators"`
	AdditionalCollaborators []json.RawMessage `json:"additional_collaborators"`
	EmailCCs                []ccIn            `json:"email_ccs"`
	Followers               []ccIn            `json:"followers"`
}

// ccIn is one entry of email_ccs or followers.
type ccIn struct {
	UserID    optID  `json:"user_id"`
	UserEmail string `json:"user_email"`
	UserName  string `json:"user_name"`
	Action    string `json:"action"`
}

func (c *collaboratorsIn) toInput() (desk.CollaboratorInput, error) {
	out := desk.CollaboratorInput{CollaboratorIDs: idList(c.CollaboratorIDs), EmailCCIDs: idList(c.EmailCCIDs),
		FollowerIDs: idList(c.FollowerIDs)}
	for _, raw := range append(c.Collaborators, c.AdditionalCollaborators...) {
		ref, ok := collaboratorRef(raw)
		if !ok {
			return out, recordInvalid(model.Invalid("collaborators", "InvalidValue",
				"Collaborators: each entry is a user id, an email, or {\"name\", \"email\"}"))
		}
		out.Collaborators = append(out.Collaborators, ref)
	}
	var err error
	if out.EmailCCs, err = ccActions(c.EmailCCs, "email_ccs"); err != nil {
		return out, err
	}
	out.Followers, err = ccActions(c.Followers, "followers")
	return out, err
}

// idList turns a list of ids into the desk's; null entries are dropped.
func idList(in *[]optID) *[]int64 {
	if in == nil {
		return nil
	}
	out := make([]int64, 0, len(*in))
	for _, id := range *in {
		if id.Val != 0 {
			out = append(out, id.Val)
		}
	}
	return &out
}

func collaboratorRef(raw json.RawMessage) (desk.UserRef, bool) {
	var id int64
	if err := json.Unmarshal(raw, &id); err == nil && id > 0 {
		return desk.UserRef{ID: id}, true
	}
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		s = strings.TrimSpace(s)
		if n, err := strconv.ParseInt(s, 10, 64); err == nil && n > 0 {
			return desk.UserRef{ID: n}, true
		}
		return desk.UserRef{Email: s}, s != ""
	}
	var o struct {
		Name  string `json:"name"`
		Email string `json:"email"`
	}
	if err := json.Unmarshal(raw, &o); err == nil && strings.TrimSpace(o.Email) != "" {
		return desk.UserRef{Email: strings.TrimSpace(o.Email), Name: o.Name}, true
	}
	return desk.UserRef{}, false
}

func ccActions(in []ccIn, field string) ([]desk.CCAction, error) {
	out := make([]desk.CCAction, 0, len(in))
	for _, c := range in {
		if c.Action != "" && c.Action != "put" && c.Action != "delete" {
			return nil, recordInvalid(model.Invalid(field, "InvalidValue", "%s: action must be put or delete, not %q", field, c.Action))
		}
		out = append(out, desk.CCAction{User: desk.UserRef{ID: c.UserID.Val, Email: strings.TrimSpace(c.UserEmail), Name: c.UserName},
			Delete: c.Action == "delete"})
	}
	return out, nil
}

// collaboratorIDs is Zendesk's collaborator_ids: CCs and followers together.
func collaboratorIDs(t *model.Ticket) []int64 {
	out := append([]int64{}, t.EmailCCIDs...)
	for _, id := range t.FollowerIDs {
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

func orEmpty(ids []int64) []int64 {
	if ids == nil {
		return []int64{}
	}
	return ids
}
