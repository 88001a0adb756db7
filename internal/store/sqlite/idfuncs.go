package sqlite

import (
	"database/sql/driver"
	"fmt"

	"modernc.org/sqlite"

	"github.com/twindesk/twindesk/internal/idset"
)

// SQL functions over id sets (package idset) that let a search combine the
// matches of its words in Go instead of in SQL:
//
//	td_idset(id)        aggregate: the ids of the rows as one set (a BLOB)
//	td_has(set, id)     1 when id is in the set, else 0
//
// A word matching 100,000 ticket parts becomes one bitmap of about 125 KB in one
// pass over the index; SQLite's IN (SELECT ...) would first copy those ids into a
// temporary b-tree, per word, and then probe it.
//
// The driver registers functions for every connection it opens, so this is done
// once, when the package is loaded, like the driver's own registration. The
// functions hold no state.
func init() {
	sqlite.MustRegisterFunction("td_idset", &sqlite.FunctionImpl{
		NArgs:         1,
		Deterministic: true,
		MakeAggregate: func(sqlite.FunctionContext) (sqlite.AggregateFunction, error) {
			return &idsetAgg{}, nil
		},
	})
	sqlite.MustRegisterFunction("td_has", &sqlite.FunctionImpl{
		NArgs:         2,
		Deterministic: true,
		// The set is read in place, not copied for each row it is probed for.
		VolatileArgs: true,
		Scalar:       tdHas,
	})
}

func tdHas(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
	set, ok := args[0].([]byte)
	if !ok && args[0] != nil {
		return nil, fmt.Errorf("td_has: the set must be a blob, not %T", args[0])
	}
	id, _ := args[1].(int64)
	if idset.HasEncoded(set, id) {
		return int64(1), nil
	}
	return int64(0), nil
}

// idsetAgg is one evaluation of td_idset.
type idsetAgg struct{ set idset.Set }

func (a *idsetAgg) Step(_ *sqlite.FunctionContext, args []driver.Value) error {
	if id, ok := args[0].(int64); ok {
		a.set.Add(id)
	}
	return nil
}

func (a *idsetAgg) WindowInverse(*sqlite.FunctionContext, []driver.Value) error {
	return fmt.Errorf("td_idset can't be used as a window function")
}

func (a *idsetAgg) WindowValue(*sqlite.FunctionContext) (driver.Value, error) {
	return a.set.Bytes(), nil
}

func (a *idsetAgg) Final(*sqlite.FunctionContext) {}
