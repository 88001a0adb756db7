package index

import (
	"context"
	"errors"
	"strings"

	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/search"
)

// OrgSearch returns the organizations matching p (type:organization): free
// text over name and domain names, key:value words over organization fields,
// details and notes (fieldWordCond), bare numbers as organization ids, and the
// keywords name, external_id, created, updated and id. A ticket or user
// keyword matches no organization. There are few organizations next to
// tickets, so this is plain SQL without the full-text index.
func (q *run) OrgSearch(ctx context.Context, p Params) ([]model.Organization, error) {
	w, err := orgWhere(p)
	if errors.Is(err, errNoMatch) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return q.r.SelectOrganizations(ctx, `FROM organizations WHERE 1 = 1`+w.sql()+pageSQL(w, p, timeSort(p)), w.args...)
}

// OrgSearchCount counts the organizations matching p.
func (q *run) OrgSearchCount(ctx context.Context, p Params) (int64, error) {
	w, err := orgWhere(p)
	if errors.Is(err, errNoMatch) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	return q.count(ctx, "count organization search", `SELECT COUNT(*) FROM organizations WHERE 1 = 1`+w.sql(), w.args...)
}

func orgWhere(p Params) (*sqlWhere, error) {
	w := &sqlWhere{}
	text := func(word string) string {
		like := w.arg("%" + escapeLike(strings.ToLower(strings.TrimRight(word, "*"))) + "%")
		name := "LOWER(name) LIKE " + like + ` ESCAPE '\' OR LOWER(domain_names) LIKE ` + like + ` ESCAPE '\'`
		if field, ok := fieldWordCond(w, model.EntityOrganization, word); ok {
			return "(" + name + " OR " + field + ")"
		}
		return "(" + name + ")"
	}
	addTextAndIDs(w, p, text)
	if err := addConds(w, p, orgKeywordCond); err != nil {
		return nil, err
	}
	return w, nil
}

// orgKeywordCond renders one keyword condition over the organizations table.
func orgKeywordCond(w *sqlWhere, c search.Cond, p Params) (string, error) {
	switch c.Field {
	case "name":
		return "LOWER(name) LIKE " + w.arg("%"+escapeLike(strings.ToLower(c.Value))+"%") + ` ESCAPE '\'`, nil
	case "external_id":
		return "external_id = " + w.arg(noneAsEmpty(c.Value)), nil
	case "created", "updated":
		return dateCond(w, c.Field+"_at", c, p.Now)
	case "id":
		return idCond(w, "id", c)
	}
	return "", errNoMatch
}
