package rules

import (
	"fmt"
	"strings"

	"github.com/harden-dev/harden/dockerfile"
	"github.com/harden-dev/harden/report"
)

// npmInstall returns the index of install (or i) when it is npm's first
// non-option argument, or -1.
func npmInstall(c *dockerfile.Command) int {
	if !c.Is("npm") {
		return -1
	}
	if sub, i := c.Sub("loglevel", "registry", "prefix", "C", "w", "workspace"); sub == "install" || sub == "i" {
		return i
	}
	return -1
}

func npmPinned(p string) bool {
	switch {
	case strings.HasPrefix(p, "$"):
		return true
	case strings.HasPrefix(p, "git") || strings.Contains(p, "://"):
		return strings.Contains(p, "#")
	case strings.HasSuffix(p, ".tar"), strings.HasSuffix(p, ".tar.gz"), strings.HasSuffix(p, ".tgz"):
		return true
	case strings.HasPrefix(p, "/"), strings.HasPrefix(p, "./"), strings.HasPrefix(p, "../"), strings.HasPrefix(p, "~/"), p == ".":
		return true
	}
	name := strings.TrimPrefix(p, "@")
	return strings.Contains(name, "@")
}

// npmUnpinned (DL3016) flags npm install of unpinned packages.
type npmUnpinned struct{}

var metaDL3016 = Meta{Rule: report.Rule{
	ID:       "DL3016",
	Severity: report.Medium,
	Title:    "Pin versions in npm. Instead of `npm install <package>` use `npm install <package>@<version>`",
	Help:     "Unpinned packages make the image depend on the day it was built.",
	Fix:      "Write package@version, or declare it in package.json and use npm ci.",
	Bad:      "FROM node:20\nRUN npm install -g express\n",
	Good:     "FROM node:20\nRUN npm install -g express@4.19.2\n",
}}

func (npmUnpinned) Meta() *Meta { return &metaDL3016 }
func (npmUnpinned) Check(in *Input) []Problem {
	var out []Problem
	runs(in.File, func(inst *dockerfile.Instruction, s *dockerfile.Script) {
		scope := newVarScope(in.File, inst, s)
		var bad []string
		for _, c := range s.Commands {
			i := npmInstall(c)
			if i < 0 {
				continue
			}
			for _, p := range packagesAfter(c, i, "loglevel", "registry", "prefix") {
				if !npmPinned(p) || strings.HasPrefix(p, "$") && !scope.pins(p) {
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

// yarnCacheKept (DL3060) flags yarn install without yarn cache clean.
type yarnCacheKept struct{}

var metaDL3060 = Meta{Rule: report.Rule{
	ID:       "DL3060",
	Severity: report.Low,
	Title:    "`yarn cache clean` missing after `yarn install` was run",
	Help:     "Yarn's cache ships in the layer. Only the last stage and stages used as a base count; a cache mount on .cache/yarn also satisfies it.",
	Fix:      "End the RUN with && yarn cache clean.",
	Bad:      "FROM node:20\nRUN yarn install\n",
	Good:     "FROM node:20\nRUN yarn install && yarn cache clean\n",
}}

func (yarnCacheKept) Meta() *Meta { return &metaDL3060 }
func (yarnCacheKept) Check(in *Input) []Problem {
	f := in.File
	return perRun(f, func(inst *dockerfile.Instruction, s *dockerfile.Script) string {
		if !lastOrBase(f, inst) || cacheMounted(inst, ".cache/yarn") {
			return ""
		}
		installed := false
		for _, c := range s.Commands {
			if !c.Is("yarn") {
				continue
			}
			if sub, _ := c.Sub(); sub == "install" {
				installed = true
			}
			if installed && len(c.Args) >= 2 && c.Args[0] == "cache" && c.Args[1] == "clean" {
				installed = false
			}
		}
		if installed {
			return "yarn install without yarn cache clean"
		}
		return ""
	})
}

// npmInstallShipped (HD007) flags npm install in the final image and fixes it to npm ci --omit=dev.
type npmInstallShipped struct{}

var metaHD007 = Meta{Rule: report.Rule{
	ID:       "HD007",
	Severity: report.Medium,
	Title:    "Use npm ci --omit=dev instead of npm install in the image that ships",
	Help:     "npm install resolves versions afresh and installs devDependencies (test runners, bundlers, type checkers) into the runtime image; npm ci installs exactly the lock file. Only the stages that end up in the image are checked, and a stage that later runs npm scripts (npm run build) keeps its dev dependencies.",
	Fix:      "Use npm ci --omit=dev (--fix does this), with package-lock.json in the build context.",
	Bad:      "FROM node:20\nCOPY package*.json ./\nRUN npm install\n",
	Good:     "FROM node:20\nCOPY package*.json ./\nRUN npm ci --omit=dev\n",
}, Fixable: true}

func (npmInstallShipped) Meta() *Meta { return &metaHD007 }
func (npmInstallShipped) Check(in *Input) []Problem {
	f := in.File
	final := f.Final()
	if final == nil {
		return nil
	}
	var out []Problem
	for _, s := range final.Chain() {
		for k, inst := range s.Instructions {
			if inst.Cmd != "run" || inst.Script == nil {
				continue
			}
			for _, c := range inst.Script.Commands {
				i := npmInstall(c)
				if i < 0 || len(packagesAfter(c, i, "loglevel", "registry")) > 0 || c.HasFlag("g", "global") {
					continue
				}
				p := at(inst, "npm install in the final image installs dev dependencies and ignores the lock file")
				if !buildsLater(s.Instructions[k:], c) {
					p.Edits = npmCIEdit(c, i)
				}
				out = append(out, p)
				break
			}
		}
	}
	return out
}

// buildsLater reports whether npm scripts run after the install (which
// then may need dev dependencies).
func buildsLater(rest []*dockerfile.Instruction, install *dockerfile.Command) bool {
	after := false
	for _, inst := range rest {
		if inst.Script == nil {
			continue
		}
		for _, c := range inst.Script.Commands {
			if c == install {
				after = true
				continue
			}
			if after && (c.Is("npx") || c.Is("npm") && (c.HasArg("run", "run-script", "test", "build") || c.HasArg("rebuild"))) {
				return true
			}
		}
	}
	return false
}

// npmCIEdit rewrites "install [flags]" to "ci --omit=dev" when the flags
// only choose production dependencies.
func npmCIEdit(c *dockerfile.Command, i int) []Edit {
	for _, a := range c.Args[i+1:] {
		switch a {
		case "--production", "--only=production", "--only=prod", "--omit=dev", "--prod":
		default:
			return nil
		}
	}
	first, last := c.Span(i), c.Span(len(c.Args)-1)
	if !first.Known() || !last.Known() || c.Nested {
		return nil
	}
	return []Edit{{Start: first.Start, End: last.End, Text: "ci --omit=dev"}}
}
