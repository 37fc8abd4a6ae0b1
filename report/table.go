package report

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// Table is a grid of text cells printed as aligned columns or as Markdown.
type Table struct {
	Header []string
	Rows   [][]string
	// Right lists the columns (by index) aligned to the right, for numbers.
	Right map[int]bool
}

// NewTable starts a table with the given column names.
func NewTable(header ...string) *Table {
	return &Table{Header: header, Right: map[int]bool{}}
}

// AlignRight marks columns to be right-aligned in text output.
func (t *Table) AlignRight(cols ...int) *Table {
	for _, c := range cols {
		t.Right[c] = true
	}
	return t
}

// Add appends a row; values are formatted with fmt.Sprint.
func (t *Table) Add(cells ...any) {
	row := make([]string, len(cells))
	for i, c := range cells {
		row[i] = fmt.Sprint(c)
	}
	t.Rows = append(t.Rows, row)
}

func (t *Table) widths() []int {
	n := len(t.Header)
	for _, r := range t.Rows {
		n = max(n, len(r))
	}
	w := make([]int, n)
	measure := func(r []string) {
		for i, c := range r {
			w[i] = max(w[i], utf8.RuneCountInString(c))
		}
	}
	measure(t.Header)
	for _, r := range t.Rows {
		measure(r)
	}
	return w
}

// WriteText prints the table with columns separated by two spaces. Trailing
// spaces are trimmed so the output diffs cleanly.
func (t *Table) WriteText(w io.Writer) error {
	widths := t.widths()
	var b strings.Builder
	line := func(r []string) {
		var l strings.Builder
		for i, c := range r {
			if i > 0 {
				l.WriteString("  ")
			}
			pad := strings.Repeat(" ", widths[i]-utf8.RuneCountInString(c))
			if t.Right[i] {
				l.WriteString(pad + c)
			} else {
				l.WriteString(c + pad)
			}
		}
		b.WriteString(strings.TrimRight(l.String(), " "))
		b.WriteByte('\n')
	}
	if len(t.Header) > 0 {
		line(t.Header)
	}
	for _, r := range t.Rows {
		line(r)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteMarkdown prints the table as a GitHub-flavoured Markdown table.
func (t *Table) WriteMarkdown(w io.Writer) error {
	var b strings.Builder
	esc := func(s string) string { return strings.ReplaceAll(strings.ReplaceAll(s, "|", `\|`), "\n", " ") }
	row := func(r []string) {
		b.WriteString("|")
		for _, c := range r {
			b.WriteString(" " + esc(c) + " |")
		}
		b.WriteString("\n")
	}
	row(t.Header)
	b.WriteString("|")
	for i := range t.Header {
		if t.Right[i] {
			b.WriteString("---:|")
		} else {
			b.WriteString("---|")
		}
	}
	b.WriteString("\n")
	for _, r := range t.Rows {
		row(r)
	}
	_, err := io.WriteString(w, b.String())
	return err
}
