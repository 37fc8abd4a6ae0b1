package rules

import (
	"fmt"
	"strings"

	"github.com/harden-dev/harden/dockerfile"
)

// commonEnv are variables base images usually define; UndefinedVar uses
// them for "did you mean" suggestions only.
var commonEnv = map[string]bool{"PATH": true, "HOME": true, "HOSTNAME": true, "LANG": true, "USER": true, "JAVA_HOME": true,
	"GOPATH": true, "GOROOT": true, "NODE_VERSION": true, "PYTHON_VERSION": true, "NODE_ENV": true, "PWD": true}

// expandedCmds are the instructions whose arguments BuildKit expands.
var expandedCmds = map[string]bool{"add": true, "copy": true, "env": true, "label": true, "expose": true, "user": true,
	"volume": true, "workdir": true, "stopsignal": true, "arg": true}

// UndefinedVar flags variables used before any ARG or ENV defines them.
type UndefinedVar struct{}

var metaUndefinedVar = Meta{
	ID: "UndefinedVar", Level: dockerfile.Warning,
	Title:       "Variables should be defined before their use",
	Description: "An undefined variable expands to nothing, so the instruction silently does something else. harden cannot read the base image's ENV, so it reports a variable only when the stage starts FROM scratch or when the name is one edit away from a variable that is defined (a typo). RUN, CMD and ENTRYPOINT are not checked: the shell expands those.",
	Fix:         "Declare it with ARG or ENV first, or fix the typo.",
	Bad:         "FROM scratch\nCOPY $foo .\n", Good: "FROM scratch\nARG foo=app\nCOPY $foo .\n",
}

func (UndefinedVar) Meta() *Meta { return &metaUndefinedVar }
func (UndefinedVar) Check(in *Input) []Problem {
	f := in.File
	var out []Problem
	for _, s := range f.Stages {
		defined := dockerfile.Env{}
		chain := s.Chain()
		for i := len(chain) - 1; i >= 1; i-- {
			for _, inst := range chain[i].Instructions {
				if inst.Cmd == "arg" || inst.Cmd == "env" {
					for _, kv := range inst.KeyValues() {
						defined[kv.Key] = kv.Value
					}
				}
			}
		}
		scratch := strings.EqualFold(s.Root().Base, "scratch")
		for _, inst := range s.Instructions {
			if expandedCmds[inst.Cmd] {
				reported := map[string]bool{}
				for _, v := range undefinedIn(inst, defined, f.Escape) {
					if reported[v] || commonEnv[v] || platformArgs[v] && inst.Cmd != "arg" {
						continue
					}
					sug := suggest(v, keys(defined), commonEnv)
					if !scratch && sug == "" {
						continue
					}
					reported[v] = true
					msg := fmt.Sprintf("Usage of undefined variable '$%s'", v)
					if sug != "" {
						msg += fmt.Sprintf(" (did you mean $%s?)", sug)
					}
					out = append(out, at(inst, msg))
				}
			}
			if inst.Cmd == "arg" || inst.Cmd == "env" {
				for _, kv := range inst.KeyValues() {
					defined[kv.Key] = kv.Value
				}
			}
		}
	}
	return out
}

// undefinedIn lists the variables an instruction references that are not
// defined, in order.
func undefinedIn(inst *dockerfile.Instruction, defined dockerfile.Env, esc byte) []string {
	var words []string
	switch inst.Cmd {
	case "env", "label", "arg":
		for _, kv := range inst.KeyValues() {
			words = append(words, kv.Value)
		}
	default:
		words = inst.Args
		for _, fl := range inst.Flags {
			if k, v, ok := strings.Cut(strings.TrimPrefix(fl, "--"), "="); ok && (k == "chown" || k == "chmod") {
				words = append(words, v)
			}
		}
	}
	var out []string
	for _, w := range words {
		if !strings.Contains(w, "$") {
			continue
		}
		_, un, err := dockerfile.Expand(w, defined, esc)
		if err != nil {
			continue
		}
		out = append(out, un...)
	}
	return out
}
