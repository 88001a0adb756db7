package store

import (
	"fmt"
	"strings"
)

// maxRowsPerWrite bounds the rows of one multi-row INSERT on the request path
// (tags, full-text parts), so each backend sees at most this many statement
// texts per kind and caches each once.
const maxRowsPerWrite = 8

// valuesSQL repeats tuple n times after head: tuple holds each row's
// placeholders as indexed verbs ("($%[1]d, $%[2]d)"), numbered on from cols
// per row, so valuesSQL("INSERT ... VALUES ", "($%[1]d, $%[2]d)", 2, 2) is
// "INSERT ... VALUES ($1, $2),($3, $4)".
func valuesSQL(head, tuple string, cols, n int) string {
	var b strings.Builder
	b.WriteString(head)
	idx := make([]any, cols)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		for c := range idx {
			idx[c] = cols*i + c + 1
		}
		fmt.Fprintf(&b, tuple, idx...)
	}
	return b.String()
}
