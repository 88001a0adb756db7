package api

import (
	"net/http"

	"github.com/twindesk/twindesk/internal/desk"
)

// failedChainJSON is one failed webhook chain of a ticket, such as an escalation
// whose create on the secure instance was refused.
type failedChainJSON struct {
	ChainID      string `json:"chain_id"`
	TriggerID    int64  `json:"trigger_id"`
	TriggerTitle string `json:"trigger_title"`
	DeliveryID   string `json:"delivery_id"`
	Step         int    `json:"step"`
	StepsNotSent int    `json:"steps_not_sent"`
	StatusCode   int    `json:"status_code"`
	Error        string `json:"error"`
	Attempts     int    `json:"attempts"`
	FailedAt     string `json:"failed_at"`
}

func failedChainsOut(chains []desk.FailedChain) []failedChainJSON {
	out := make([]failedChainJSON, len(chains))
	for i, c := range chains {
		out[i] = failedChainJSON{ChainID: c.ChainID, TriggerID: c.TriggerID, TriggerTitle: c.TriggerTitle,
			DeliveryID: c.Step.ID, Step: c.Step.Step, StepsNotSent: c.Later, StatusCode: c.Step.StatusCode,
			Error: c.Reason(), Attempts: c.Step.Attempts, FailedAt: zt(c.FailedAt())}
	}
	return out
}

// ticketChains answers GET /api/v2/twindesk/tickets/{id}/escalation: the
// ticket's webhook chains that failed for good (an empty list when none).
func (s *Server) ticketChains(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	chains, err := s.desk.FailedChains(r.Context(), currentUser(r.Context()), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"failed_chains": failedChainsOut(chains)})
	return nil
}

// retryChains answers POST /api/v2/twindesk/tickets/{id}/escalation/retry: the
// ticket's failed chains are sent again from their failed step; a 422 when none
// failed.
func (s *Server) retryChains(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	n, err := s.desk.RetryChain(r.Context(), currentUser(r.Context()), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"retried_chains": n})
	return nil
}
