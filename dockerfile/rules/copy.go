package rules

import (
	"fmt"
	"path"
	"strings"

	"github.com/harden-dev/harden/dockerfile"
	"github.com/harden-dev/harden/report"
	"github.com/moby/buildkit/frontend/dockerfile/instructions"
)

// copyParts returns the sources and destination of a COPY or ADD.
func copyParts(in *dockerfile.Instruction) (srcs []string, dest string, ok bool) {
	switch c := in.Command.(type) {
	case *instructions.CopyCommand:
		return unquoteAll(c.SourcePaths), unquote(c.DestPath), true
	case *instructions.AddCommand:
		return unquoteAll(c.SourcePaths), unquote(c.DestPath), true
	}
	return nil, "", false
}

func unquoteAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = unquote(s)
	}
	return out
}

func isURL(p string) bool {
	return strings.HasPrefix(p, "http://") || strings.HasPrefix(p, "https://")
}

// baseName is path.Base that also splits on Windows separators.
func baseName(p string) string {
	p = strings.ReplaceAll(p, `\`, "/")
	return path.Base(p)
}

// addInsteadOfCopy (DL3020) flags ADD for plain files and folders.
type addInsteadOfCopy struct{}

var metaDL3020 = Meta{Rule: report.Rule{
	ID:       "DL3020",
	Aliases:  []string{"DS005", "CIS-DI-0009", "CIS-4.9"},
	Severity: report.High,
	Title:    "Use COPY instead of ADD for files and folders",
	Help:     "ADD also fetches URLs and unpacks archives, so a plain ADD hides what it does. COPY does only the copy.",
	Fix:      "Use COPY; keep ADD for local archives to extract and for URLs with --checksum.",
	Bad:      "FROM debian:12\nADD app.jar /app/\n",
	Good:     "FROM debian:12\nCOPY app.jar /app/\n",
}}

func (addInsteadOfCopy) Meta() *Meta { return &metaDL3020 }
func (addInsteadOfCopy) Check(in *Input) []Problem {
	var out []Problem
	instructionsOf(in.File, "add", true, func(top, inst *dockerfile.Instruction) {
		srcs, _, _ := copyParts(inst)
		for _, s := range srcs {
			if !isArchive(s) && !isURL(s) {
				out = append(out, at(top, fmt.Sprintf("ADD %s copies a plain file or folder", s)))
				return
			}
		}
	})
	return out
}

// copyManyNoDirSlash (DL3021) flags COPY of several sources to a destination without a slash.
type copyManyNoDirSlash struct{}

var metaDL3021 = Meta{Rule: report.Rule{
	ID:       "DL3021",
	Aliases:  []string{"DS011"},
	Severity: report.High,
	Title:    "COPY with more than 2 arguments requires the last argument to end with /",
	Help:     "With several sources the destination must be a directory; BuildKit fails otherwise.",
	Fix:      "End the destination with /.",
	Bad:      "FROM debian:12\nCOPY a b /app\n",
	Good:     "FROM debian:12\nCOPY a b /app/\n",
}}

func (copyManyNoDirSlash) Meta() *Meta { return &metaDL3021 }
func (copyManyNoDirSlash) Check(in *Input) []Problem {
	var out []Problem
	instructionsOf(in.File, "copy", true, func(top, inst *dockerfile.Instruction) {
		srcs, dest, ok := copyParts(inst)
		if ok && len(srcs) >= 2 && !strings.HasSuffix(dest, "/") && !strings.HasSuffix(dest, `\`) {
			out = append(out, at(top, fmt.Sprintf("destination %q of %d sources does not end with /", dest, len(srcs))))
		}
	})
	return out
}

// copyFromUnknownStage (DL3022) flags COPY --from naming no earlier stage.
type copyFromUnknownStage struct{}

var metaDL3022 = Meta{Rule: report.Rule{
	ID:       "DL3022",
	Severity: report.Medium,
	Title:    "COPY --from should reference a previously defined FROM alias",
	Help:     "A --from that names no earlier stage is taken as an image reference and pulled from a registry, which is rarely what was meant.",
	Fix:      "Define the stage first, or write the image with a tag (--from=nginx:1.27).",
	Bad:      "FROM debian:12\nCOPY --from=build /app /app\n",
	Good:     "FROM golang:1.22 AS build\nFROM debian:12\nCOPY --from=build /app /app\n",
}}

func (copyFromUnknownStage) Meta() *Meta { return &metaDL3022 }
func (copyFromUnknownStage) Check(in *Input) []Problem {
	var out []Problem
	f := in.File
	for _, inst := range f.Instructions {
		v, ok := inst.Flag("from")
		if inst.Cmd != "copy" || !ok || strings.ContainsAny(v, ":/@$") {
			continue
		}
		before := 0
		if inst.Stage != nil {
			before = inst.Stage.Index + 1
		}
		if f.StageByName(v, before) == nil {
			out = append(out, at(inst, fmt.Sprintf("--from=%s names no earlier stage", v)))
		}
	}
	return out
}

// copyFromOwnStage (DL3023) flags COPY --from naming its own stage.
type copyFromOwnStage struct{}

var metaDL3023 = Meta{Rule: report.Rule{
	ID:       "DL3023",
	Aliases:  []string{"DS006"},
	Severity: report.High,
	Title:    "COPY --from cannot reference its own FROM alias",
	Help:     "A stage cannot copy from itself; BuildKit reports a circular dependency.",
	Fix:      "Copy from an earlier stage.",
	Bad:      "FROM node:20 AS app\nCOPY --from=app /a /b\n",
	Good:     "FROM node:20 AS build\nFROM node:20 AS app\nCOPY --from=build /a /b\n",
}}

func (copyFromOwnStage) Meta() *Meta { return &metaDL3023 }
func (copyFromOwnStage) Check(in *Input) []Problem {
	var out []Problem
	for _, inst := range in.File.Instructions {
		v, ok := inst.Flag("from")
		if inst.Cmd == "copy" && ok && inst.Stage != nil && inst.Stage.Name != "" && strings.EqualFold(v, inst.Stage.Name) {
			out = append(out, at(inst, ""))
		}
	}
	return out
}

// copyRelativeNoWorkdir (DL3045) flags COPY to a relative destination with no WORKDIR set.
type copyRelativeNoWorkdir struct{}

var metaDL3045 = Meta{Rule: report.Rule{
	ID:       "DL3045",
	Severity: report.Medium,
	Title:    "COPY to a relative destination without WORKDIR set",
	Help:     "A relative destination lands in the base image's working directory, which can change with the base.",
	Fix:      "Set WORKDIR first or use an absolute destination.",
	Bad:      "FROM debian:12\nCOPY app.sh app.sh\n",
	Good:     "FROM debian:12\nWORKDIR /app\nCOPY app.sh app.sh\n",
}}

func (copyRelativeNoWorkdir) Meta() *Meta { return &metaDL3045 }
func (copyRelativeNoWorkdir) Check(in *Input) []Problem {
	var out []Problem
	for _, s := range in.File.Blocks() {
		inherited := false
		for _, p := range s.Chain()[1:] {
			if hasWorkdir(p.Instructions) {
				inherited = true
			}
		}
		seen, seenOnbuild := inherited, inherited
		for _, inst := range s.Instructions {
			switch {
			case inst.Cmd == "workdir":
				seen = true
			case inst.Trigger != nil && inst.Trigger.Cmd == "workdir":
				seenOnbuild = true
			}
			c, ok := inst, seen
			if inst.Trigger != nil {
				c, ok = inst.Trigger, seenOnbuild || seen
			}
			if c.Cmd != "copy" || ok {
				continue
			}
			_, dest, _ := copyParts(c)
			if dest != "" && !strings.HasPrefix(dest, "/") && !strings.HasPrefix(dest, "$") && !isWindowsAbs(dest) {
				out = append(out, at(inst, fmt.Sprintf("destination %q is relative", dest)))
			}
		}
	}
	return out
}

func hasWorkdir(ins []*dockerfile.Instruction) bool {
	for _, in := range ins {
		if in.Cmd == "workdir" {
			return true
		}
	}
	return false
}

// copyWholeFilesystem (DL3067) flags copying a stage's whole filesystem.
type copyWholeFilesystem struct{}

var metaDL3067 = Meta{Rule: report.Rule{
	ID:       "DL3067",
	Severity: report.Medium,
	Title:    "Do not copy an entire filesystem from another stage",
	Help:     "COPY --from=stage / / brings every file of the build stage, compilers and caches included, which defeats the multi-stage build.",
	Fix:      "Copy only the artefacts the final image needs.",
	Bad:      "FROM golang:1.22 AS build\nFROM scratch\nCOPY --from=build / /\n",
	Good:     "FROM golang:1.22 AS build\nFROM scratch\nCOPY --from=build /out/app /app\n",
}}

func (copyWholeFilesystem) Meta() *Meta { return &metaDL3067 }
func (copyWholeFilesystem) Check(in *Input) []Problem {
	var out []Problem
	for _, inst := range in.File.Instructions {
		if _, ok := inst.Flag("from"); !ok || inst.Cmd != "copy" {
			continue
		}
		srcs, dest, _ := copyParts(inst)
		if len(srcs) == 1 && srcs[0] == "/" && dest == "/" {
			out = append(out, at(inst, ""))
		}
	}
	return out
}

// copiesContext reports whether a COPY or ADD (without --from) copies the
// whole build context ("." or "./").
func copiesContext(in *dockerfile.Instruction) bool {
	if in.Cmd != "copy" && in.Cmd != "add" {
		return false
	}
	if _, ok := in.Flag("from"); ok {
		return false
	}
	srcs, _, _ := copyParts(in)
	for _, s := range srcs {
		if s == "." || s == "./" || s == "/" {
			return true
		}
	}
	return false
}

// copyContextNoDockerignore (HD006) flags COPY . without a .dockerignore.
type copyContextNoDockerignore struct{}

var metaHD006 = Meta{Rule: report.Rule{
	ID:       "HD006",
	Severity: report.Medium,
	Title:    "COPY . copies the whole build context and there is no .dockerignore",
	Help:     "Without a .dockerignore, COPY . . sends .git, .env files, local node_modules, credentials and build output into the image.",
	Fix:      "Add a .dockerignore next to the Dockerfile (.git, node_modules, *.env, Dockerfile), or copy named files only.",
	Bad:      "FROM node:20\nCOPY . .\n",
	Good:     "FROM node:20\nCOPY package.json index.js ./\n",
}, Needs: "the Dockerfile on disk, to look for .dockerignore"}

func (copyContextNoDockerignore) Meta() *Meta { return &metaHD006 }
func (copyContextNoDockerignore) Check(in *Input) []Problem {
	if !in.Config.DockerignoreKnown || in.Config.Dockerignore != nil {
		return nil // unknown (standard input), or there is one
	}
	var out []Problem
	for _, inst := range in.File.Instructions {
		if copiesContext(inst) {
			out = append(out, at(inst, fmt.Sprintf("%s copies the whole build context and no .dockerignore was found", strings.ToUpper(inst.Cmd))))
		}
	}
	return out
}

// copyIgnoredFile (CopyIgnoredFile) flags COPY and ADD sources excluded by .dockerignore.
type copyIgnoredFile struct{}

var metaCopyIgnoredFile = Meta{Rule: report.Rule{
	ID:       "CopyIgnoredFile",
	Severity: report.Medium,
	Title:    "Attempting to Copy file that is excluded by .dockerignore",
	Help:     "The file is not in the build context, so the COPY fails or copies nothing.",
	Fix:      "Remove the pattern from .dockerignore or the source from COPY.",
	Bad:      "FROM debian:12\nCOPY tmp/a.txt /\n",
	Good:     "FROM debian:12\nCOPY src/a.txt /\n",
}, Needs: "a .dockerignore next to the Dockerfile"}

func (copyIgnoredFile) Meta() *Meta { return &metaCopyIgnoredFile }
func (copyIgnoredFile) Check(in *Input) []Problem {
	pats := in.Config.Dockerignore
	if len(pats) == 0 {
		return nil
	}
	for _, p := range pats {
		if strings.HasPrefix(strings.TrimSpace(p), "!") {
			return nil // BuildKit skips the check when there are exclusions
		}
	}
	var out []Problem
	instructionsOf(in.File, "copy", false, func(top, inst *dockerfile.Instruction) { out = append(out, ignoredSources(inst, pats)...) })
	instructionsOf(in.File, "add", false, func(top, inst *dockerfile.Instruction) { out = append(out, ignoredSources(inst, pats)...) })
	return out
}

func ignoredSources(inst *dockerfile.Instruction, pats []string) []Problem {
	if _, ok := inst.Flag("from"); ok {
		return nil
	}
	srcs, _, _ := copyParts(inst)
	for _, s := range srcs {
		if isURL(s) || strings.Contains(s, "$") {
			continue
		}
		if ignored(s, pats) {
			return []Problem{at(inst, fmt.Sprintf("%s is excluded by .dockerignore", s))}
		}
	}
	return nil
}

// ignored matches a context path against .dockerignore patterns; a path is
// ignored when it or one of its parents matches. "." and "/" only match
// the catch-all patterns.
func ignored(src string, pats []string) bool {
	src = strings.TrimPrefix(path.Clean("/"+src), "/")
	for _, raw := range pats {
		p := strings.TrimPrefix(path.Clean("/"+strings.TrimSpace(raw)), "/")
		if p == "" || strings.HasPrefix(raw, "#") {
			continue
		}
		if src == "" {
			if p == "*" || p == "**" || p == "**/*" {
				return true
			}
			continue
		}
		for cand := src; cand != "." && cand != ""; cand = path.Dir(cand) {
			if globMatch(p, cand) {
				return true
			}
			if !strings.Contains(cand, "/") {
				break
			}
		}
	}
	return false
}

// globMatch is path.Match with ** matching any number of directories.
func globMatch(pat, name string) bool {
	if !strings.Contains(pat, "**") {
		ok, _ := path.Match(pat, name)
		return ok
	}
	ps, ns := strings.Split(pat, "/"), strings.Split(name, "/")
	var rec func(i, j int) bool
	rec = func(i, j int) bool {
		if i == len(ps) {
			return j == len(ns)
		}
		if ps[i] == "**" {
			for k := j; k <= len(ns); k++ {
				if rec(i+1, k) {
					return true
				}
			}
			return false
		}
		if j == len(ns) {
			return false
		}
		if ok, _ := path.Match(ps[i], ns[j]); !ok {
			return false
		}
		return rec(i+1, j+1)
	}
	return rec(0, 0)
}
