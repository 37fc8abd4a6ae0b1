package audit

import (
	"github.com/harden-dev/harden/report"
)

// distUpgrade is DKL-DI-0003: apt-get dist-upgrade in a build step.
func distUpgrade() Check {
	return historyCheck{
		rule: Rule{Weight: 1, Cap: 1, Rule: report.Rule{ID: "dist-upgrade", Aliases: []string{"DKL-DI-0003"}, Title: "apt-get dist-upgrade in a build step", Severity: report.Low,
			Fix: "Use a newer base image instead of upgrading the distribution inside it"}},
		match: func(segs [][]string) (string, bool) {
			for _, s := range segs {
				if hasAny(s, "apt-get", "apt") && hasAny(s, "dist-upgrade", "full-upgrade") {
					return "upgrades the distribution", true
				}
			}
			return "", false
		},
	}
}
