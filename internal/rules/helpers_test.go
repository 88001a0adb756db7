package rules_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/rules"
)

// Custom field ids of the test fixture.
const (
	fText     = 10
	fCheckbox = 11
	fDropdown = 12
	fInteger  = 13
)

// testEnv is the field set every test uses: one field of each kind that matters.
func testEnv() rules.Env {
	return rules.Env{Fields: map[int64]*model.TicketField{
		fText:     {ID: fText, Type: model.FieldText},
		fCheckbox: {ID: fCheckbox, Type: model.FieldCheckbox, Tag: "vip"},
		fDropdown: {ID: fDropdown, Type: model.FieldTagger, Options: []model.FieldOption{
			{ID: 1, Name: "A", Value: "cat_a"}, {ID: 2, Name: "B", Value: "cat_b"},
		}},
		fInteger: {ID: fInteger, Type: model.FieldInteger},
	}}
}

// baseTicket is an open ticket with every field set; tests change what they need.
func baseTicket() model.Ticket {
	return model.Ticket{
		ID: 1, Status: model.StatusOpen, Priority: "normal", Type: "question",
		RequesterID: 100, AssigneeID: 200, GroupID: 300, TicketFormID: 400,
		Tags: []string{"alpha", "beta", "cat_a"},
		CustomFields: []model.FieldValue{
			{ID: fText, Value: "hello"}, {ID: fDropdown, Value: "cat_a"}, {ID: fInteger, Value: "5"},
		},
	}
}

var agent = model.User{ID: 200, Role: model.RoleAgent}

// update builds an update of baseTicket by agent; edit changes the "after" side.
func update(edit func(*model.Ticket)) *model.Change {
	before := baseTicket()
	after := before.Clone()
	if edit != nil {
		edit(&after)
	}
	return &model.Change{Before: &before, After: &after, Actor: agent}
}

// create builds the creation of baseTicket (status new) by agent.
func create(edit func(*model.Ticket)) *model.Change {
	after := baseTicket()
	after.Status = model.StatusNew
	if edit != nil {
		edit(&after)
	}
	return &model.Change{After: &after, Actor: agent}
}

// withComment adds a comment to ch and returns it.
func withComment(ch *model.Change, body string, public bool) *model.Change {
	ch.Comment = &model.Comment{Body: body, Public: public}
	return ch
}

// withActor replaces ch's actor and returns ch.
func withActor(ch *model.Change, u model.User) *model.Change {
	ch.Actor = u
	return ch
}

func cond(field, op, value string) model.Condition {
	return model.Condition{Field: field, Operator: op, Value: value}
}

func action(field string, value ...string) model.Action {
	return model.Action{Field: field, Value: value}
}

// trig builds an active trigger; id doubles as its position unless set otherwise.
func trig(id int64, all []model.Condition, acts ...model.Action) model.Trigger {
	return model.Trigger{
		ID: id, Title: "t", Active: true, Position: id,
		Conditions: model.Conditions{All: all}, Actions: acts,
	}
}

// always is a condition that holds on every update.
var always = cond("update_type", "is", "Change")

// runOne runs a single trigger and reports whether it fired.
func runOne(t *testing.T, tr model.Trigger, ch *model.Change) bool {
	t.Helper()
	res := rules.Run([]model.Trigger{tr}, ch, testEnv())
	require.LessOrEqual(t, len(res.Fired), 1)
	return len(res.Fired) == 1
}

func setField(id int64, v string) func(*model.Ticket) {
	return func(t *model.Ticket) { t.SetField(id, v) }
}
