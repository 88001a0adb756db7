package httpx

import (
	"encoding/csv"
	"io"
)

// CSVWriter writes CSV downloads with every cell defused: a spreadsheet runs a
// cell starting with = + - @ (or a tab or carriage return before one) as a
// formula, and cells hold user-entered text such as category names and emails.
// The API and the web UI both write through it, so neither can forget.
type CSVWriter struct {
	w *csv.Writer
}

// NewCSVWriter returns a CSVWriter on w.
func NewCSVWriter(w io.Writer) *CSVWriter { return &CSVWriter{w: csv.NewWriter(w)} }

// Write writes one record, each cell passed through DefuseCell.
func (c *CSVWriter) Write(record []string) error {
	out := make([]string, len(record))
	for i, cell := range record {
		out[i] = DefuseCell(cell)
	}
	return c.w.Write(out)
}

// Flush writes buffered records and returns the first error of any write.
func (c *CSVWriter) Flush() error {
	c.w.Flush()
	return c.w.Error()
}

// DefuseCell prefixes a cell a spreadsheet would read as a formula with a single
// quote, which spreadsheets show as text (OWASP's CSV injection advice).
func DefuseCell(cell string) string {
	if cell == "" {
		return cell
	}
	switch cell[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + cell
	}
	return cell
}
