package compare

import (
	"fmt"
	"sort"
	"strings"

	"github.com/harden-dev/harden/minify"
	"github.com/harden-dev/harden/report"
)

// KeptSection summarises what minify kept and why, for the report: one row
// per rule with the paths it kept, their bytes and an example.
func KeptSection(items []*minify.Item) Section {
	type acc struct {
		paths   int
		bytes   int64
		example string
	}
	by := map[string]*acc{}
	for _, it := range items {
		rule, why := "generated", "written by harden"
		if len(it.Reasons) > 0 {
			rule, why = it.Reasons[0].Rule, it.Reasons[0].Why
		}
		a := by[rule]
		if a == nil {
			a = &acc{example: it.Path + " (" + why + ")"}
			by[rule] = a
		}
		a.paths++
		a.bytes += it.Size
	}
	rules := make([]string, 0, len(by))
	for r := range by {
		rules = append(rules, r)
	}
	sort.Slice(rules, func(i, j int) bool { return by[rules[i]].bytes > by[rules[j]].bytes })
	t := report.NewTable("Rule", "Paths", "Bytes", "Example")
	for _, r := range rules {
		a := by[r]
		t.Add(r, a.paths, report.Bytes(a.bytes), strings.TrimSpace(a.example))
	}
	return Section{Title: "What minify kept, and why", Note: fmt.Sprintf("%d paths, grouped by the first rule that kept each.", len(items)), Table: t}
}
