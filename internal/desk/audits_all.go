package desk

import (
	"context"

	"github.com/twindesk/twindesk/internal/model"
)

// AllAudits lists the audits of every live ticket by id after afterID, up to
// limit, with the attachments of their comments by audit id: GET
// /api/v2/ticket_audits. Admins only, as Zendesk: it reads every ticket's
// history, so an agent limited to some groups must not get it.
func (s *Service) AllAudits(ctx context.Context, actor model.User, afterID int64, limit int) ([]model.Audit, map[int64][]model.Attachment, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, nil, err
	}
	read := s.db.Read()
	audits, err := read.AllAudits(ctx, afterID, limit)
	if err != nil {
		return nil, nil, err
	}
	ids := make([]int64, len(audits))
	for i, a := range audits {
		ids[i] = a.ID
	}
	files, err := read.AuditsAttachments(ctx, ids)
	return audits, files, err
}
