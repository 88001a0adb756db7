package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/twindesk/twindesk/internal/model"
)

// The business-hours schedule form: name, time zone, the open hours of each
// weekday written as "09:00-12:00, 13:00-17:30", and holidays. The form only
// turns the text into Zendesk's intervals (minutes from Sunday 00:00);
// desk.SaveSchedule decides what is acceptable, as for the API.

// dayOrder lists the weekdays Monday first, as people read a week.
var dayOrder = []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday, time.Sunday}

// scheduleDay is one weekday's open hours as typed.
type scheduleDay struct {
	Day          time.Weekday
	Hours        string
	Error        string
	firstIv, ivN int // this day's intervals in the saved list
}

// holidayRow is one holiday as typed.
type holidayRow struct {
	ID                    int64
	Name, Start, End, Err string
}

// scheduleEdit is the schedule form.
type scheduleEdit struct {
	ID                   int64
	Name, TimeZone       string
	NameError, ZoneError string
	Days                 []scheduleDay
	Holidays             []holidayRow
	Errors               []string
}

// Zones suggests a few time zones; any IANA name is accepted.
func (e *scheduleEdit) Zones() []string {
	return []string{"UTC", "Europe/London", "Europe/Berlin", "Europe/Paris", "America/New_York", "America/Chicago",
		"America/Los_Angeles", "Asia/Tokyo", "Australia/Sydney"}
}

const minutesPerDay = 24 * 60

// hhmm writes minutes of a day as 09:30 (24:00 for the day's end).
func hhmm(m int) string { return fmt.Sprintf("%02d:%02d", m/60, m%60) }

// scheduleForm fills the form from a stored schedule.
func scheduleForm(sc model.Schedule) *scheduleEdit {
	e := &scheduleEdit{ID: sc.ID, Name: sc.Name, TimeZone: sc.TimeZone}
	for _, d := range dayOrder {
		lo := int(d) * minutesPerDay
		var parts []string
		// An interval the API stored across midnight shows on both days, so
		// saving the form keeps all of its hours.
		for _, iv := range sc.Intervals {
			if a, b := max(iv.StartTime, lo), min(iv.EndTime, lo+minutesPerDay); a < b {
				parts = append(parts, hhmm(a-lo)+"-"+hhmm(b-lo))
			}
		}
		e.Days = append(e.Days, scheduleDay{Day: d, Hours: strings.Join(parts, ", ")})
	}
	for _, h := range sc.Holidays {
		e.Holidays = append(e.Holidays, holidayRow{ID: h.ID, Name: h.Name, Start: h.StartDate, End: h.EndDate})
	}
	return e
}

// parseClock reads "9:00" or "17:30" as minutes of the day; "24:00" is the day's end.
func parseClock(s string) (int, bool) {
	var h, m int
	if n, err := fmt.Sscanf(strings.TrimSpace(s), "%d:%d", &h, &m); err != nil || n != 2 || h < 0 || h > 24 || m < 0 || m > 59 {
		return 0, false
	}
	return h*60 + m, true
}

// parseSchedule reads the form as typed and the schedule for desk; false when
// some day's hours can't be read.
func parseSchedule(f url.Values, id int64) (*scheduleEdit, model.Schedule, bool) {
	e := &scheduleEdit{ID: id, Name: f.Get("name"), TimeZone: strings.TrimSpace(f.Get("time_zone"))}
	sc := model.Schedule{ID: id, Name: e.Name, TimeZone: e.TimeZone}
	ok := true
	for _, d := range dayOrder {
		day := scheduleDay{Day: d, Hours: strings.TrimSpace(f.Get(fmt.Sprintf("day_%d", d))), firstIv: len(sc.Intervals)}
		for _, part := range strings.Split(day.Hours, ",") {
			if strings.TrimSpace(part) == "" {
				continue
			}
			from, to, found := strings.Cut(part, "-")
			a, okA := parseClock(from)
			b, okB := parseClock(to)
			if !found || !okA || !okB {
				day.Error, ok = "Write the hours as 09:00-17:00 (several separated by commas).", false
				break
			}
			lo := int(d) * minutesPerDay
			sc.Intervals = append(sc.Intervals, model.ScheduleInterval{StartTime: lo + a, EndTime: lo + b})
		}
		// Business time is counted through a day's hours in order, so they are
		// kept in order whatever order they were typed in.
		slices.SortFunc(sc.Intervals[day.firstIv:], func(x, y model.ScheduleInterval) int { return x.StartTime - y.StartTime })
		day.ivN = len(sc.Intervals) - day.firstIv
		e.Days = append(e.Days, day)
	}
	names, starts, ends, ids := f["holiday_name"], f["holiday_start"], f["holiday_end"], f["holiday_id"]
	for i := range names {
		h := holidayRow{Name: at(names, i), Start: at(starts, i), End: at(ends, i)}
		if h.Name == "" && h.Start == "" && h.End == "" {
			continue
		}
		if h.End == "" {
			h.End = h.Start // a one-day holiday
		}
		h.ID, _ = strconv.ParseInt(at(ids, i), 10, 64) // 0 (a new holiday) unless the row was stored
		e.Holidays = append(e.Holidays, h)
		sc.Holidays = append(sc.Holidays, model.Holiday{ID: h.ID, Name: h.Name, StartDate: h.Start, EndDate: h.End})
	}
	return e, sc, ok
}

