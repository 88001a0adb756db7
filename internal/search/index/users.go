package index

import (
	"context"
	"errors"
	"strings"

	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/search"
)

// UserSearch returns the users matching p: free text over name and email,
// key:value words over user fields, details and notes (fieldWordCond), bare
// numbers as user ids, and the user keywords (email, name, role, external_id,
// created, updated, id). A query with a ticket keyword matches no user.
func (q *run) UserSearch(ctx context.Context, p Params) ([]model.User, error) {
	w, err := q.userWhere(ctx, p)
	if errors.Is(err, errNoMatch) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return q.r.SelectUsers(ctx, `FROM users WHERE 1 = 1`+w.sql()+pageSQL(w, p, timeSort(p)), w.args...)
}

// UserSearchCount counts the users matching p.
func (q *run) UserSearchCount(ctx context.Context, p Params) (int64, error) {
	w, err := q.userWhere(ctx, p)
	if errors.Is(err, errNoMatch) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	return q.count(ctx, "count user search", `SELECT COUNT(*) FROM users WHERE 1 = 1`+w.sql(), w.args...)
}

func (q *run) userWhere(ctx context.Context, p Params) (*sqlWhere, error) {
	w := &sqlWhere{}
	if err := q.resolveNames(ctx, w, p.Query); err != nil {
		return nil, err
	}
	text := func(word string) string {
		like := w.arg("%" + escapeLike(strings.TrimRight(word, "*")) + "%")
		name := "LOWER(name) LIKE " + like + ` ESCAPE '\' OR email LIKE ` + like + ` ESCAPE '\'`
		if field, ok := fieldWordCond(w, model.EntityUser, word); ok {
			return "(" + name + " OR " + field + ")"
		}
		return "(" + name + ")"
	}
	addTextAndIDs(w, p, text)
	if err := addConds(w, p, userCond); err != nil {
		return nil, err
	}
	return w, nil
}

// userCond renders one keyword condition over the users table.
func userCond(w *sqlWhere, c search.Cond, p Params) (string, error) {
	lv := strings.ToLower(c.Value)
	switch c.Field {
	case "email":
		return "email = " + w.arg(noneAsEmpty(lv)), nil
	case "name":
		return "LOWER(name) LIKE " + w.arg("%"+escapeLike(lv)+"%") + ` ESCAPE '\'`, nil
	case "role":
		return "role = " + w.arg(lv), nil
	case "organization": // a member of it, as in Zendesk
		if strings.EqualFold(c.Value, "none") {
			return "NOT id IN (SELECT user_id FROM organization_memberships)", nil
		}
		return "id IN (SELECT user_id FROM organization_memberships WHERE " +
			namedCond(w, "organization_id", nameKey{"organization", lv}) + ")", nil
	case "external_id":
		return "external_id = " + w.arg(noneAsEmpty(c.Value)), nil
	case "created", "updated":
		return dateCond(w, c.Field+"_at", c, p.Now)
	case "id":
		return idCond(w, "id", c)
	}
	return "", errNoMatch
}

// addTextAndIDs adds a user or organization search's free text, each word
// rendered by text (negated words with NOT), and its bare numbers as ids.
func addTextAndIDs(w *sqlWhere, p Params, text func(word string) string) {
	for _, word := range p.Query.Words {
		w.add(text(word))
	}
	for _, word := range p.Query.NotWords {
		w.add("NOT " + text(word))
	}
	if len(p.Query.IDs) > 0 {
		w.add("id IN (" + placeholders(w, p.Query.IDs) + ")")
	}
}
