package seed

import (
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/store"
)

// generator makes tickets. It is not safe for concurrent use.
type generator struct {
	cfg *Config
	ref *reference
	rng *rand.Rand
	txt text
}

func newGenerator(cfg *Config, ref *reference) *generator {
	rng := rand.New(rand.NewPCG(cfg.Seed, 0x71c4e7))
	return &generator{cfg: cfg, ref: ref, rng: rng, txt: text{rng: rng}}
}

// batch returns tickets first .. first+n-1 of the run; a ticket's position sets
// its creation date, so ids grow with time as in a real helpdesk.
func (g *generator) batch(first, n int) []store.BulkTicket {
	out := make([]store.BulkTicket, n)
	for i := range out {
		out[i] = g.ticket(first + i)
	}
	return out
}

// weighted picks from values with the given weights (which sum to 100).
func weighted[T any](rng *rand.Rand, values []T, weights []int) T {
	r := rng.IntN(100)
	for i, w := range weights {
		if r < w {
			return values[i]
		}
		r -= w
	}
	return values[len(values)-1]
}

var (
	priorities      = []string{"", "low", "normal", "high", "urgent"}
	priorityWeights = []int{25, 20, 38, 13, 4}
	types           = []string{"", "question", "incident", "problem", "task"}
	typeWeights     = []int{20, 35, 30, 8, 7}
	vias            = []string{"web", "email", "api", "voice"}
	viaWeights      = []int{45, 35, 10, 10}
	recentStatuses  = []model.Status{model.StatusNew, model.StatusOpen, model.StatusPending, model.StatusHold, model.StatusSolved}
	recentWeights   = []int{15, 40, 20, 5, 20}
	oldStatuses     = []model.Status{model.StatusClosed, model.StatusSolved, model.StatusOpen, model.StatusPending}
	oldWeights      = []int{82, 12, 4, 2}
)

// ticket generates ticket number i with its history.
func (g *generator) ticket(i int) store.BulkTicket {
	cfg, rng := g.cfg, g.rng
	created := g.createdAt(i)
	t := model.Ticket{Priority: weighted(rng, priorities, priorityWeights), Type: weighted(rng, types, typeWeights),
		Via: weighted(rng, vias, viaWeights), CreatedAt: created}
	t.Status = g.status(cfg.Now.Sub(created))
	gi := rng.IntN(len(g.ref.groups))
	t.GroupID = g.ref.groups[gi]
	solved := t.Status == model.StatusSolved || t.Status == model.StatusClosed // Zendesk requires an assignee
	if t.Status != model.StatusNew && len(g.ref.members[gi]) > 0 && (solved || rng.IntN(100) < 90) {
		t.AssigneeID = pick(rng, g.ref.members[gi])
	}
	u := rng.Float64() // a few requesters write many tickets
	t.RequesterID = g.ref.requesters[int(u*u*float64(len(g.ref.requesters)))]
	t.SubmitterID = t.RequesterID
	g.txt.product, g.txt.problem = pick(rng, products), pick(rng, problems)
	t.Subject = g.txt.subject()
	g.tagsAndFields(&t)
	bt := store.BulkTicket{Ticket: t}
	g.history(&bt)
	return bt
}

// createdAt spreads the run's tickets evenly over the span, with jitter.
func (g *generator) createdAt(i int) time.Time {
	cfg := g.cfg
	frac := float64(i) / float64(max(cfg.Tickets, 1))
	at := cfg.Now.Add(-cfg.Span + time.Duration(frac*float64(cfg.Span)) + time.Duration(g.rng.IntN(3600))*time.Second)
	if latest := cfg.Now.Add(-time.Minute); at.After(latest) {
		at = latest
	}
	return at.Truncate(time.Microsecond)
}

// status is mostly closed for old tickets and mostly open work for recent ones.
func (g *generator) status(age time.Duration) model.Status {
	if age > 30*24*time.Hour {
		return weighted(g.rng, oldStatuses, oldWeights)
	}
	return weighted(g.rng, recentStatuses, recentWeights)
}

// tagsAndFields adds a few tags and custom field values, keeping dropdown and
// checkbox tags in step with the fields as the desk does.
func (g *generator) tagsAndFields(t *model.Ticket) {
	rng, ref := g.rng, g.ref
	for range rng.IntN(3) {
		if tag := pick(rng, extraTags); !t.HasTag(tag) {
			t.Tags = append(t.Tags, tag)
		}
	}
	if rng.IntN(100) < 75 && len(ref.product.Options) > 0 {
		model.ApplyFieldValue(t, &ref.product, productTag(&ref.product, g.txt.product))
	}
	if rng.IntN(100) < 60 && len(ref.region.Options) > 0 {
		model.ApplyFieldValue(t, &ref.region, pick(rng, ref.region.Options).Value)
	}
	if rng.IntN(100) < 5 {
		model.ApplyFieldValue(t, &ref.vip, "true")
	}
	if rng.IntN(100) < 25 {
		model.ApplyFieldValue(t, &ref.order, orderNumber(rng))
	}
}

