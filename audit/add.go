package audit

import (
	"context"
	"fmt"
	"strings"

	"github.com/harden-dev/harden/report"
)

// addInstruction is CIS-DI-0009: ADD where COPY would do. The first
// layer's "ADD file:… in /" (the base image's root filesystem) is left
// out, as Dockle does.
type addInstruction struct{ noContent }

func (addInstruction) ID() string { return "add-instruction" }

func (c addInstruction) Rule() Rule {
	return Rule{Weight: 1, Cap: 2, Rule: report.Rule{ID: c.ID(), Aliases: []string{"CIS-DI-0009"}, Title: "ADD used instead of COPY", Severity: report.Low,
		Fix: "Use COPY for local files; fetch URLs with a checked download in a build stage"}}
}

func (c addInstruction) Run(_ context.Context, in *Input) ([]report.Finding, error) {
	if in.Index.Config == nil || len(in.Index.Config.History) == 0 {
		return nil, skip("the image has no history")
	}
	var out []report.Finding
	for i, h := range in.History() {
		ins := h.Instruction
		if !strings.HasPrefix(ins, "ADD ") {
			continue
		}
		if i == 0 || h.Layer == 0 && strings.HasPrefix(ins, "ADD file:") {
			continue
		}
		out = append(out, c.Rule().finding(fmt.Sprintf("history step %d uses ADD", h.Index), in.historyEvidence(h)))
	}
	return out, nil
}
