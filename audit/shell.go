package audit

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/harden-dev/harden/fsindex"
	"github.com/harden-dev/harden/report"
)

// noContent is embedded by checks that need no file contents.
type noContent struct{}

// Wants needs nothing.
func (noContent) Wants() []fsindex.Want { return nil }

// unnecessary are the aliases of the checks for programs an app does not
// need: CIS 4.3 "do not install unnecessary packages" (Dockle lists
// CIS-DI-0003 but does not implement it).
var unnecessary = []string{"CIS-DI-0003"}

// shellPresent reports every shell, busybox included, by the file that runs.
type shellPresent struct{ noContent }

func (shellPresent) ID() string { return "shell-present" }

func (c shellPresent) Rule() Rule {
	return Rule{ID: c.ID(), Aliases: unnecessary, Title: "Shell present", Severity: report.High, Weight: 15, Cap: 15,
		Fix: "Build the final stage FROM a distroless or scratch base (or delete the shells there) and use the exec form of ENTRYPOINT and CMD"}
}

func (c shellPresent) Run(_ context.Context, in *Input) ([]report.Finding, error) {
	return toolFindings(in, c.Rule(), in.Surface().Shells, false), nil
}

// toolFindings makes one finding per file that runs, naming every command
// name that reaches it. With exempt set, programs the entrypoint needs are
// left out.
func toolFindings(in *Input, r Rule, tools []Tool, exempt bool) []report.Finding {
	byReal := map[string][]Tool{}
	var order []string
	for _, t := range tools {
		if exempt && in.Entrypoint().runs(t) {
			continue
		}
		if _, ok := byReal[t.Real]; !ok {
			order = append(order, t.Real)
		}
		byReal[t.Real] = append(byReal[t.Real], t)
	}
	sort.Strings(order)
	var out []report.Finding
	for _, real := range order {
		ts := byReal[real]
		names := Names(ts)
		what := strings.ReplaceAll(string(ts[0].Kind), "-", " ")
		if ts[0].Category != "" {
			what = ts[0].Category + " tool"
		}
		if ts[0].MultiCall != "" && ts[0].Kind == KindTool {
			what = "tools"
		}
		var msg string
		switch {
		case ts[0].MultiCall != "":
			msg = fmt.Sprintf("%s: %s applets %s run %s", what, ts[0].MultiCall, strings.Join(names, ", "), real)
			shown := len(names)
			for _, n := range names {
				if n == ts[0].MultiCall {
					shown--
				}
			}
			if n := in.Surface().Applets[real]; n > shown {
				msg += fmt.Sprintf(" (%d applets in PATH in all)", n)
			}
		case len(names) == 1 && names[0] == baseName(real):
			msg = fmt.Sprintf("%s %s at %s", what, names[0], real)
		default:
			msg = fmt.Sprintf("%s %s runs %s", what, strings.Join(names, ", "), real)
		}
		ev := []report.Evidence{in.entryEvidence(ts[0].entry)}
		ev[0].Path = real
		for _, t := range ts {
			if t.Path == real {
				continue
			}
			e := in.entryEvidence(t.at)
			e.Value = "-> " + real
			ev = append(ev, e)
		}
		out = append(out, r.finding(msg, ev...))
	}
	return out
}

func baseName(p string) string { return p[strings.LastIndexByte(p, '/')+1:] }
