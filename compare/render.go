package compare

import (
	"fmt"
	"io"

	"github.com/harden-dev/harden/report"
)

// table lays the comparison out with a value column per image and, from
// the second image on, a delta column.
func (c *Comparison) table() *report.Table {
	header := []string{"PROPERTY"}
	for i, im := range c.Images {
		header = append(header, im.Name)
		if i > 0 {
			header = append(header, "Δ")
		}
	}
	t := report.NewTable(header...)
	for _, r := range c.Rows {
		cells := []any{r.Property}
		for i, v := range r.Values {
			cells = append(cells, v)
			if i > 0 {
				cells = append(cells, r.Deltas[i])
			}
		}
		t.Add(cells...)
	}
	return t
}

// WriteText prints the comparison as an aligned table.
func (c *Comparison) WriteText(w io.Writer) error {
	for i, im := range c.Images {
		fmt.Fprintf(w, "[%d] %s  %s  (grade %s, score %d)\n", i+1, im.Name, im.Ref, im.Grade, im.Score)
	}
	fmt.Fprintln(w)
	return c.table().WriteText(w)
}

// WriteMarkdown prints the comparison as a Markdown table that fits a
// pull-request comment.
func (c *Comparison) WriteMarkdown(w io.Writer) error {
	fmt.Fprintf(w, "### harden compare\n\n")
	for i, im := range c.Images {
		fmt.Fprintf(w, "%d. **%s** `%s` — grade **%s** (score %d)\n", i+1, im.Name, im.Ref, im.Grade, im.Score)
	}
	fmt.Fprintln(w)
	if err := c.table().WriteMarkdown(w); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "\nΔ is the change against %s.\n", c.Images[0].Name)
	return err
}

// WriteJSON prints the stable JSON form.
func (c *Comparison) WriteJSON(w io.Writer) error { return report.WriteJSON(w, c) }
