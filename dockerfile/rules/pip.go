package rules

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/harden-dev/harden/dockerfile"
	"github.com/harden-dev/harden/report"
)

// pipInstall returns the index of "install" for pip, pip3, pipx or
// python -m pip, or -1. pipenv is not pip.
func pipInstall(c *dockerfile.Command, withPipx bool) int {
	b := c.Base()
	switch {
	case strings.HasPrefix(b, "pip") && !strings.HasPrefix(b, "pipenv"):
		if b == "pipx" && !withPipx {
			return -1
		}
		if sub, i := c.Sub(); sub == "install" {
			return i
		}
	case strings.HasPrefix(b, "python"):
		for i := 0; i+2 < len(c.Args); i++ {
			if c.Args[i] == "-m" && (c.Args[i+1] == "pip" || withPipx && c.Args[i+1] == "pipx") && c.Args[i+2] == "install" {
				return i + 2
			}
		}
	}
	return -1
}

var pipValued = []string{"index-url", "i", "extra-index-url", "f", "find-links", "t", "target", "prefix", "root", "build", "b",
	"e", "editable", "src", "platform", "python-version", "implementation", "abi", "trusted-host", "progress-bar", "proxy",
	"python", "no-binary", "only-binary", "root-user-action", "upgrade-strategy", "c", "constraint", "r", "requirement"}

var pipVersioned = regexp.MustCompile(`==|>=|<=|>|<|!=|~=|===`)

// pipUnpinned (DL3013) flags pip install without pinned versions.
type pipUnpinned struct{}

var metaDL3013 = Meta{Rule: report.Rule{
	ID:       "DL3013",
	Severity: report.Medium,
	Title:    "Pin versions in pip. Instead of `pip install <package>` use `pip install <package>==<version>` or `pip install --requirement <requirements file>`",
	Help:     "Unpinned packages make the image depend on the day it was built.",
	Fix:      "Pin package==version, or install from a requirements or constraints file.",
	Bad:      "FROM python:3.12\nRUN pip install --no-cache-dir flask\n",
	Good:     "FROM python:3.12\nRUN pip install --no-cache-dir flask==3.0.3\n",
}}

func (pipUnpinned) Meta() *Meta { return &metaDL3013 }
func (pipUnpinned) Check(in *Input) []Problem {
	var out []Problem
	runs(in.File, func(inst *dockerfile.Instruction, s *dockerfile.Script) {
		scope := newVarScope(in.File, inst, s)
		var bad []string
		for _, c := range s.Commands {
			i := pipInstall(c, true)
			if i < 0 || c.HasFlag("r", "requirement", "c", "constraint") || c.HasArg(".") {
				continue
			}
			for _, p := range packagesAfter(c, i, pipValued...) {
				if pipPinned(p) && !(strings.HasPrefix(p, "$") && !scope.pins(p)) {
					continue
				}
				bad = append(bad, p)
			}
		}
		if len(bad) > 0 {
			out = append(out, at(inst, fmt.Sprintf("unpinned: %s", strings.Join(bad, ", "))))
		}
	})
	return out
}

func pipPinned(p string) bool {
	vcs := strings.HasPrefix(p, "git+") || strings.HasPrefix(p, "hg+") || strings.HasPrefix(p, "svn+") || strings.HasPrefix(p, "bzr+")
	switch {
	case pipVersioned.MatchString(p), strings.HasPrefix(p, "$"):
		return true
	case vcs:
		rest := p[strings.Index(p, "+")+1:]
		if i := strings.Index(rest, "://"); i >= 0 {
			rest = rest[i+3:]
		}
		return strings.Contains(rest, "@")
	case strings.HasSuffix(p, ".whl"), strings.HasSuffix(p, ".tar.gz"), strings.HasSuffix(p, ".zip"), strings.Contains(p, "/"):
		return true
	}
	return false
}

var truthy = map[string]bool{"1": true, "true": true, "True": true, "TRUE": true, "on": true, "On": true, "ON": true, "yes": true, "Yes": true, "YES": true}

var pipNoCacheInText = regexp.MustCompile(`PIP_NO_CACHE_DIR=["']?(1|[Tt]rue|TRUE|[Oo]n|ON|[Yy]es|YES)\b`)

// pipCacheKept (DL3042) flags pip install without --no-cache-dir.
type pipCacheKept struct{}

var metaDL3042 = Meta{Rule: report.Rule{
	ID:       "DL3042",
	Severity: report.Medium,
	Title:    "Avoid use of cache directory with pip. Use `pip install --no-cache-dir <package>`",
	Help:     "pip keeps downloaded wheels in ~/.cache/pip, which then ships in the layer. ENV PIP_NO_CACHE_DIR=1 or a cache mount on .cache/pip also does.",
	Fix:      "Add --no-cache-dir (--fix does this).",
	Bad:      "FROM python:3.12\nRUN pip install flask==3.0.3\n",
	Good:     "FROM python:3.12\nRUN pip install --no-cache-dir flask==3.0.3\n",
}, Fixable: true}

func (pipCacheKept) Meta() *Meta { return &metaDL3042 }
func (pipCacheKept) Check(in *Input) []Problem {
	find := func(c *dockerfile.Command) int { return pipInstall(c, false) }
	return missingOption(in.File, find, func(c *dockerfile.Command) bool { return c.HasFlag("no-cache-dir") },
		func(inst *dockerfile.Instruction, s *dockerfile.Script) bool {
			return !slices.ContainsFunc(s.Commands, func(c *dockerfile.Command) bool { return find(c) >= 0 }) ||
				cacheMounted(inst, ".cache/pip") || pipNoCacheInText.MatchString(s.Text) || envTruthy(in.File, inst, "PIP_NO_CACHE_DIR")
		}, " --no-cache-dir")
}

// envTruthy reports whether an ENV before inst, in its stage or an
// ancestor stage (or before the first FROM, for an instruction there),
// sets name to a truthy value. An ONBUILD trigger sees the whole stage.
func envTruthy(f *dockerfile.File, inst *dockerfile.Instruction, name string) bool {
	val := ""
	var chain []*dockerfile.Stage
	if inst.Stage != nil {
		chain = inst.Stage.Chain()
	} else if b := f.Blocks(); len(b) > 0 && b[0].Index < 0 {
		chain = b[:1]
	}
	for i := len(chain) - 1; i >= 0; i-- {
		for _, x := range chain[i].Instructions {
			if x == inst {
				return truthy[val]
			}
			if x.Cmd != "env" {
				continue
			}
			for _, kv := range x.KeyValues() {
				if kv.Key == name {
					val = unquote(kv.Value)
				}
			}
		}
	}
	return truthy[val]
}
