package loadgen

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestRecorderPercentiles(t *testing.T) {
	t.Parallel()
	r := NewRecorder()
	for i := 1; i <= 100; i++ {
		r.Record("read", time.Duration(i)*time.Millisecond, 200)
	}
	r.Record("update", 7*time.Millisecond, 500)
	r.Record("update", 3*time.Millisecond, 0)
	res := r.Result("t", "p", 2*time.Second)
	read, ok := res.Op("read")
	require.True(t, ok)
	require.Equal(t, 50*time.Millisecond, read.P50)
	require.Equal(t, 90*time.Millisecond, read.P90)
	require.Equal(t, 99*time.Millisecond, read.P99)
	require.Equal(t, 100*time.Millisecond, read.Max)
	require.InDelta(t, 50, read.Rate, 0.001)
	require.Zero(t, read.Failed)
	upd, _ := res.Op("update")
	require.Equal(t, 2, upd.Failed, "a 500 and no answer are failures")
	all := res.Total()
	require.Equal(t, "all", all.Op)
	require.Equal(t, 102, all.Count)
	require.Equal(t, 2, all.Failed)
	require.Equal(t, "0:1 200:100 500:1", func() string { s := codes(all.Codes); return replaceNoAnswer(s) }())
}

func replaceNoAnswer(s string) string {
	if len(s) > 10 && s[:10] == "no-answer:" {
		return "0:" + s[10:]
	}
	return s
}

func TestParseRates(t *testing.T) {
	t.Parallel()
	r, err := ParseRates("100-500/200")
	require.NoError(t, err)
	require.Equal(t, []float64{100, 300, 500}, r)
	r, err = ParseRates("50, 75,1000")
	require.NoError(t, err)
	require.Equal(t, []float64{50, 75, 1000}, r)
	for _, bad := range []string{"", "x", "100-50/10", "1-10", "0", "-5"} {
		_, err := ParseRates(bad)
		require.Error(t, err, bad)
	}
}

func TestBenchTriggersAreDistinct(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for i := range 50 {
		tr := benchTrigger(i)
		require.False(t, seen[tr.Title], tr.Title)
		seen[tr.Title] = true
		require.NotEmpty(t, tr.Conditions.All)
		require.NotEmpty(t, tr.Actions)
	}
}
