package rules

// validMailRecipient reports whether v names who a notification_user mail goes
// to, as Zendesk spells it: the ticket's requester (with its email CCs) or
// assignee (with its followers), the user who made the change, or a user id.
func validMailRecipient(v string) bool {
	switch v {
	case "requester_id", "requester_and_ccs", "assignee_id", "current_user":
		return true
	}
	_, ok := parseID(v)
	return ok
}
