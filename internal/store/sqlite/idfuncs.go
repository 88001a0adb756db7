package sqlite

import (
	"database/sql/driver"
	"fmt"

	"modernc.org/sqlite"

	"github.com/twindesk/twindesk/internal/idset"
)

// td_idset(id) is an aggregate SQL function: the ids of the rows as one set
// (package idset, encoded by Set.Bytes). A word matching 100,000 ticket parts
// becomes one bitmap of about 125 KB in one pass over the index; SQLite's
// IN (SELECT ...) would first copy those ids into a temporary b-tree, per
// word, and then probe it.
//
// The driver registers functions for every connection it opens, so this is done
// once, when the package is loaded, like the driver's own registration. The
// function holds no state.
func init() {
	sqlite.MustRegisterFunction("td_idset", &sqlite.FunctionImpl{
		NArgs:         1,
		Deterministic: true,
		MakeAggregate: func(sqlite.FunctionContext) (sqlite.AggregateFunction, error) {
			return &idsetAgg{}, nil
		},
	})
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
