package search

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/twindesk/twindesk/internal/model"
)

// parser turns terms into a Query.
type parser struct {
	s scanner
	q *Query
}

// add records one term in the query.
func (p *parser) add(t term) error {
	if t.key == "" {
		return p.addText(t)
	}
	spec, ok := lookup(t.key)
	if !ok {
		return p.addText(t.asText())
	}
	if t.value == "" {
		return &ParseError{Pos: t.valPos, Msg: fmt.Sprintf("empty value after %q", t.key+string(t.op))}
	}
	if t.op != OpEq && !spec.orderable {
		return &ParseError{Pos: t.opPos, Msg: fmt.Sprintf(
			"operator %q cannot be used with %s (only status, priority, created, updated, solved and id are ordered)",
			t.op, t.key)}
	}
	switch spec.kind {
	case kindType:
		return p.setType(t)
	case kindOrderBy:
		return p.setOrderBy(t)
	case kindSort:
		return p.setSort(t)
	}
	return p.addCond(spec, t)
}

// addCond appends a keyword condition after checking its value.
func (p *parser) addCond(spec fieldSpec, t term) error {
	v, msg := spec.normalize(t.op, t.value)
	if msg != "" {
		return &ParseError{Pos: t.valPos, Msg: msg}
	}
	p.q.Conds = append(p.q.Conds, Cond{Field: spec.name, Op: t.op, Value: v, Negate: t.neg})
	return nil
}

// addText records a free-text word or phrase, or a bare ticket id.
func (p *parser) addText(t term) error {
	text := strings.ToLower(t.text)
	if t.phrase {
		text = strings.Join(strings.Fields(text), " ")
		if text == "" {
			return nil // "" and "   " match everything; drop them
		}
	} else if strings.Trim(text, "*") == "" {
		return &ParseError{Pos: t.textPos, Msg: "wildcard '*' needs at least one character before it"}
	}
	if !t.neg && !t.phrase && allDigits(text) {
		if id, err := strconv.ParseInt(text, 10, 64); err == nil && id > 0 {
			p.q.IDs = append(p.q.IDs, id)
			return nil
		}
	}
	if t.neg {
		p.q.NotWords = append(p.q.NotWords, text)
	} else {
		p.q.Words = append(p.q.Words, text)
	}
	return nil
}

// setType handles type:ticket, type:user, and type:<ticket type>, the last of
// which is a ticket_type condition.
func (p *parser) setType(t term) error {
	v := strings.ToLower(t.value)
	if slices.Contains(model.TicketTypes, v) {
		p.q.Conds = append(p.q.Conds, Cond{Field: "ticket_type", Op: OpEq, Value: v, Negate: t.neg})
		return nil
	}
	if v != "ticket" && v != "user" && v != "organization" {
		return &ParseError{Pos: t.valPos, Msg: fmt.Sprintf(
			"unsupported type %q (want ticket, user, organization, or a ticket type: %s)",
			t.value, strings.Join(model.TicketTypes, ", "))}
	}
	if t.neg {
		return &ParseError{Pos: t.pos, Msg: fmt.Sprintf("type:%s cannot be negated", v)}
	}
	if p.q.Type != "" && p.q.Type != v {
		return &ParseError{Pos: t.valPos, Msg: fmt.Sprintf("type:%s conflicts with type:%s earlier in the query", v, p.q.Type)}
	}
	p.q.Type = v
	return nil
}

// setOrderBy handles order_by:<field>; a later order_by replaces an earlier one.
func (p *parser) setOrderBy(t term) error {
	if t.neg {
		return &ParseError{Pos: t.pos, Msg: "order_by cannot be negated"}
	}
	v, ok := orderByValues[strings.ToLower(t.value)]
	if !ok {
		return &ParseError{Pos: t.valPos, Msg: fmt.Sprintf(
			"cannot order by %q (want created, updated, priority, status or ticket_type)", t.value)}
	}
	p.q.OrderBy = v
	return nil
}

// setSort handles sort:asc and sort:desc; a later sort replaces an earlier one.
func (p *parser) setSort(t term) error {
	if t.neg {
		return &ParseError{Pos: t.pos, Msg: "sort cannot be negated"}
	}
	v := strings.ToLower(t.value)
	if v != "asc" && v != "desc" {
		return &ParseError{Pos: t.valPos, Msg: fmt.Sprintf("invalid sort %q (want asc or desc)", t.value)}
	}
	p.q.SortOrder = v
	return nil
}
