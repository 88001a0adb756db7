package web

import (
	"fmt"
	"net/url"
	"testing"
	"time"

	"github.com/twindesk/twindesk/internal/model"
)

// TestScheduleFormKeepsHoursAcrossMidnight: an interval the API stored from
// Sunday 22:00 to Monday 02:00 shows on both days, and saving the form as
// shown keeps its four hours (as two adjacent intervals).
func TestScheduleFormKeepsHoursAcrossMidnight(t *testing.T) {
	sc := model.Schedule{Name: "Night", TimeZone: "UTC", Intervals: []model.ScheduleInterval{{StartTime: 22 * 60, EndTime: 26 * 60}}}
	e := scheduleForm(sc)
	f := url.Values{"name": {e.Name}, "time_zone": {e.TimeZone}}
	shown := map[time.Weekday]string{}
	for _, d := range e.Days {
		shown[d.Day] = d.Hours
		f.Set(fmt.Sprintf("day_%d", d.Day), d.Hours)
	}
	if shown[time.Sunday] != "22:00-24:00" || shown[time.Monday] != "00:00-02:00" {
		t.Fatalf("shown %v", shown)
	}
	_, back, ok := parseSchedule(f, 0)
	minutes := 0
	for _, iv := range back.Intervals {
		minutes += iv.EndTime - iv.StartTime
	}
	if !ok || minutes != 4*60 {
		t.Fatalf("saved as shown: %+v (%d minutes), want 240 minutes", back.Intervals, minutes)
	}
}

// TestScheduleFormSortsADaysHours: hours typed out of order are stored in
// order (business time is counted through a day's intervals in order).
func TestScheduleFormSortsADaysHours(t *testing.T) {
	_, sc, ok := parseSchedule(url.Values{"name": {"Office"}, "time_zone": {"UTC"}, "day_1": {"13:00-17:00, 08:00-12:00"}}, 0)
	want := []model.ScheduleInterval{{StartTime: 1440 + 480, EndTime: 1440 + 720}, {StartTime: 1440 + 780, EndTime: 1440 + 1020}}
	if !ok || fmt.Sprint(sc.Intervals) != fmt.Sprint(want) {
		t.Fatalf("intervals %v, want %v", sc.Intervals, want)
	}
}
