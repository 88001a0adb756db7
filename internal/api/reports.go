package api

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/twindesk/twindesk/internal/desk"
	"github.com/twindesk/twindesk/internal/httpx"
)

// reportRange reads ?from=YYYY-MM-DD&to=YYYY-MM-DD (to exclusive); the default is
// the last twelve months.
func reportRange(r *http.Request) (time.Time, time.Time, error) {
	to := time.Now().UTC().AddDate(0, 0, 1).Truncate(24 * time.Hour)
	from := to.AddDate(-1, 0, 0)
	for name, dst := range map[string]*time.Time{"from": &from, "to": &to} {
		if v := r.URL.Query().Get(name); v != "" {
			t, err := time.Parse(time.DateOnly, v)
			if err != nil {
				return from, to, badRequest(name + " must be a date, e.g. 2026-01-31")
			}
			*dst = t
		}
	}
	if !from.Before(to) {
		return from, to, badRequest("from must be before to")
	}
	return from, to, nil
}

func (s *Server) escalationReport(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireStaffAPI(r); err != nil {
		return err
	}
	from, to, err := reportRange(r)
	if err != nil {
		return err
	}
	rep, err := s.desk.EscalationReport(r.Context(), currentUser(r.Context()), from, to)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"report": rep})
	return nil
}

// escalationReportCSV writes one row per (breakdown, key).
func (s *Server) escalationReportCSV(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireStaffAPI(r); err != nil {
		return err
	}
	from, to, err := reportRange(r)
	if err != nil {
		return err
	}
	rep, err := s.desk.EscalationReport(r.Context(), currentUser(r.Context()), from, to)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="escalations-%s-%s.csv"`, from.Format(time.DateOnly), to.Format(time.DateOnly)))
	cw := httpx.NewCSVWriter(w)
	_ = cw.Write([]string{"breakdown", "key", "count"})
	for _, b := range []struct {
		name string
		rows []desk.ReportCount
	}{{"category", rep.ByCategory}, {"month", rep.ByMonth}, {"pseudo_group", rep.ByGroup}, {"escalated_by", rep.ByEscalator}} {
		for _, c := range b.rows {
			_ = cw.Write([]string{b.name, c.Key, strconv.Itoa(c.Count)})
		}
	}
	_ = cw.Write([]string{"status", "open", strconv.Itoa(rep.Open)})
	_ = cw.Write([]string{"status", "closed", strconv.Itoa(rep.Closed)})
	if rep.MedianHoursToClose != nil {
		_ = cw.Write([]string{"median_hours_to_close", "", strconv.FormatFloat(*rep.MedianHoursToClose, 'f', 2, 64)})
	}
	return cw.Flush()
}
