package lint

import (
	"cmp"
	"slices"

	"github.com/harden-dev/harden/dockerfile/rules"
)

// Fix applies the edits of the result's fixable findings to the source and
// returns the new content and how many findings it fixed. Edits that
// overlap an edit already taken are skipped (a second --fix run picks them
// up). Everything outside the edits, comments and layout included, is kept
// byte for byte.
func (r *Result) Fix() ([]byte, int) {
	var edits []rules.Edit
	fixed := 0
	taken := func(e rules.Edit) bool {
		for _, o := range edits {
			if e.Start < o.End && o.Start < e.End || e.Start == e.End && o.Start == o.End && e.Start == o.Start && e.Text == o.Text {
				return true
			}
		}
		return false
	}
	for _, f := range r.Findings {
		if !f.Fixable {
			continue
		}
		ok := true
		for _, e := range f.edits {
			if e.Start < 0 || e.End > len(r.source) || e.Start > e.End || taken(e) {
				ok = false
			}
		}
		if !ok {
			continue
		}
		edits = append(edits, f.edits...)
		fixed++
	}
	if len(edits) == 0 {
		return r.source, 0
	}
	slices.SortStableFunc(edits, func(a, b rules.Edit) int { return cmp.Compare(a.Start, b.Start) })
	out := make([]byte, 0, len(r.source)+64)
	pos := 0
	for _, e := range edits {
		out = append(out, r.source[pos:e.Start]...)
		out = append(out, e.Text...)
		pos = e.End
	}
	out = append(out, r.source[pos:]...)
	return out, fixed
}
