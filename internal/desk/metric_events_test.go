package desk

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/model"
)

// TestReplayMetricsDurations replays a ticket's history with real spans:
// created at 09:00, answered and set pending at 09:30, reopened by the
// requester at 10:00, solved at 10:45. The update_status events carry each
// instance's active minutes.
func TestReplayMetricsDurations(t *testing.T) {
	const requester, agent = 7, 2
	at := func(h, m int) time.Time { return time.Date(2026, 12, 1, h, m, 0, 0, time.UTC) }
	yes := true
	audits := []model.Audit{
		{ID: 1, AuthorID: requester, CreatedAt: at(9, 0), Events: []model.AuditEvent{
			{Type: "Create", FieldName: "status", Value: "new"}, {Type: "Comment", Public: &yes, AuthorID: requester}}},
		{ID: 2, AuthorID: agent, CreatedAt: at(9, 30), Events: []model.AuditEvent{
			{Type: "Change", FieldName: "status", Value: "pending", PreviousValue: "new"}, {Type: "Comment", Public: &yes, AuthorID: agent}}},
		{ID: 3, AuthorID: requester, CreatedAt: at(10, 0), Events: []model.AuditEvent{
			{Type: "Change", FieldName: "status", Value: "open", PreviousValue: "pending"}, {Type: "Comment", Public: &yes, AuthorID: requester}}},
		{ID: 4, AuthorID: agent, CreatedAt: at(10, 45), Events: []model.AuditEvent{
			{Type: "Change", FieldName: "status", Value: "solved", PreviousValue: "open"}}},
	}
	calendar := func(a, b time.Time) time.Duration { return b.Sub(a) }
	out := replayMetrics(9, audits, map[int64]bool{agent: true}, calendar)
	minutes := map[string]int64{}
	for _, a := range audits {
		for _, e := range out[a.ID] {
			require.Equal(t, a.CreatedAt, e.Time)
			if e.Type == "update_status" {
				minutes[e.Metric+" "+string(rune('0'+e.InstanceID))] = e.Calendar
			}
		}
	}
	require.Equal(t, map[string]int64{
		"reply_time 1":           30, // 09:00 to the agent's reply
		"pausable_update_time 1": 30,
		"reply_time 2":           45, // the requester's 10:00 comment, met by the solve
		"pausable_update_time 2": 45,
		"agent_work_time 1":      75, // new 30 + open 45; pending doesn't count
		"requester_wait_time 1":  75,
		"resolution_time 1":      105,
	}, minutes)
	var reply []string
	for _, a := range audits[2:] {
		for _, e := range out[a.ID] {
			if e.Metric == "reply_time" {
				reply = append(reply, e.Type+" "+string(rune('0'+e.InstanceID)))
			}
		}
	}
	require.Equal(t, []string{"activate 2", "fulfill 2", "update_status 2"}, reply,
		"the requester's comment starts a second reply time; solving meets it")
}

// TestReplayPausableUpdate follows the pausable update target's rules: it
// runs on hold and pauses only while pending, each public agent comment meets
// it and starts the next, and a comment that solves the ticket starts none.
func TestReplayPausableUpdate(t *testing.T) {
	const requester, agent = 7, 2
	at := func(h, m int) time.Time { return time.Date(2026, 12, 1, h, m, 0, 0, time.UTC) }
	yes := true
	audits := []model.Audit{
		{ID: 1, AuthorID: requester, CreatedAt: at(9, 0), Events: []model.AuditEvent{
			{Type: "Create", FieldName: "status", Value: "new"}, {Type: "Comment", Public: &yes, AuthorID: requester}}},
		{ID: 2, AuthorID: agent, CreatedAt: at(9, 20), Events: []model.AuditEvent{
			{Type: "Comment", Public: &yes, AuthorID: agent}, {Type: "Change", FieldName: "status", Value: "hold", PreviousValue: "new"}}},
		{ID: 3, AuthorID: agent, CreatedAt: at(10, 0), Events: []model.AuditEvent{
			{Type: "Change", FieldName: "status", Value: "pending", PreviousValue: "hold"}}},
		{ID: 4, AuthorID: requester, CreatedAt: at(11, 0), Events: []model.AuditEvent{
			{Type: "Change", FieldName: "status", Value: "open", PreviousValue: "pending"}, {Type: "Comment", Public: &yes, AuthorID: requester}}},
		{ID: 5, AuthorID: agent, CreatedAt: at(11, 30), Events: []model.AuditEvent{
			{Type: "Comment", Public: &yes, AuthorID: agent}, {Type: "Change", FieldName: "status", Value: "solved", PreviousValue: "open"}}},
	}
	calendar := func(a, b time.Time) time.Duration { return b.Sub(a) }
	out := replayMetrics(9, audits, map[int64]bool{agent: true}, calendar)
	var got []string
	for _, a := range audits {
		for _, e := range out[a.ID] {
			if e.Metric != "pausable_update_time" || e.Type == "measure" {
				continue
			}
			s := e.Type + " " + string(rune('0'+e.InstanceID))
			if e.Type == "update_status" {
				s += " " + time.Duration(e.Calendar*int64(time.Minute)).String()
			}
			got = append(got, s)
		}
	}
	require.Equal(t, []string{
		"activate 1",
		"fulfill 1", "update_status 1 20m0s", "activate 2", // the agent's 09:20 reply; on hold it runs
		"pause 2",                              // pending at 10:00
		"fulfill 2", "update_status 2 1h10m0s", // 09:20-10:00 and 11:00-11:30; solving starts no third
	}, got)
}
