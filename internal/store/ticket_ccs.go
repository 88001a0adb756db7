package store

import (
	"fmt"
	"strconv"
	"strings"
)

// encodeIDs writes a ticket's CC or follower ids as the column keeps them:
// space-separated, like tags (migration 028).
func encodeIDs(ids []int64) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = strconv.FormatInt(id, 10)
	}
	return strings.Join(parts, " ")
}

func decodeIDs(s string) ([]int64, error) {
	fields := strings.Fields(s)
	if len(fields) == 0 {
		return nil, nil
	}
	out := make([]int64, len(fields))
	for i, f := range fields {
		id, err := strconv.ParseInt(f, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("store: ticket user ids %q: %w", s, err)
		}
		out[i] = id
	}
	return out, nil
}
