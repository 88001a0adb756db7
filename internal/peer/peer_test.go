package peer

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestSingleID(t *testing.T) {
	for in, want := range map[string]int64{"1": 1, "42": 42, "9007199254740993": 9007199254740993} {
		got, ok := SingleID(in)
		require.True(t, ok, in)
		require.Equal(t, want, got)
	}
	for _, in := range []string{"", "0", "01", "-1", "+1", "1,2,3", "1&x=y", " 1", "1 ", "1.0", "../1", "１", "9999999999999999999"} {
		_, ok := SingleID(in)
		require.False(t, ok, "%q must not parse as one id", in)
	}
}

func TestReservedChange(t *testing.T) {
	require.Empty(t, ReservedChange([]string{"a", TagHasSecureID}, []string{TagHasSecureID, "b"}))
	require.Equal(t, []string{TagEscalatedToSecure, TagHasSecureID},
		ReservedChange([]string{TagHasSecureID}, []string{"x", TagEscalatedToSecure}))
}

func TestStubSubject(t *testing.T) {
	require.Equal(t, "Escalated to Payroll", StubSubject("Payroll (secure)"))
	require.Equal(t, "Escalated to Secure (unassigned)", StubSubject("Secure (unassigned)"))
	require.Equal(t, "Escalated to the secure instance", StubSubject(""))
}
