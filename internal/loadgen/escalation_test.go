package loadgen_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/demo"
	"github.com/twindesk/twindesk/internal/escalation"
	"github.com/twindesk/twindesk/internal/loadgen"
)

// twin starts a standard and a secure instance with the recipe provisioned and
// returns an admin client for each.
func twin(t *testing.T) (std, sec *loadgen.Client) {
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	t.Cleanup(func() { cancel(); wg.Wait() })
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	dir := t.TempDir()
	// Both listen first: each may call the other's loopback address, and the
	// secure instance, confidential, only standard.
	sLn, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	xLn, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	s, err := demo.StartOn(ctx, "standard", sLn, filepath.Join(dir, "standard"), false, xLn.Addr().String(), log, &wg)
	require.NoError(t, err)
	x, err := demo.StartOn(ctx, "secure", xLn, filepath.Join(dir, "secure"), true, sLn.Addr().String(), log, &wg)
	require.NoError(t, err)
	require.NoError(t, s.Bootstrap(ctx, "admin@standard.example"))
	require.NoError(t, x.Bootstrap(ctx, "admin@secure.example"))
	m, err := escalation.ParseMap("Payroll (secure)=Payroll,HR (secure)=HR")
	require.NoError(t, err)
	_, err = escalation.Setup(ctx, escalation.Config{
		Standard: escalation.Side{URL: s.URL, Email: s.Admin.Email, Token: s.Token},
		Secure:   escalation.Side{URL: x.URL, Email: x.Admin.Email, Token: x.Token},
		Map:      m,
	})
	require.NoError(t, err)
	std, err = loadgen.NewClient([]string{s.URL}, s.Admin.Email, s.Token, 4)
	require.NoError(t, err)
	sec, err = loadgen.NewClient([]string{x.URL}, x.Admin.Email, x.Token, 4)
	require.NoError(t, err)
	return std, sec
}

func TestEscalation(t *testing.T) {
	t.Parallel()
	std, sec := twin(t)
	res, err := loadgen.RunEscalation(t.Context(), std, sec, loadgen.EscalationConfig{N: 4, Concurrency: 2, Timeout: 20 * time.Second})
	require.NoError(t, err)
	var out bytes.Buffer
	res.Print(&out)
	t.Log(out.String())
	rt, ok := res.Op("round_trip")
	require.True(t, ok)
	require.Equal(t, 4, rt.Count)
	require.Zero(t, rt.Failed, "every round trip linked: %v", rt.Codes)
	require.Positive(t, rt.P50)
	set, ok := res.Op("set_group")
	require.True(t, ok)
	require.Equal(t, 4, set.Count)
	require.Less(t, set.P50, rt.P50, "the PUT answers before the round trip completes")
}

func TestEscalationNeedsRecipe(t *testing.T) {
	t.Parallel()
	std, sec := twin(t)
	_, err := loadgen.RunEscalation(t.Context(), std, sec, loadgen.EscalationConfig{N: 1, Pseudo: "No such group"})
	require.ErrorContains(t, err, "escalation setup")
}
