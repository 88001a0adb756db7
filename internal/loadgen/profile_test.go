package loadgen_test

import (
	"bytes"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/apitest"
	"github.com/twindesk/twindesk/internal/loadgen"
	"github.com/twindesk/twindesk/internal/seed"
)

// TestServerProfile runs the workloads (creates with 50 triggers, then
// the read/update/search mix) against an in-process instance, so that
//
//	TWINDESK_BENCH_PROFILE=1 go test ./internal/loadgen -run TestServerProfile -v \
//	    -cpuprofile cpu.out -memprofile mem.out -timeout 60m
//
// profiles the server's code paths under load (the load generator runs in the same
// process: look at the api, desk, store and sqlite frames). TWINDESK_BENCH_TICKETS
// (default 20,000) tickets are seeded first; TWINDESK_BENCH_BACKEND=postgres uses
// TWINDESK_PG_URL; TWINDESK_BENCH_RATE (default 500) and TWINDESK_BENCH_DURATION
// (default 20s) set the mix's rate and both phases' length. It takes minutes, so
// it only runs when asked.
func TestServerProfile(t *testing.T) {
	if os.Getenv("TWINDESK_BENCH_PROFILE") == "" {
		t.Skip("set TWINDESK_BENCH_PROFILE=1 to profile the server under the bench workloads (minutes)")
	}
	backend := apitest.SQLite
	if os.Getenv("TWINDESK_BENCH_BACKEND") == "postgres" {
		backend = apitest.Postgres
	}
	n, rate := envInt(t, "TWINDESK_BENCH_TICKETS", 20_000), envInt(t, "TWINDESK_BENCH_RATE", 500)
	d := 20 * time.Second
	if v := os.Getenv("TWINDESK_BENCH_DURATION"); v != "" {
		var err error
		d, err = time.ParseDuration(v)
		require.NoError(t, err)
	}
	env := apitest.New(t, backend)
	st, err := seed.Run(t.Context(), env.Instance.DB, seed.Config{Tickets: n}, nil)
	require.NoError(t, err)
	t.Logf("seeded %d tickets in %s", st.Tickets, st.Elapsed.Round(time.Second))
	c, err := loadgen.NewClient([]string{env.URL}, apitest.AdminEmail, env.AdminToken, 64)
	require.NoError(t, err)
	var out bytes.Buffer
	res, err := loadgen.RunCreate(t.Context(), c, loadgen.CreateConfig{Concurrency: 16, Duration: d,
		Warmup: 2 * time.Second, Triggers: 50}, &out)
	require.NoError(t, err)
	res.Print(&out)
	mix := loadgen.MixConfig{Rate: float64(rate), Duration: d, Warmup: 2 * time.Second, Read: 60, Update: 20, Search: 20}
	tg, err := loadgen.PrepareMix(t.Context(), c, mix)
	require.NoError(t, err)
	res, err = loadgen.RunMix(t.Context(), c, mix, tg)
	require.NoError(t, err)
	res.Print(&out)
	t.Log("\n" + out.String())
}

// envInt reads a whole number from the environment, or returns def.
func envInt(t *testing.T, name string, def int) int {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	require.NoError(t, err, name)
	return n
}
