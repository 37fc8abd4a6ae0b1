package rules

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/harden-dev/harden/dockerfile"
	"github.com/harden-dev/harden/report"
	"github.com/moby/buildkit/frontend/dockerfile/instructions"
)

// shellFormCmd (DL3025) flags shell-form CMD, ENTRYPOINT and HEALTHCHECK CMD.
type shellFormCmd struct{}

var metaDL3025 = Meta{Rule: report.Rule{
	ID:       "DL3025",
	Aliases:  []string{"JSONArgsRecommended"},
	Severity: report.Medium,
	Title:    "Use arguments JSON notation for CMD and ENTRYPOINT arguments",
	Help:     "The shell form runs /bin/sh -c, which stays PID 1 and does not pass SIGTERM on, and needs a shell in the image (distroless has none). BuildKit does not report it when SHELL is set; hadolint and harden do.",
	Fix:      "Write CMD [\"node\", \"index.js\"].",
	Bad:      "FROM node:20\nCMD node index.js\n",
	Good:     "FROM node:20\nCMD [\"node\", \"index.js\"]\n",
}}

func (shellFormCmd) Meta() *Meta { return &metaDL3025 }
func (shellFormCmd) Check(in *Input) []Problem {
	var out []Problem
	for _, inst := range in.File.Instructions {
		for _, c := range []*dockerfile.Instruction{inst, inst.Trigger} {
			if c == nil {
				continue
			}
			switch cmd := c.Command.(type) {
			case *instructions.CmdCommand:
				if cmd.PrependShell {
					out = append(out, at(inst, "CMD uses the shell form"))
				}
			case *instructions.EntrypointCommand:
				if cmd.PrependShell {
					out = append(out, at(inst, "ENTRYPOINT uses the shell form"))
				}
			case *instructions.HealthCheckCommand:
				if cmd.Health != nil && len(cmd.Health.Test) > 0 && cmd.Health.Test[0] == "CMD-SHELL" {
					out = append(out, at(inst, "HEALTHCHECK CMD uses the shell form"))
				}
			}
		}
	}
	return out
}

// onbuildForbidden (DL3043) flags ONBUILD triggers that are not allowed.
type onbuildForbidden struct{}

var metaDL3043 = Meta{Rule: report.Rule{
	ID:       "DL3043",
	Severity: report.High,
	Title:    "ONBUILD, FROM or MAINTAINER triggered from within ONBUILD instruction",
	Help:     "BuildKit refuses ONBUILD ONBUILD, ONBUILD FROM and ONBUILD MAINTAINER.",
	Fix:      "Remove the trigger.",
	Bad:      "FROM debian:12\nONBUILD FROM alpine:3.20\n",
	Good:     "FROM debian:12\nONBUILD COPY . /app\n",
}}

func (onbuildForbidden) Meta() *Meta { return &metaDL3043 }
func (onbuildForbidden) Check(in *Input) []Problem {
	var out []Problem
	for _, inst := range in.File.Instructions {
		if inst.Trigger != nil && forbiddenTrigger(inst.Trigger.Cmd) {
			out = append(out, at(inst, fmt.Sprintf("ONBUILD %s is not allowed", strings.ToUpper(inst.Trigger.Cmd))))
		}
	}
	return out
}

func forbiddenTrigger(cmd string) bool {
	return cmd == "onbuild" || cmd == "from" || cmd == "maintainer"
}

// envSelfRef (DL3044) flags ENV values that use a variable defined in the same ENV.
type envSelfRef struct{}

var metaDL3044 = Meta{Rule: report.Rule{
	ID:       "DL3044",
	Severity: report.High,
	Title:    "Do not refer to an environment variable within the same ENV statement where it is defined",
	Help:     "Within one ENV every value is expanded with the variables as they were before the statement, so the reference does not see the new value.",
	Fix:      "Split the ENV in two.",
	Bad:      "FROM debian:12\nENV A=1 B=${A}/x\n",
	Good:     "FROM debian:12\nENV A=1\nENV B=${A}/x\n",
}}

