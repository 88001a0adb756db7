package api

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/twindesk/twindesk/internal/desk"
	"github.com/twindesk/twindesk/internal/httpx"
)

// reportRange reads ?time_zone= (an IANA name, UTC when absent) and
// ?from=YYYY-MM-DD&to=YYYY-MM-DD (to exclusive) as days in that zone; the
// default is the last twelve months. The web report uses the viewer's zone; an
// API client names its own, as the user's time_zone does.
func reportRange(r *http.Request) (from, to time.Time, loc *time.Location, err error) {
	loc = time.UTC
	if name := r.URL.Query().Get("time_zone"); name != "" {
		// ValidTimeZone refuses "Local", the server's zone, which LoadLocation takes.
		if loc, err = time.LoadLocation(name); err != nil || !desk.ValidTimeZone(name) {
			return from, to, time.UTC, badRequest("time_zone must be an IANA time zone, e.g. Europe/Berlin")
		}
	}
	now := time.Now().In(loc)
	to = time.Date(now.Year(), now.Month(), now.Day()+1, 0, 0, 0, 0, loc)
	from = to.AddDate(-1, 0, 0)
	for name, dst := range map[string]*time.Time{"from": &from, "to": &to} {
		if v := r.URL.Query().Get(name); v != "" {
			t, err := time.ParseInLocation(time.DateOnly, v, loc)
			if err != nil {
				return from, to, loc, badRequest(name + " must be a date, e.g. 2026-01-31")
			}
			*dst = t
		}
	}
	if !from.Before(to) {
		return from, to, loc, badRequest("from must be before to")
	}
	return from, to, loc, nil
}

func (s *Server) escalationReport(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireStaffAPI(r); err != nil {
		return err
	}
	from, to, loc, err := reportRange(r)
	if err != nil {
		return err
	}
	rep, err := s.desk.EscalationReportIn(r.Context(), currentUser(r.Context()), from, to, loc)
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
	from, to, loc, err := reportRange(r)
	if err != nil {
		return err
	}
	rep, err := s.desk.EscalationReportIn(r.Context(), currentUser(r.Context()), from, to, loc)
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
	_ = cw.Write([]string{"time_zone", rep.TimeZone, ""})
	return cw.Flush()
}