// placeErrors puts desk's messages next to the name, the time zone, the day
// of an interval ("intervals[3]: ...") or a holiday ("holidays[0]: ...").
func (e *scheduleEdit) placeErrors(ve *model.ValidationError) {
	for _, fe := range ve.Errors {
		var i int
		switch {
		case fe.Field == "name":
			e.NameError = fe.Description
		case fe.Field == "time_zone":
			e.ZoneError = fe.Description
		case scanPrefix(fe.Description, "holidays[%d]", &i) && i < len(e.Holidays):
			e.Holidays[i].Err = afterPrefix(fe.Description)
		case scanPrefix(fe.Description, "intervals[%d]", &i) && e.dayOf(i) != nil:
			e.dayOf(i).Error = afterPrefix(fe.Description)
		default:
			e.Errors = append(e.Errors, fe.Description)
		}
	}
}

// dayOf is the day whose hours hold the i-th interval.
func (e *scheduleEdit) dayOf(i int) *scheduleDay {
	for k := range e.Days {
		if d := &e.Days[k]; i >= d.firstIv && i < d.firstIv+d.ivN {
			return d
		}
	}
	return nil
}

func (s *Server) newScheduleForm(w http.ResponseWriter, r *http.Request, rq *request) error {
	e := scheduleForm(model.Schedule{TimeZone: "UTC"})
	for i := range e.Days {
		if d := e.Days[i].Day; d != time.Saturday && d != time.Sunday {
			e.Days[i].Hours = "09:00-17:00"
		}
	}
	return s.renderSchedule(w, r, rq, http.StatusOK, e)
}

func (s *Server) editScheduleForm(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	sc, err := s.desk.Schedule(r.Context(), rq.user, id)
	if err != nil {
		return err
	}
	return s.renderSchedule(w, r, rq, http.StatusOK, scheduleForm(sc))
}

// renderSchedule shows the form with two blank holiday rows for additions.
func (s *Server) renderSchedule(w http.ResponseWriter, r *http.Request, rq *request, status int, e *scheduleEdit) error {
	e.Holidays = append(e.Holidays, holidayRow{}, holidayRow{})
	title := "New schedule"
	if e.ID != 0 {
		title = "Schedule " + e.Name
	}
	s.render(w, r, rq, status, "schedule.html", title, e)
	return nil
}

// saveSchedule creates (POST /admin/schedules) or updates a schedule; a
// refused form is shown again as typed and nothing is stored.
func (s *Server) saveSchedule(w http.ResponseWriter, r *http.Request, rq *request) error {
	var id int64
	if r.PathValue("id") != "" {
		var err error
		if id, err = pathID(r); err != nil {
			return err
		}
	}
	e, sc, ok := parseSchedule(r.PostForm, id)
	if !ok {
		return s.renderSchedule(w, r, rq, http.StatusUnprocessableEntity, e)
	}
	_, err := s.desk.SaveSchedule(r.Context(), rq.user, sc)
	var ve *model.ValidationError
	if errors.As(err, &ve) {
		e.placeErrors(ve)
		return s.renderSchedule(w, r, rq, http.StatusUnprocessableEntity, e)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/slas?flash=saved", http.StatusSeeOther)
	return nil
}
