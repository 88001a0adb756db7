package web

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/twindesk/twindesk/internal/desk"
	"github.com/twindesk/twindesk/internal/httpx"
)

// reportData is the escalation report page.
type reportData struct {
	From, To string
	Report   desk.EscalationReport
	Median   string
	Chart    chart
	Table    reportTable
	CSVURL   string
	Error    string
	// Zone is the viewer's time zone, which the dates, days and months are in.
	Zone string
}

// reportTable is escalations by month (rows) and category (columns).
type reportTable struct {
	Categories []string
	Rows       []reportRow
}

type reportRow struct {
	Month  string
	Counts []int
	Total  int
}

// reportRange reads ?from=YYYY-MM-DD&to=YYYY-MM-DD (to exclusive) as days in
// loc, the viewer's time zone; the default is the last twelve months, as the
// API's report.
func reportRange(r *http.Request, loc *time.Location) (time.Time, time.Time, error) {
	now := time.Now().In(loc)
	to := time.Date(now.Year(), now.Month(), now.Day()+1, 0, 0, 0, 0, loc)
	from := to.AddDate(-1, 0, 0)
	for name, dst := range map[string]*time.Time{"from": &from, "to": &to} {
		if v := r.URL.Query().Get(name); v != "" {
			t, err := time.ParseInLocation(time.DateOnly, v, loc)
			if err != nil {
				return from, to, fmt.Errorf("%s must be a date such as 2026-01-31", name)
			}
			*dst = t
		}
	}
	if !from.Before(to) {
		return from, to, fmt.Errorf("from must be before to")
	}
	return from, to, nil
}

func (s *Server) reportPage(w http.ResponseWriter, r *http.Request, rq *request) error {
	loc := s.desk.UserZone(r.Context(), rq.user)
	from, to, err := reportRange(r, loc)
	d := reportData{From: from.Format(time.DateOnly), To: to.Format(time.DateOnly), Zone: loc.String()}
	if err != nil {
		d.Error = err.Error()
		s.render(w, r, rq, http.StatusBadRequest, "report.html", "Escalation report", d)
		return nil
	}
	if d.Report, err = s.desk.EscalationReportIn(r.Context(), rq.user, from, to, loc); err != nil {
		return err
	}
	if m := d.Report.MedianHoursToClose; m != nil {
		d.Median = strconv.FormatFloat(*m, 'f', 1, 64)
	}
	months := reportMonths(from, to, loc, d.Report)
	d.Table = newReportTable(months, d.Report)
	d.Chart = newChart(d.Table)
	d.CSVURL = "/reports/escalations.csv?from=" + d.From + "&to=" + d.To
	s.render(w, r, rq, http.StatusOK, "report.html", "Escalation report", d)
	return nil
}

// reportMonths lists every month of [from, to) in loc when there are at most
// three years of them, so quiet months show as gaps; otherwise only months with
// data.
func reportMonths(from, to time.Time, loc *time.Location, rep desk.EscalationReport) []string {
	var out []string
	f := from.In(loc)
	m := time.Date(f.Year(), f.Month(), 1, 0, 0, 0, 0, loc)
	for ; m.Before(to) && len(out) <= 36; m = m.AddDate(0, 1, 0) {
		out = append(out, m.Format("2006-01"))
	}
	if len(out) > 36 {
		out = out[:0]
		for _, c := range rep.ByMonth {
			out = append(out, c.Key)
		}
	}
	return out
}

func newReportTable(months []string, rep desk.EscalationReport) reportTable {
	t := reportTable{}
	for _, c := range rep.ByCategory {
		t.Categories = append(t.Categories, c.Key)
	}
	for _, m := range months {
		row := reportRow{Month: m}
		for _, cat := range t.Categories {
			n := rep.ByCategoryMonth[m][cat]
			row.Counts = append(row.Counts, n)
			row.Total += n
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}

// reportCSV downloads the report's month-by-category table; the month column's
// header names the time zone the months are in.
func (s *Server) reportCSV(w http.ResponseWriter, r *http.Request, rq *request) error {
	loc := s.desk.UserZone(r.Context(), rq.user)
	from, to, err := reportRange(r, loc)
	if err != nil {
		return &httpError{http.StatusBadRequest, err.Error()}
	}
	rep, err := s.desk.EscalationReportIn(r.Context(), rq.user, from, to, loc)
	if err != nil {
		return err
	}
	t := newReportTable(reportMonths(from, to, loc, rep), rep)
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="escalations-%s-%s.csv"`,
		from.Format(time.DateOnly), to.Format(time.DateOnly)))
	cw := httpx.NewCSVWriter(w)
	_ = cw.Write(append(append([]string{"month (" + loc.String() + ")"}, t.Categories...), "total"))
	for _, row := range t.Rows {
		rec := []string{row.Month}
		for _, n := range row.Counts {
			rec = append(rec, strconv.Itoa(n))
		}
		_ = cw.Write(append(rec, strconv.Itoa(row.Total)))
	}
	return cw.Flush()
}