func (envSelfRef) Meta() *Meta { return &metaDL3044 }
func (envSelfRef) Check(in *Input) []Problem {
	var out []Problem
	for _, s := range in.File.Blocks() {
		defined := map[string]bool{}
		for _, st := range s.Chain()[1:] {
			for _, inst := range st.Instructions {
				for _, kv := range inst.KeyValues() {
					defined[kv.Key] = true
				}
			}
		}
		for _, inst := range s.Instructions {
			kvs := inst.KeyValues()
			if inst.Cmd == "env" {
				if msg := envSelfReference(kvs, defined); msg != "" {
					out = append(out, at(inst, msg))
				}
			}
			if inst.Cmd == "env" || inst.Cmd == "arg" {
				for _, kv := range kvs {
					defined[kv.Key] = true
				}
			}
		}
	}
	return out
}

// envSelfReference finds a value that refers to a key of the same ENV.
func envSelfReference(kvs []dockerfile.KeyValue, defined map[string]bool) string {
	count := map[string]int{}
	for _, kv := range kvs {
		count[kv.Key]++
	}
	for i, kv := range kvs {
		for _, v := range varsIn(kv.Value) {
			if count[v] == 0 {
				continue
			}
			self := kv.Key == v
			if self && count[v] == 1 {
				continue
			}
			if count[v] > 1 || !defined[v] {
				_ = i
				return fmt.Sprintf("%s refers to %s, which this ENV also sets", kv.Key, v)
			}
		}
	}
	return ""
}

var labelKey = regexp.MustCompile(`^[a-z]([a-z0-9._/-]*[a-z0-9])?$`)

// invalidLabelKey (DL3048) flags invalid label keys.
type invalidLabelKey struct{}

var metaDL3048 = Meta{Rule: report.Rule{
	ID:       "DL3048",
	Severity: report.Info,
	Title:    "Invalid label key",
	Help:     "Label keys should be lower-case reverse-DNS names (org.opencontainers.image.source) and stay out of the reserved com.docker., io.docker. and org.dockerproject. namespaces.",
	Fix:      "Use a lower-case key with letters, digits, dots, dashes and slashes.",
	Bad:      "FROM debian:12\nLABEL Maintainer=me\n",
	Good:     "FROM debian:12\nLABEL org.opencontainers.image.authors=me\n",
}}

func (invalidLabelKey) Meta() *Meta { return &metaDL3048 }
func (invalidLabelKey) Check(in *Input) []Problem {
	var out []Problem
	instructionsOf(in.File, "label", true, func(top, inst *dockerfile.Instruction) {
		for _, kv := range inst.KeyValues() {
			k := unquote(kv.Key)
			if !labelKey.MatchString(k) || strings.Contains(k, "..") || strings.Contains(k, "--") ||
				strings.HasPrefix(k, "com.docker.") || strings.HasPrefix(k, "io.docker.") || strings.HasPrefix(k, "org.dockerproject.") {
				out = append(out, at(top, fmt.Sprintf("label key %q is not valid", k)))
			}
		}
	})
	return out
}

// maintainerDeprecated (DL4000) flags MAINTAINER and fixes it into a LABEL.
type maintainerDeprecated struct{}

var metaDL4000 = Meta{Rule: report.Rule{
	ID:       "DL4000",
	Aliases:  []string{"DS022", "MaintainerDeprecated"},
	Severity: report.High,
	Title:    "MAINTAINER is deprecated",
	Help:     "MAINTAINER is deprecated since Docker 1.13; the OCI authors label carries the same information.",
	Fix:      "Use LABEL org.opencontainers.image.authors=\"...\" (--fix does this).",
	Bad:      "FROM debian:12\nMAINTAINER me@example.com\n",
	Good:     "FROM debian:12\nLABEL org.opencontainers.image.authors=\"me@example.com\"\n",
}, Fixable: true}

