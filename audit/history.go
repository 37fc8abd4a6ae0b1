package audit

import (
	"context"
	"fmt"
	"strings"

	"github.com/harden-dev/harden/report"
)

// segments splits a history line into commands (on &&, ||, ; and |) and
// each command into words, the way Dockle reads history.
func segments(s string) [][]string {
	var out [][]string
	sep := func(r rune) bool { return r == ';' || r == '&' || r == '|' || r == '\n' }
	for _, part := range strings.FieldsFunc(s, sep) {
		var seg []string
		for _, w := range words(part) {
			seg = append(seg, strings.Trim(w.text, `"'`))
		}
		if len(seg) > 0 {
			out = append(out, seg)
		}
	}
	return out
}

// has reports whether the segment holds every one of the words.
func has(seg []string, ws ...string) bool {
	for _, w := range ws {
		found := false
		for _, s := range seg {
			if s == w {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// hasAny reports whether the segment holds one of the words.
func hasAny(seg []string, ws ...string) bool {
	for _, w := range ws {
		if has(seg, w) {
			return true
		}
	}
	return false
}

// historyCheck reports history lines a predicate matches.
type historyCheck struct {
	noContent
	rule  Rule
	match func(segs [][]string) (string, bool)
}

func (c historyCheck) ID() string { return c.rule.ID }
func (c historyCheck) Rule() Rule { return c.rule }
func (c historyCheck) Run(_ context.Context, in *Input) ([]report.Finding, error) {
	if in.Index.Config == nil || len(in.Index.Config.History) == 0 {
		return nil, skip("the image has no history")
	}
	var out []report.Finding
	for _, h := range in.History() {
		msg, ok := c.match(segments(h.raw))
		if !ok {
			continue
		}
		out = append(out, c.rule.finding(fmt.Sprintf("history step %d: %s", h.Index, msg), in.historyEvidence(h)))
	}
	return out, nil
}
