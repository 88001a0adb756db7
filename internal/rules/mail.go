package rules

// validMailRecipient reports whether v names who a notification_user mail goes
// to, as Zendesk spells it: the ticket's requester or assignee, the user who
// made the change, or a user id.
func validMailRecipient(v string) bool {
	switch v {
	case "requester_id", "assignee_id", "current_user":
		return true
	}
	_, ok := parseID(v)
	return ok
}
