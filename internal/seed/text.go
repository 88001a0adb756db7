package seed

import (
	"math/rand/v2"
	"strconv"
	"strings"
)

// text fills templates for one ticket: {product} and {problem} stay the same
// throughout the ticket, so its comments talk about one thing.
type text struct {
	rng     *rand.Rand
	product string
	problem string
	b       strings.Builder
}

// fill writes tmpl to t.b with its blanks filled.
func (t *text) fill(tmpl string) {
	for {
		i := strings.IndexByte(tmpl, '{')
		if i < 0 {
			t.b.WriteString(tmpl)
			return
		}
		j := strings.IndexByte(tmpl[i:], '}')
		if j < 0 {
			t.b.WriteString(tmpl)
			return
		}
		t.b.WriteString(tmpl[:i])
		t.blank(tmpl[i+1 : i+j])
		tmpl = tmpl[i+j+1:]
	}
}

// blank writes the value of one {name}.
func (t *text) blank(name string) {
	switch name {
	case "product":
		t.b.WriteString(t.product)
	case "Product":
		t.b.WriteString(strings.ToUpper(t.product[:1]) + t.product[1:])
	case "problem":
		t.b.WriteString(t.problem)
	case "num":
		t.b.WriteString(strconv.Itoa(2 + t.rng.IntN(9998)))
	case "city":
		t.b.WriteString(pick(t.rng, cities))
	case "day":
		t.b.WriteString(pick(t.rng, weekdays))
	case "order":
		t.b.WriteString(orderNumber(t.rng))
	default:
		t.b.WriteString("{" + name + "}")
	}
}

// subject returns a subject line.
func (t *text) subject() string {
	t.b.Reset()
	t.fill(pick(t.rng, subjectForms))
	return t.b.String()
}

// body returns a comment: an opener and a few sentences from pool, blank-filled.
func (t *text) body(pool []string, minSentences, maxSentences int, opener bool) string {
	t.b.Reset()
	if opener {
		t.b.WriteString(pick(t.rng, openers))
		t.b.WriteString("\n\n")
	}
	n := minSentences + t.rng.IntN(maxSentences-minSentences+1)
	for i := range n {
		if i > 0 {
			t.b.WriteByte(' ')
		}
		t.fill(pick(t.rng, pool))
	}
	return t.b.String()
}

func orderNumber(rng *rand.Rand) string {
	return "ORD-" + strconv.Itoa(100000+rng.IntN(900000))
}
