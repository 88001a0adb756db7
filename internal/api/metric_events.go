package api

import "net/http"

// exportMetricEvents is GET /incremental/ticket_metric_events?start_time=:
// Zendesk's time-based export of ticket metric events. It pages the audits as
// the ticket events export does (whole seconds, end_time the next start) and
// answers the metric events those audits made, oldest first.
func (s *Server) exportMetricEvents(w http.ResponseWriter, r *http.Request) error {
	page, end, eos, err := s.auditExportPage(r)
	if err != nil {
		return err
	}
	events, err := s.desk.ExportMetricEvents(r.Context(), currentUser(r.Context()), page)
	if err != nil {
		return err
	}
	items := make([]map[string]any, len(events))
	for i, e := range events {
		item := map[string]any{"id": e.ID, "ticket_id": e.TicketID, "metric": e.Metric, "instance_id": e.InstanceID,
			"type": e.Type, "time": zt(e.Time)}
		switch e.Type {
		case "update_status":
			item["status"] = map[string]any{"calendar": e.Calendar, "business": e.Business}
		case "apply_sla":
			item["sla"] = map[string]any{"target": e.SLA.Target, "target_in_seconds": e.SLA.Target * 60,
				"business_hours": e.SLA.BusinessHours, "policy": map[string]any{"id": e.SLA.PolicyID,
					"title": e.SLA.PolicyTitle, "description": e.SLA.PolicyDescription}}
		case "breach":
			item["deleted"] = false
		}
		items[i] = item
	}
	writeJSON(w, http.StatusOK, timeBody(r, "ticket_metric_events", items, len(items), end, eos))
	return nil
}
