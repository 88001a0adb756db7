package api

import (
	"fmt"
	"net/http"

	"github.com/twindesk/twindesk/internal/model"
)

func (s *Server) targetOut(t *model.Target) map[string]any {
	return map[string]any{"id": t.ID, "url": fmt.Sprintf("%s/api/v2/targets/%d.json", s.cfg.BaseURL, t.ID),
		"type": t.Type, "title": t.Title, "active": t.Active, "target_url": t.TargetURL, "method": t.Method,
		"content_type": t.ContentType, "username": nilIfEmpty(t.Username), "created_at": zt(t.CreatedAt)}
}

func (s *Server) saveTarget(w http.ResponseWriter, r *http.Request) error {
	in, err := decodeEnvelope[struct {
		Type        *string `json:"type"`
		Title       *string `json:"title"`
		Active      *bool   `json:"active"`
		TargetURL   *string `json:"target_url"`
		Method      *string `json:"method"`
		ContentType *string `json:"content_type"`
		Username    *string `json:"username"`
		Password    *string `json:"password"`
	}](r, "target")
	if err != nil {
		return err
	}
	apply := func(t *model.Target) {
		for dst, src := range map[*string]*string{&t.Type: in.Type, &t.Title: in.Title, &t.TargetURL: in.TargetURL,
			&t.Method: in.Method, &t.ContentType: in.ContentType, &t.Username: in.Username, &t.Password: in.Password} {
			if src != nil {
				*dst = *src
			}
		}
		if in.Active != nil {
			t.Active = *in.Active
		}
	}
	var t model.Target
	status := http.StatusCreated
	if r.PathValue("id") != "" {
		id, err := pathID(r)
		if err != nil {
			return err
		}
		if t, err = s.desk.UpdateTarget(r.Context(), currentUser(r.Context()), id, apply); err != nil {
			return err
		}
		status = http.StatusOK
	} else {
		t = model.Target{Active: true, Method: "post", ContentType: "application/json"}
		apply(&t)
		var err error
		if t, err = s.desk.SaveTarget(r.Context(), currentUser(r.Context()), t); err != nil {
			return err
		}
	}
	writeJSON(w, status, map[string]any{"target": s.targetOut(&t)})
	return nil
}

func (s *Server) showTarget(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if _, err := requireStaffAPI(r); err != nil {
		return err
	}
	t, err := s.desk.Target(r.Context(), currentUser(r.Context()), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"target": s.targetOut(&t)})
	return nil
}

func (s *Server) listTargets(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireStaffAPI(r); err != nil {
		return err
	}
	rows, err := s.desk.Targets(r.Context(), currentUser(r.Context()))
	if err != nil {
		return err
	}
	out := make([]map[string]any, len(rows))
	for i := range rows {
		out[i] = s.targetOut(&rows[i])
	}
	writeJSON(w, http.StatusOK, map[string]any{"targets": out, "count": len(out), "next_page": nil, "previous_page": nil})
	return nil
}

func (s *Server) deleteTarget(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := s.desk.DeleteTarget(r.Context(), currentUser(r.Context()), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
