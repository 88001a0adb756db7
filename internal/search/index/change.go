package index

import (
	"strconv"
	"time"

	"github.com/twindesk/twindesk/internal/model"
)

// ChangeKind is what an index or field change does to the cached sets.
type ChangeKind int

const (
	ChangeNone ChangeKind = iota
	// AddDoc adds the ticket to the sets of the words of doc.
	AddDoc
	// RemoveTicket takes the ticket out of every set: it has no parts left.
	RemoveTicket
	// ReplacePart drops the sets that hold the ticket: one of its parts was
	// deleted and may have held their word alone.
	ReplacePart
	// ResetAll empties the cache.
	ResetAll
	// AddKey and RemoveKey put the ticket in or out of the set under key doc:
	// a tag's (TagKey) or a field value's (FacetKey).
	AddKey
	RemoveKey
	// SetTimes records a live ticket's created and updated times
	// (ticketTimes); it touches no set and is not logged.
	SetTimes
)

// Change is one index or field change as the cache sees it.
type Change struct {
	Kind   ChangeKind
	Ticket int64
	// Doc is AddDoc's normalised document (PartDoc), or AddKey's and
	// RemoveKey's key (TagKey, FacetKey).
	Doc string
	// Created and Updated are SetTimes's times, as stored (microseconds).
	Created, Updated int64
	// gen is the cache's number of the commit that made the change.
	gen uint64
}

// TagKey is the cache key of a tag's set; no word has a colon.
func TagKey(tag string) string { return "tags:" + tag }

// FacetKey is the cache key of the set of live tickets whose column col (one
// of FacetCols) holds value, "" for NULL; no word or tag key has an equals sign.
func FacetKey(col, value string) string { return col + "=" + value }

// FacetCols are the ticket columns whose values have cached sets.
var FacetCols = [...]string{"status", "priority", "type", "assignee_id", "group_id"}

// FacetValues returns a ticket's values of FacetCols, in that order.
func FacetValues(t *model.Ticket) [len(FacetCols)]string {
	return [...]string{string(t.Status), string(t.Priority), string(t.Type), IDValue(t.AssigneeID), IDValue(t.GroupID)}
}

// IDValue is an id column's facet value: the id in decimal, "" for none.
func IDValue(id int64) string {
	if id == 0 {
		return ""
	}
	return strconv.FormatInt(id, 10)
}

// TimesChange is the change that records t's times for ticket id.
func TimesChange(id int64, created, updated time.Time) Change {
	return Change{Kind: SetTimes, Ticket: id, Created: created.UnixMicro(), Updated: updated.UnixMicro()}
}
