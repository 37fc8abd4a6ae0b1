package rules

import (
	"fmt"
	"slices"
	"strings"

	"github.com/harden-dev/harden/dockerfile"
	"github.com/harden-dev/harden/report"
	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/linter"
)

// commonEnv are variables base images usually define; UndefinedVar uses
// them for "did you mean" suggestions only.
var commonEnv = map[string]bool{"PATH": true, "HOME": true, "HOSTNAME": true, "LANG": true, "USER": true, "JAVA_HOME": true,
	"GOPATH": true, "GOROOT": true, "NODE_VERSION": true, "PYTHON_VERSION": true, "NODE_ENV": true, "PWD": true}

// undefinedVar (UndefinedVar) flags variables used before any ARG or ENV defines them.
type undefinedVar struct{}

var metaUndefinedVar = Meta{Rule: report.Rule{
	ID:       "UndefinedVar",
	Severity: report.Medium,
	Title:    "Variables should be defined before their use",
	Help:     "An undefined variable expands to nothing, so the instruction silently does something else. The words checked are the ones BuildKit expands (COPY and ADD sources, destination and flags, heredoc bodies, ENV and LABEL values, RUN --mount options…). harden cannot read the base image's ENV, so it reports a variable only when it is certainly unset: the stage starts FROM scratch; the file declares it, but out of reach (later, in another stage, a global ARG the stage does not declare again, or in the same ENV, whose values are all expanded before any is set); or the name is one edit away from a variable that is defined (a typo). Shell-form RUN, CMD and ENTRYPOINT are not checked: the shell expands those.",
	Fix:      "Declare it with ARG or ENV first (again in each stage for a global ARG), split the ENV, or fix the typo.",
	Bad:      "FROM scratch\nCOPY $foo .\n",
	Good:     "FROM scratch\nARG foo=app\nCOPY $foo .\n",
}}

func (undefinedVar) Meta() *Meta { return &metaUndefinedVar }
func (undefinedVar) Check(in *Input) []Problem {
	f := in.File
	global := f.MetaArgs()
	var out []Problem
	for _, s := range f.Stages {
		defined := dockerfile.Env{}
		chain := s.Chain()
		for i := len(chain) - 1; i >= 1; i-- {
			for _, inst := range chain[i].Instructions {
				define(defined, inst)
			}
		}
		scratch := strings.EqualFold(s.Root().Base, "scratch")
		for _, inst := range s.Instructions {
			reported := map[string]bool{}
			var declared map[string]bool
			for _, v := range undefinedIn(inst, defined, f.Escape) {
				if reported[v] || commonEnv[v] || platformArgs[v] {
					continue
				}
				if declared == nil {
					declared = newVarScope(f, inst, nil).declared
				}
				sug := suggest(v, keys(defined), commonEnv)
				hint := ""
				switch {
				case setBy(inst, v):
					hint = fmt.Sprintf("this %s sets it only after expanding its values", strings.ToUpper(inst.Cmd))
				case hasKey(global, v):
					hint = fmt.Sprintf("global ARG %s must be declared again in the stage to be used", v)
				case declared[v] && !setsKey(inst, v):
					hint = "it is declared only later or in another stage"
				case !scratch && sug == "":
					continue
				}
				reported[v] = true
				msg := fmt.Sprintf("Usage of undefined variable '$%s'", v)
				if sug != "" {
					msg += fmt.Sprintf(" (did you mean $%s?)", sug)
				}
				if hint != "" {
					msg += " (" + hint + ")"
				}
				out = append(out, at(inst, msg))
			}
			define(defined, inst)
		}
	}
	return out
}

func hasKey(e dockerfile.Env, k string) bool { _, ok := e[k]; return ok }

// define records the variables an ARG or ENV sets.
func define(defined dockerfile.Env, inst *dockerfile.Instruction) {
	if inst.Cmd == "arg" || inst.Cmd == "env" {
		for _, kv := range inst.KeyValues() {
			defined[kv.Key] = kv.Value
		}
	}
}

// setBy reports whether an ENV sets name and uses it in the value of
// another of its keys (ENV A=1 B=$A): every value is expanded before any key
// is set, so that use is certainly unset. ENV A=/x:$A extends what the base
// image may set, so it is not certain.
func setBy(inst *dockerfile.Instruction, name string) bool {
	if inst.Cmd != "env" {
		return false
	}
	return setsKey(inst, name) && slices.ContainsFunc(inst.KeyValues(), func(kv dockerfile.KeyValue) bool {
		return kv.Key != name && slices.Contains(varsIn(kv.Value), name)
	})
}

// setsKey reports whether an ENV or ARG sets name itself.
func setsKey(inst *dockerfile.Instruction, name string) bool {
	return (inst.Cmd == "env" || inst.Cmd == "arg") &&
		slices.ContainsFunc(inst.KeyValues(), func(kv dockerfile.KeyValue) bool { return kv.Key == name })
}

// undefinedIn lists the variables an instruction references that defined
// lacks, in the words BuildKit expands: it runs BuildKit's own Expand on a
// fresh parse of the instruction (Expand rewrites the command in place), as
// BuildKit's dispatch does, with the heredoc bodies it expands raw. An
// ARG's defaults are expanded one by one, each seeing the ARGs before it.
func undefinedIn(inst *dockerfile.Instruction, defined dockerfile.Env, esc byte) []string {
	if inst.Node == nil || inst.Cmd == "onbuild" {
		return nil // a trigger is expanded in the image that builds FROM this one
	}
	var out []string
	collect := func(word string, un []string, err error) (string, error) {
		if err == nil {
			out = append(out, un...)
		}
		return word, nil
	}
	if inst.Cmd == "arg" {
		env := dockerfile.Env{}
		for k, v := range defined {
			env[k] = v
		}
		for _, kv := range inst.KeyValues() {
			if kv.HasValue {
				collect(dockerfile.Expand(kv.Value, env, esc))
			}
			env[kv.Key] = kv.Value
		}
		return out
	}
	// A quiet linter, not nil: BuildKit merges the check= comments above the
	// instruction into the linter it is given, and a nil one panics.
	cmd, err := instructions.ParseInstructionWithLinter(inst.Node, linter.New(&linter.Config{}))
	if err != nil {
		return nil
	}
	if ex, ok := cmd.(instructions.SupportsSingleWordExpansion); ok {
		_ = ex.Expand(func(w string) (string, error) { return collect(dockerfile.Expand(w, defined, esc)) })
	}
	if ex, ok := cmd.(instructions.SupportsSingleWordExpansionRaw); ok {
		_ = ex.ExpandRaw(func(w string) (string, error) { return collect(dockerfile.ExpandRaw(w, defined)) })
	}
	return out
}
