package audit

import (
	"github.com/harden-dev/harden/report"
)

// updateAlone is CIS-DI-0007: a package index update with no install in
// the same step, so a later cached layer installs from a stale index. It
// covers apt, apk, dnf/yum/microdnf and zypper (as Trivy's DS017).
func updateAlone() Check {
	type pm struct{ tools, update, install []string }
	pms := []pm{
		{[]string{"apt-get", "apt"}, []string{"update"}, []string{"install", "upgrade", "dist-upgrade", "full-upgrade"}},
		{[]string{"apk"}, []string{"update"}, []string{"add", "upgrade"}},
		{[]string{"yum", "dnf", "microdnf"}, []string{"makecache"}, []string{"install", "update", "upgrade"}},
		{[]string{"zypper"}, []string{"refresh", "ref"}, []string{"install", "in", "update", "up"}},
	}
	return historyCheck{
		rule: Rule{Weight: 2, Cap: 2, Rule: report.Rule{ID: "update-alone", Aliases: []string{"CIS-DI-0007"}, Title: "Package index update alone in a step", Severity: report.Medium,
			Fix: "Update and install in the same RUN: apt-get update && apt-get install -y --no-install-recommends PKG"}},
		match: func(segs [][]string) (string, bool) {
			for _, p := range pms {
				updated := -1
				for i, s := range segs {
					if hasAny(s, p.tools...) && hasAny(s, p.update...) && updated < 0 && !hasAny(s, p.install...) {
						updated = i
					}
				}
				if updated < 0 {
					continue
				}
				installed := false
				for _, s := range segs[updated+1:] {
					if hasAny(s, p.tools...) && hasAny(s, p.install...) {
						installed = true
					}
				}
				if !installed {
					return p.tools[0] + " updates its index without installing in the same step", true
				}
			}
			return "", false
		},
	}
}
