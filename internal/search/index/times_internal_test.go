package index

import (
	"errors"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/idset"
)

// loadingCache returns a term cache whose loads are recorded instead of run,
// with one load started.
func loadingCache(t *testing.T) (*Cache, *[]uint64) {
	c := NewCache(nil)
	var started []uint64
	c.loadTimes = func(epoch uint64) { started = append(started, epoch) }
	require.Nil(t, c.wantTimes(), "times before any load")
	require.Len(t, started, 1)
	return c, &started
}

// snapshot builds columns as a load would read them.
func snapshot(changes ...Change) *timeCols {
	cols := &timeCols{}
	for _, ch := range changes {
		cols = cols.with(ch)
	}
	return cols
}

// at is s seconds into a fixed day.
func at(s int) time.Time { return time.Date(2026, 3, 1, 12, 0, s, 0, time.UTC) }

func TestTimesLoadReplaysChangesCommittedMeanwhile(t *testing.T) {
	c, started := loadingCache(t)
	// Committed while the load ran: ticket 5 updated, 3 deleted, 5000 created.
	c.Apply([]Change{TimesChange(5, at(1), at(50)), {Kind: RemoveTicket, Ticket: 3}, TimesChange(5000, at(60), at(60))})
	require.Nil(t, c.wantTimes(), "times before the load finished")
	require.Len(t, *started, 1, "a second load while one runs")
	// The load's snapshot predates those commits.
	c.timesLoaded((*started)[0], snapshot(TimesChange(3, at(1), at(2)), TimesChange(5, at(1), at(3))), nil, nil)
	cols := c.wantTimes()
	require.NotNil(t, cols)
	require.EqualValues(t, ts(at(50)), cols.time(5, false))
	require.Zero(t, cols.time(3, false), "deleted ticket")
	require.EqualValues(t, ts(at(60)), cols.time(5000, true), "ticket past the snapshot's end")
	// Later commits go straight into the columns.
	c.Apply([]Change{TimesChange(6000, at(70), at(71))})
	require.EqualValues(t, ts(at(71)), c.wantTimes().time(6000, false))
	// An id past the last chunk adds chunks; the earlier ones stay as they are.
	c.Apply([]Change{TimesChange(3*timesChunkIDs+5, at(80), at(81))})
	cols = c.wantTimes()
	require.EqualValues(t, ts(at(81)), cols.time(3*timesChunkIDs+5, false))
	require.EqualValues(t, ts(at(60)), cols.time(5000, true))
	require.Zero(t, cols.time(2*timesChunkIDs, true), "an id no ticket has")
	require.EqualValues(t, 4*timesChunkIDs, cols.size())
}

func TestTimesLoadOvertakenByResetIsDropped(t *testing.T) {
	c, started := loadingCache(t)
	c.Apply([]Change{{Kind: ResetAll}})
	c.timesLoaded((*started)[0], snapshot(TimesChange(1, at(1), at(1))), nil, nil)
	require.Nil(t, c.wantTimes(), "a load older than the reset was installed")
	require.Len(t, *started, 2, "no new load after the reset")
	c.timesLoaded((*started)[1], snapshot(TimesChange(1, at(1), at(2))), nil, nil)
	require.NotNil(t, c.wantTimes())
}

func TestTimesLoadFailureWaitsBeforeRetrying(t *testing.T) {
	c, started := loadingCache(t)
	c.timesLoaded((*started)[0], nil, nil, errors.New("disk on fire"))
	require.Nil(t, c.wantTimes())
	require.Len(t, *started, 1, "retried at once after a failure")
	c.times.failedAt = time.Now().Add(-timesRetry)
	require.Nil(t, c.wantTimes())
	require.Len(t, *started, 2, "not retried after timesRetry")
}

// TestTimePageMatchesSort checks pages picked through the heap and the block
// bounds against a full sort of the same matches, in every order: with times
// at random, and with times that grow with ids as in a real helpdesk (where
// newest-first pages skip most blocks), with ties, updates and deletes made
// after the load.
func TestTimePageMatchesSort(t *testing.T) {
	for name, seconds := range map[string]func(rng *rand.Rand, id int64) int{
		"random":            func(rng *rand.Rand, _ int64) int { return rng.IntN(100) },
		"growing":           func(rng *rand.Rand, id int64) int { return int(id/8) + rng.IntN(3) },
		"growing, all ties": func(_ *rand.Rand, id int64) int { return int(id / 200) },
	} {
		t.Run(name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(3, 4))
			c, started := loadingCache(t)
			times := map[int64]Change{}
			var loaded []Change
			var set idset.Set
			for id := int64(1); id < 3000; id++ {
				ch := TimesChange(id, at(seconds(rng, id)), at(seconds(rng, id)))
				times[id], loaded = ch, append(loaded, ch)
				if rng.IntN(3) == 0 {
					set.Add(id)
				}
			}
			c.timesLoaded((*started)[0], snapshot(loaded...), nil, nil)
			// After the load: old tickets updated to the newest time, and
			// deleted ones, whose blocks keep their bounds.
			for _, id := range []int64{5, 70, 71, 640, 1500} {
				ch := TimesChange(id, at(seconds(rng, id)), at(seconds(rng, 3000)))
				times[id] = ch
				c.Apply([]Change{ch})
				set.Add(id)
			}
			for _, id := range []int64{2990, 2991, 1200} {
				c.Apply([]Change{{Kind: RemoveTicket, Ticket: id}})
				set.Remove(id)
			}
			for _, o := range []pageOrder{{}, {asc: true}, {byCreated: true}, {byCreated: true, asc: true}} {
				key := func(id int64) timeKey {
					if o.byCreated {
						return timeKey{times[id].Created, id}
					}
					return timeKey{times[id].Updated, id}
				}
				all := set.IDs()
				slices.SortFunc(all, func(a, b int64) int {
					if o.before(key(a), key(b)) {
						return -1
					}
					return 1
				})
				for _, pg := range []struct{ offset, limit int }{{0, 25}, {0, 1}, {7, 13}, {990, 10}, {len(all) - 3, 25}, {len(all) + 5, 25}} {
					got, ok := c.timePage(set, o, pg.offset, pg.limit)
					require.True(t, ok)
					want := all[min(pg.offset, len(all)):min(pg.offset+pg.limit, len(all))]
					require.Equal(t, want, got, "order %+v, page %+v", o, pg)
				}
			}
			// A member the times don't know sends the page to SQL.
			set.Add(4000)
			_, ok := c.timePage(set, pageOrder{}, 0, 25)
			require.False(t, ok)
		})
	}
}
