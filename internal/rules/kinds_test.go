package rules

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/model"
)

func TestStatusRankMatchesModel(t *testing.T) {
	t.Parallel()
	for _, s := range []model.Status{"new", "open", "pending", "hold", "solved", "closed", "", "bogus"} {
		require.Equal(t, s.Rank(), statusRank(s), "status %q", s)
	}
}

func TestWordScanners(t *testing.T) {
	t.Parallel()
	cases := []struct {
		text, phrase string
		want         bool
	}{
		{"Please REFUND me", "refund", true},
		{"refunded already", "refund", false},
		{"re-open this", "re open", true},
		{"re-open this", "open this", true},
		{"open it, re", "re open", false},
		{"Ünïcode wörds here", "WÖRDS", true},
		{"short", "short text", false},
		{"anything", "!!", false},
		{"", "x", false},
	}
	for _, tc := range cases {
		require.Equal(t, tc.want, hasPhrase(splitWords(tc.text), tc.phrase), "%q in %q", tc.phrase, tc.text)
	}
	var items []string
	for f, rest := nextField("  a\tb\n c  "); f != ""; f, rest = nextField(rest) {
		items = append(items, f)
	}
	require.Equal(t, []string{"a", "b", "c"}, items)
}
