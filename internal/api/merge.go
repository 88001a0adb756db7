package api

import (
	"net/http"

	"github.com/twindesk/twindesk/internal/desk"
)

// mergeIn is Zendesk's body of POST /tickets/{id}/merge.
type mergeIn struct {
	IDs                   []int64 `json:"ids"`
	TargetComment         string  `json:"target_comment"`
	SourceComment         string  `json:"source_comment"`
	TargetCommentIsPublic *bool   `json:"target_comment_is_public"`
	SourceCommentIsPublic *bool   `json:"source_comment_is_public"`
}

// mergeTickets is POST /tickets/{id}/merge: the tickets of ids are closed and
// merged into ticket id. Zendesk runs it as a job; here it completes inside the
// request, so the job_status answered is already completed. A refusal (a ticket
// closed, an escalation's, or the target itself) is a 422 and changes nothing.
func (s *Server) mergeTickets(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var body mergeIn
	if err := decode(r, &body); err != nil {
		return err
	}
	j, err := s.desk.MergeTickets(r.Context(), currentUser(r.Context()), id, desk.MergeInput{IDs: body.IDs,
		TargetComment: body.TargetComment, SourceComment: body.SourceComment,
		TargetCommentIsPublic: body.TargetCommentIsPublic, SourceCommentIsPublic: body.SourceCommentIsPublic})
	if err != nil {
		return err
	}
	s.writeJob(w, &j)
	return nil
}
