package rules

import (
	"regexp"

	"github.com/harden-dev/harden/dockerfile"
	"github.com/harden-dev/harden/report"
)

// Rule is one lint check.
type Rule interface {
	// Meta returns the rule's metadata; the same value on every call.
	Meta() *Meta
	// Check inspects a parsed Dockerfile and returns where the rule fires.
	Check(in *Input) []Problem
}

// Meta is a rule's metadata: data, not code. The embedded report.Rule
// holds what every harden rule has:
//
//   - ID, the primary ID: the hadolint ID where hadolint has the rule, else
//     the Trivy ID, else the BuildKit check name, else harden's own HD0xx.
//     Never reused.
//   - Aliases, the same check's IDs in other tools (Trivy DS, BuildKit,
//     Dockle, CIS Docker Benchmark section 4).
//   - Severity, the default level as a severity (see Level); Unknown makes
//     the rule off: it reports only when configured.
//   - Title, Help (why the rule matters) and Fix.
//   - Bad, a Dockerfile the rule flags, and Good, one it does not.
type Meta struct {
	report.Rule
	// Fixable is true when --fix can apply the rule's edits.
	Fixable bool
	// Needs names the configuration a rule needs before it reports
	// ("trustedRegistries", "labelSchema", "a .dockerignore on disk").
	Needs string
}

// Level is the rule's default level, hadolint's word for its severity.
func (m *Meta) Level() dockerfile.Level { return dockerfile.LevelOf(m.Severity) }

// Problem is one place where a rule fires.
type Problem struct {
	// Line and EndLine are the 1-based lines; Column is 1-based or 0.
	Line, Column, EndLine int
	// Message describes this instance; empty means the rule's title.
	Message string
	// Edits fix the problem when applied (byte ranges of File.Source).
	Edits []Edit
	// Level overrides the rule's default level for this problem when not
	// Off (HD005 rises to warning with RequireDigest).
	Level dockerfile.Level
}

// Edit replaces Source[Start:End] with Text.
type Edit struct {
	Start, End int
	Text       string
}

// Input is what a rule sees: the parsed file and the settings that change
// what some rules report.
type Input struct {
	File   *dockerfile.File
	Config Config
}

// Config carries the settings some rules read. The zero value is valid.
type Config struct {
	// TrustedRegistries enables DL3026: FROM images must come from one of
	// these registries ("docker.io", "*.gcr.io", "*").
	TrustedRegistries []string
	// RequireDigest raises HD005 (base not pinned by digest) to warning.
	RequireDigest bool
	// LabelSchema enables DL3049 and DL3051–DL3058: label name → type
	// (text, url, semver, hash, rfc3339, spdx, email).
	LabelSchema map[string]string
	// StrictLabels makes DL3050 flag labels not in LabelSchema.
	StrictLabels bool
	// Dockerignore is the .dockerignore next to the Dockerfile: nil when
	// there is none, or when DockerignoreKnown is false (stdin).
	Dockerignore []string
	// DockerignoreKnown is true when the linter could look for a
	// .dockerignore (the Dockerfile is on disk).
	DockerignoreKnown bool
}

// at makes a problem covering an instruction.
func at(in *dockerfile.Instruction, msg string) Problem {
	return Problem{Line: in.Line, Column: 1, EndLine: logicalEnd(in), Message: msg}
}

func logicalEnd(in *dockerfile.Instruction) int {
	if in.EndLine < in.Line {
		return in.Line
	}
	return in.EndLine
}

// runs calls fn for every RUN, including ONBUILD RUN triggers. A trigger is
// passed as itself (its flags, --mount included, and its stage), not as the
// ONBUILD that wraps it; it covers the same source lines.
func runs(f *dockerfile.File, fn func(in *dockerfile.Instruction, s *dockerfile.Script)) {
	for _, in := range f.Instructions {
		if in.Cmd == "run" && in.Script != nil {
			fn(in, in.Script)
		}
		if t := in.Trigger; t != nil && t.Cmd == "run" && t.Script != nil {
			fn(t, t.Script)
		}
	}
}

// commands calls fn for every shell command of every RUN (and ONBUILD RUN).
func commands(f *dockerfile.File, fn func(in *dockerfile.Instruction, c *dockerfile.Command)) {
	runs(f, func(in *dockerfile.Instruction, s *dockerfile.Script) {
		for _, c := range s.Commands {
			fn(in, c)
		}
	})
}

// perRun reports once per RUN for which bad returns a message.
func perRun(f *dockerfile.File, bad func(in *dockerfile.Instruction, s *dockerfile.Script) string) []Problem {
	var out []Problem
	runs(f, func(in *dockerfile.Instruction, s *dockerfile.Script) {
		if msg := bad(in, s); msg != "" {
			out = append(out, at(in, msg))
		}
	})
	return out
}

// perCommand reports once per RUN that has a command for which bad is true.
func perCommand(f *dockerfile.File, bad func(c *dockerfile.Command) bool) []Problem {
	return perRun(f, func(_ *dockerfile.Instruction, s *dockerfile.Script) string {
		for _, c := range s.Commands {
			if bad(c) {
				return " "
			}
		}
		return ""
	})
}

// instructionsOf calls fn for every instruction with the given lower-case
// keyword, including ONBUILD triggers when onbuild is true.
func instructionsOf(f *dockerfile.File, cmd string, onbuild bool, fn func(top, in *dockerfile.Instruction)) {
	for _, in := range f.Instructions {
		if in.Cmd == cmd {
			fn(in, in)
		}
		if onbuild && in.Trigger != nil && in.Trigger.Cmd == cmd {
			fn(in, in.Trigger)
		}
	}
}

// unquote strips one pair of matching quotes.
func unquote(s string) string {
	if len(s) >= 2 && (s[0] == '"' && s[len(s)-1] == '"' || s[0] == '\'' && s[len(s)-1] == '\'') {
		return s[1 : len(s)-1]
	}
	return s
}

var reVar = regexp.MustCompile(`\$(?:\{([A-Za-z_][A-Za-z0-9_]*)[^}]*\}|([A-Za-z_][A-Za-z0-9_]*))`)

// varsIn returns the names of the $VAR and ${VAR...} references in s.
func varsIn(s string) []string {
	var out []string
	for _, m := range reVar.FindAllStringSubmatch(s, -1) {
		if m[1] != "" {
			out = append(out, m[1])
		} else {
			out = append(out, m[2])
		}
	}
	return out
}

// isWindowsAbs reports "C:\" or "C:/" style paths.
func isWindowsAbs(p string) bool {
	return len(p) >= 2 && p[1] == ':' && (p[0] >= 'a' && p[0] <= 'z' || p[0] >= 'A' && p[0] <= 'Z')
}
