package rules

import (
	"fmt"
	"strings"

	"github.com/harden-dev/harden/dockerfile"
	"github.com/harden-dev/harden/report"
)

// gemUnpinned (DL3028) flags gem install without versions.
type gemUnpinned struct{}

var metaDL3028 = Meta{Rule: report.Rule{
	ID:       "DL3028",
	Severity: report.Medium,
	Title:    "Pin versions in gem install. Instead of `gem install <gem>` use `gem install <gem>:<version>`",
	Help:     "Unpinned gems make the image depend on the day it was built.",
	Fix:      "Write gem:version or -v version.",
	Bad:      "FROM ruby:3.3\nRUN gem install bundler\n",
	Good:     "FROM ruby:3.3\nRUN gem install bundler:2.5.11\n",
}}

func (gemUnpinned) Meta() *Meta { return &metaDL3028 }
func (gemUnpinned) Check(in *Input) []Problem {
	var out []Problem
	runs(in.File, func(inst *dockerfile.Instruction, s *dockerfile.Script) {
		scope := newVarScope(in.File, inst, s)
		var bad []string
		for _, c := range s.Commands {
			if !c.Is("gem") {
				continue
			}
			sub, i := c.Sub()
			if sub != "install" && sub != "i" || c.HasFlag("v", "version") {
				continue
			}
			var args []string
			skip := false
			for _, a := range c.Args[i+1:] {
				if a == "--" {
					break
				}
				if skip {
					skip = false
					continue
				}
				if strings.HasPrefix(a, "-") {
					skip = !strings.Contains(a, "=")
					continue
				}
				args = append(args, a)
			}
			for _, a := range args {
				if !strings.Contains(a, ":") && !(strings.HasPrefix(a, "$") && scope.pins(a)) && !strings.HasSuffix(a, ".gem") {
					bad = append(bad, a)
				}
			}
		}
		if len(bad) > 0 {
			out = append(out, at(inst, fmt.Sprintf("unpinned: %s", strings.Join(bad, ", "))))
		}
	})
	return out
}

// goInstallUnpinned (DL3062) flags go install/get/run of unpinned modules.
type goInstallUnpinned struct{}

var metaDL3062 = Meta{Rule: report.Rule{
	ID:       "DL3062",
	Severity: report.Medium,
	Title:    "Pin versions in go. Instead of `go install <package>` use `go install <package>@<version>`",
	Help:     "An unpinned (or @latest) module makes the image depend on the day it was built.",
	Fix:      "Write module@vX.Y.Z.",
	Bad:      "FROM golang:1.22\nRUN go install example.com/tool\n",
	Good:     "FROM golang:1.22\nRUN go install example.com/tool@v1.2.3\n",
}}

func (goInstallUnpinned) Meta() *Meta { return &metaDL3062 }
func (goInstallUnpinned) Check(in *Input) []Problem {
	var out []Problem
	runs(in.File, func(inst *dockerfile.Instruction, s *dockerfile.Script) {
		scope := newVarScope(in.File, inst, s)
		var bad []string
		for _, c := range s.Commands {
			if !c.Is("go") {
				continue
			}
			sub, i := c.Sub()
			if sub != "install" && sub != "get" && sub != "run" {
				continue
			}
			pkgs := packagesAfter(c, i, "o", "C", "ldflags", "gcflags", "tags", "mod", "modfile", "p", "exec", "overlay", "pgo", "toolexec", "asmflags")
			if sub == "run" && len(pkgs) > 1 {
				pkgs = pkgs[:1]
			}
			for _, p := range pkgs {
				if p == "." || strings.HasPrefix(p, "./") || strings.HasPrefix(p, "/") || strings.HasPrefix(p, "../") || strings.HasPrefix(p, "$") && scope.pins(p) || strings.HasSuffix(p, ".go") {
					continue
				}
				_, v, ok := strings.Cut(p, "@")
				if !ok || v == "latest" || v == "none" || v == "" {
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