func (maintainerDeprecated) Meta() *Meta { return &metaDL4000 }
func (maintainerDeprecated) Check(in *Input) []Problem {
	var out []Problem
	f := in.File
	for _, inst := range f.Instructions {
		if inst.Cmd != "maintainer" {
			continue
		}
		p := at(inst, "")
		if m, ok := inst.Command.(*instructions.MaintainerCommand); ok && inst.Line == inst.EndLine && inst.Offset(0) >= 0 {
			kw := "LABEL"
			if inst.Keyword == strings.ToLower(inst.Keyword) {
				kw = "label"
			}
			start := inst.Offset(0)
			end := start + len(strings.TrimRight(inst.Text(), " \t\r"))
			esc := string(f.Escape)
			if esc == "\x00" {
				esc = `\`
			}
			val := strings.NewReplacer(esc, esc+esc, `"`, esc+`"`).Replace(strings.TrimSpace(m.Maintainer))
			p.Edits = []Edit{{Start: start, End: end, Text: kw + ` org.opencontainers.image.authors="` + val + `"`}}
		}
		out = append(out, p)
	}
	return out
}

// legacyKeyValue (LegacyKeyValueFormat) flags "ENV key value" and "LABEL key value".
type legacyKeyValue struct{}

var metaLegacyKeyValueFormat = Meta{Rule: report.Rule{
	ID:       "LegacyKeyValueFormat",
	Severity: report.Medium,
	Title:    "Legacy key/value format with whitespace separator should not be used",
	Help:     "ENV key value sets one variable to the rest of the line, which surprises readers; key=value is unambiguous and allows several pairs.",
	Fix:      "Write ENV key=value.",
	Bad:      "FROM debian:12\nENV key value\n",
	Good:     "FROM debian:12\nENV key=value\n",
}}

func (legacyKeyValue) Meta() *Meta { return &metaLegacyKeyValueFormat }
func (legacyKeyValue) Check(in *Input) []Problem {
	var out []Problem
	for _, inst := range in.File.Instructions {
		if inst.Cmd != "env" && inst.Cmd != "label" {
			continue
		}
		rest := strings.TrimSpace(strings.TrimPrefix(inst.Text(), inst.Keyword))
		first, _, more := strings.Cut(rest, " ")
		if more && !strings.Contains(first, "=") {
			out = append(out, at(inst, fmt.Sprintf("\"%s key=value\" should be used instead of legacy \"%s key value\" format", strings.ToUpper(inst.Cmd), strings.ToUpper(inst.Cmd))))
		}
	}
	return out
}

// mixedInstructionCasing (ConsistentInstructionCasing) flags keywords not in the file's majority case.
type mixedInstructionCasing struct{}

var metaConsistentInstructionCasing = Meta{Rule: report.Rule{
	ID:       "ConsistentInstructionCasing",
	Severity: report.Medium,
	Title:    "All commands within the Dockerfile should use the same casing (either upper or lower)",
	Help:     "Mixed keyword casing makes the file harder to read and to grep.",
	Fix:      "Write every keyword in upper case (or every one in lower case).",
	Bad:      "FROM debian:12\nrun true\nRUN true\n",
	Good:     "FROM debian:12\nRUN true\nRUN true\n",
}}

func (mixedInstructionCasing) Meta() *Meta { return &metaConsistentInstructionCasing }
func (mixedInstructionCasing) Check(in *Input) []Problem {
	lower, upper := 0, 0
	for _, inst := range in.File.Instructions {
		switch inst.Keyword {
		case strings.ToLower(inst.Keyword):
			lower++
		case strings.ToUpper(inst.Keyword):
			upper++
		}
	}
	want := strings.ToUpper
	name := "uppercase"
	if lower > upper {
		want, name = strings.ToLower, "lowercase"
	}
	var out []Problem
	for _, inst := range in.File.Instructions {
		if inst.Keyword != want(inst.Keyword) {
			out = append(out, at(inst, fmt.Sprintf("Command '%s' should match the case of the command majority (%s)", inst.Keyword, name)))
		}
	}
	return out
}

// emptyContinuation (NoEmptyContinuation) flags empty lines inside a continued instruction.
type emptyContinuation struct{}

var metaNoEmptyContinuation = Meta{Rule: report.Rule{
	ID:       "NoEmptyContinuation",
	Severity: report.Medium,
	Title:    "Empty continuation lines will become errors in a future release",
	Help:     "An empty line inside a \\-continued instruction is skipped today and will be an error later.",
	Fix:      "Remove the empty line, or make it a comment.",
	Bad:      "FROM debian:12\nRUN echo a \\\n\n  && echo b\n",
	Good:     "FROM debian:12\nRUN echo a \\\n  && echo b\n",
}}

func (emptyContinuation) Meta() *Meta { return &metaNoEmptyContinuation }
func (emptyContinuation) Check(in *Input) []Problem {
	var out []Problem
	for _, l := range in.File.EmptyContinuations {
		if inst := in.File.InstructionAt(l); inst != nil {
			out = append(out, at(inst, ""))
		}
	}
	return out
}

// badDescriptionComment (InvalidDefinitionDescription) reports BuildKit's experimental check of
// stage and ARG description comments. Off by default, as in BuildKit.
type badDescriptionComment struct{}

var metaInvalidDefinitionDescription = Meta{Rule: report.Rule{
	ID:       "InvalidDefinitionDescription",
	Severity: report.Unknown,
	Title:    "Comment for build stage or argument should follow the format: `# <arg/stage name> <description>`",
	Help:     "BuildKit shows the comment above a stage or ARG as its description when it starts with the name. Experimental in BuildKit, so off unless enabled with a severity override.",
	Fix:      "Start the comment with the stage or ARG name, or separate it with an empty # line.",
	Bad:      "# a stage\nFROM scratch AS base\n",
	Good:     "# base is the stage everything builds on\nFROM scratch AS base\n",
}}

func (badDescriptionComment) Meta() *Meta { return &metaInvalidDefinitionDescription }
func (badDescriptionComment) Check(in *Input) []Problem {
	return buildkitWarnings(in.File, "InvalidDefinitionDescription")
}

// noHealthcheck (DL3057) flags final stages without a HEALTHCHECK.
type noHealthcheck struct{}

var metaDL3057 = Meta{Rule: report.Rule{
	ID:       "DL3057",
	Aliases:  []string{"DS026", "CIS-DI-0006", "CIS-4.6"},
	Severity: report.Low,
	Title:    "HEALTHCHECK instruction missing",
	Help:     "Without a health check the runtime only knows whether the process is alive, not whether it answers. On by default in harden (info); off by default in hadolint. Builder stages only used through COPY --from are not checked.",
	Fix:      "Add HEALTHCHECK CMD [\"/app/healthcheck\"] (exec form: distroless has no shell), or HEALTHCHECK NONE to say it is deliberate.",
	Bad:      "FROM debian:12\nCMD [\"app\"]\n",
	Good:     "FROM debian:12\nHEALTHCHECK NONE\nCMD [\"app\"]\n",
}}

func (noHealthcheck) Meta() *Meta { return &metaDL3057 }
func (noHealthcheck) Check(in *Input) []Problem {
	var out []Problem
	f := in.File
	for _, s := range f.Leaves() {
		if s != f.Final() && f.CopiedFrom(s) {
			continue
		}
		found := false
		for _, st := range s.Chain() {
			if hasCmd(st.Instructions, "healthcheck") {
				found = true
			}
		}
		if !found {
			out = append(out, at(s.From, "the stage has no HEALTHCHECK"))
		}
	}
	return out
}

func hasCmd(ins []*dockerfile.Instruction, cmd string) bool {
	for _, in := range ins {
		if in.Cmd == cmd {
			return true
		}
	}
	return false
}

// inlineIgnorePragma (DL1001) flags inline ignore pragmas. Off by default, as in hadolint.
type inlineIgnorePragma struct{}

var metaDL1001 = Meta{Rule: report.Rule{
	ID:       "DL1001",
	Severity: report.Unknown,
	Title:    "Please refrain from using inline ignore pragmas # hadolint ignore=DLxxxx",
	Help:     "Inline pragmas hide findings where reviewers do not look; some teams prefer .harden.yaml ignores with a reason. Only the next-instruction forms are flagged (not global or stage pragmas, nor a check= parser directive), as in hadolint. Off unless enabled with a severity override.",
	Fix:      "Move the exception to .harden.yaml lint.ignore or fix the finding.",
	Bad:      "FROM debian:12\n# hadolint ignore=DL3003\nRUN cd /tmp\n",
	Good:     "FROM debian:12\n# a comment\nRUN true\n",
}}

func (inlineIgnorePragma) Meta() *Meta { return &metaDL1001 }
func (inlineIgnorePragma) Check(in *Input) []Problem {
	// Like hadolint, only the inline (next-instruction) form: global and
	// stage pragmas, and a check= parser directive, sit where reviewers look.
	var out []Problem
	for _, p := range in.File.Pragmas() {
		if p.Scope == dockerfile.ScopeNext {
			out = append(out, Problem{Line: p.Line, Column: 1, EndLine: p.Line})
		}
	}
	return out
}