// productTag returns the option of the product dropdown named like product.
func productTag(f *model.TicketField, product string) string {
	for _, o := range f.Options {
		if equalFoldASCII(o.Name, product) {
			return o.Value
		}
	}
	return f.Options[0].Value
}

func equalFoldASCII(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i]|0x20, b[i]|0x20
		if x != y {
			return false
		}
	}
	return true
}

// history writes the ticket's conversation: the requester's first message, then
// agent replies, internal notes and follow-ups, and a closing status change.
func (g *generator) history(bt *store.BulkTicket) {
	rng, t := g.rng, &bt.Ticket
	first := g.txt.body(sentences, 2, 4, true)
	t.Description = first
	final := t.Status
	initial := *t
	initial.Status, initial.AssigneeID = model.StatusNew, 0
	created := t.CreatedAt
	bt.Entries = append(bt.Entries, g.entry(t.RequesterID, first, true, t.Via, created, createEvents(&initial)))
	extra := 0
	for extra < 8 && rng.IntN(100) < 60 {
		extra++
	}
	at, step, cur := created, g.stepSize(created), model.StatusNew
	next := func() time.Time {
		return at.Add(time.Duration(1 + rng.Int64N(int64(step)))).Truncate(time.Microsecond)
	}
	for k := range extra {
		at = next()
		var events []model.AuditEvent
		if k == 0 && final != model.StatusNew {
			events = append(events, change("status", string(model.StatusOpen), string(cur)))
			if t.AssigneeID != 0 {
				events = append(events, change("assignee_id", strconv.FormatInt(t.AssigneeID, 10), ""))
			}
			cur = model.StatusOpen
		}
		bt.Entries = append(bt.Entries, g.reply(t, k, at, events))
	}
	if final != cur {
		at = next()
		author := t.AssigneeID
		if author == 0 {
			author = pick(rng, g.ref.agents)
		}
		bt.Entries = append(bt.Entries, store.BulkEntry{Audit: model.Audit{AuthorID: author, Via: "web",
			CreatedAt: at, Events: []model.AuditEvent{change("status", string(final), string(cur))}}})
	}
	t.UpdatedAt = at
}

// stepSize is the longest gap between two events of a ticket, so its history
// ends before now.
func (g *generator) stepSize(created time.Time) time.Duration {
	left := g.cfg.Now.Sub(created) / 10
	return max(time.Minute, min(left, 36*time.Hour))
}

// reply is the k-th message after the first: agents and the requester take turns.
func (g *generator) reply(t *model.Ticket, k int, at time.Time, events []model.AuditEvent) store.BulkEntry {
	rng := g.rng
	if k%2 == 1 {
		return g.entry(t.RequesterID, pick(rng, followUps)+" "+g.txt.body(sentences, 0, 1, false), true, t.Via, at, events)
	}
	agent := t.AssigneeID
	if agent == 0 {
		agent = pick(rng, g.ref.agents)
	}
	if rng.IntN(100) < 25 {
		return g.entry(agent, g.txt.body(notes, 1, 2, false), false, "web", at, events)
	}
	return g.entry(agent, g.txt.body(replies, 1, 3, true), true, "web", at, events)
}

// entry is an audit carrying a comment (and any field changes made with it).
func (g *generator) entry(author int64, body string, public bool, via string, at time.Time, events []model.AuditEvent) store.BulkEntry {
	pub := public
	events = append(events, model.AuditEvent{Type: "Comment", Body: body, Public: &pub, AuthorID: author})
	return store.BulkEntry{
		Audit:   model.Audit{AuthorID: author, Via: via, CreatedAt: at, Events: events},
		Comment: &model.Comment{AuthorID: author, Body: body, Public: public, Via: via, CreatedAt: at},
	}
}

func change(field, value, prev string) model.AuditEvent {
	return model.AuditEvent{Type: "Change", FieldName: field, Value: value, PreviousValue: prev}
}

// createEvents lists the set fields of a new ticket as the desk's Create events do.
func createEvents(t *model.Ticket) []model.AuditEvent {
	ev := []model.AuditEvent{
		{Type: "Create", FieldName: "subject", Value: t.Subject},
		{Type: "Create", FieldName: "status", Value: string(t.Status)},
		{Type: "Create", FieldName: "requester_id", Value: strconv.FormatInt(t.RequesterID, 10)},
		{Type: "Create", FieldName: "group_id", Value: strconv.FormatInt(t.GroupID, 10)},
	}
	if t.Priority != "" {
		ev = append(ev, model.AuditEvent{Type: "Create", FieldName: "priority", Value: t.Priority})
	}
	if t.Type != "" {
		ev = append(ev, model.AuditEvent{Type: "Create", FieldName: "type", Value: t.Type})
	}
	if len(t.Tags) > 0 {
		ev = append(ev, model.AuditEvent{Type: "Create", FieldName: "tags", Value: t.Tags})
	}
	for _, f := range t.CustomFields {
		ev = append(ev, model.AuditEvent{Type: "Create", FieldName: strconv.FormatInt(f.ID, 10), Value: f.Value})
	}
	return ev
}
