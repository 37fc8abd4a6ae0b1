package audit

import (
	"github.com/harden-dev/harden/report"
)

// sudoInHistory is DKL-DI-0001: sudo in a build step.
func sudoInHistory() Check {
	return historyCheck{
		rule: Rule{Weight: 3, Cap: 3, Rule: report.Rule{ID: "sudo-in-history", Aliases: []string{"DKL-DI-0001"}, Title: "sudo used in a build step", Severity: report.Medium,
			Fix: "Run the step as root with USER root and switch back, instead of installing and calling sudo"}},
		match: func(segs [][]string) (string, bool) {
			for _, s := range segs {
				if has(s, "sudo") {
					return "runs sudo", true
				}
			}
			return "", false
		},
	}
}
