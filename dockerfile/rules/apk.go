package rules

import (
	"fmt"
	"strings"

	"github.com/harden-dev/harden/dockerfile"
	"github.com/harden-dev/harden/report"
)

func apkAdd(c *dockerfile.Command) int {
	if !c.Is("apk") {
		return -1
	}
	if sub, i := c.Sub("t", "virtual", "repository", "X", "p", "root", "keys-dir", "arch", "cache-dir"); sub == "add" {
		return i
	}
	return -1
}

// apkUnpinned (DL3018) flags apk add without pinned versions.
type apkUnpinned struct{}

var metaDL3018 = Meta{Rule: report.Rule{
	ID:       "DL3018",
	Severity: report.Medium,
	Title:    "Pin versions in apk add. Instead of `apk add <package>` use `apk add <package>=<version>`",
	Help:     "Unpinned packages make the image depend on the day it was built.",
	Fix:      "Write package=version (or package~major.minor).",
	Bad:      "FROM alpine:3.20\nRUN apk add --no-cache curl\n",
	Good:     "FROM alpine:3.20\nRUN apk add --no-cache curl=8.9.1-r0\n",
}}

func (apkUnpinned) Meta() *Meta { return &metaDL3018 }
func (apkUnpinned) Check(in *Input) []Problem {
	var out []Problem
	runs(in.File, func(inst *dockerfile.Instruction, s *dockerfile.Script) {
		scope := newVarScope(in.File, inst, s)
		var bad []string
		for _, c := range s.Commands {
			i := apkAdd(c)
			if i < 0 {
				continue
			}
			for _, p := range packagesAfter(c, i, "t", "virtual", "repository", "X", "p", "root") {
				if !strings.ContainsAny(p, "=~<>") && !strings.HasSuffix(p, ".apk") && !(strings.HasPrefix(p, "$") && scope.pins(p)) {
					bad = append(bad, p)
				}
			}
		}
		if len(bad) > 0 {
			out = append(out, at(inst, fmt.Sprintf("unpinned: %s", strings.Join(bad, ", "))))
		}
	})
	return out
}

// apkCacheKept (DL3019) flags apk add without --no-cache.
type apkCacheKept struct{}

var metaDL3019 = Meta{Rule: report.Rule{
	ID:       "DL3019",
	Aliases:  []string{"DS025", "DKL-DI-0004"},
	Severity: report.Low,
	Title:    "Use the `--no-cache` switch to avoid the need to use `--update` and remove `/var/cache/apk/*` when done installing packages",
	Help:     "apk keeps its index and downloaded packages in /var/cache/apk, which then ships in the layer. A cache mount on /var/cache/apk also satisfies harden and hadolint (not Trivy).",
	Fix:      "Add --no-cache (--fix does this).",
	Bad:      "FROM alpine:3.20\nRUN apk add curl=8.9.1-r0\n",
	Good:     "FROM alpine:3.20\nRUN apk add --no-cache curl=8.9.1-r0\n",
}, Fixable: true}

func (apkCacheKept) Meta() *Meta { return &metaDL3019 }
func (apkCacheKept) Check(in *Input) []Problem {
	return missingOption(in.File, apkAdd, func(c *dockerfile.Command) bool { return c.HasFlag("no-cache") },
		func(inst *dockerfile.Instruction, _ *dockerfile.Script) bool {
			return cacheMounted(inst, "/var/cache/apk")
		}, " --no-cache")
}
