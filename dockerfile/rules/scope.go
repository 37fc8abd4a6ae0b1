package rules

import (
	"regexp"

	"github.com/harden-dev/harden/dockerfile"
)

// varScope tells whether the variables of a RUN hold something: a
// variable some ARG or ENV of the file declares, but not one the RUN can
// see (an unrelated stage's, a global ARG the stage does not declare again,
// one declared after the RUN), expands to nothing. An ONBUILD trigger runs
// in the image built FROM this one, so it sees the whole stage. A variable the file
// never declares may come from the base image, so it gets the benefit of
// the doubt, as in hadolint.
type varScope struct {
	declared, visible map[string]bool
	script            string
}

func newVarScope(f *dockerfile.File, inst *dockerfile.Instruction, s *dockerfile.Script) *varScope {
	v := &varScope{declared: map[string]bool{}, visible: map[string]bool{}}
	if s != nil {
		v.script = s.Text
	}
	for _, x := range f.Instructions {
		for _, y := range []*dockerfile.Instruction{x, x.Trigger} {
			if y != nil && (y.Cmd == "arg" || y.Cmd == "env") {
				for _, kv := range y.KeyValues() {
					v.declared[kv.Key] = true
				}
			}
		}
	}
	if inst.Stage == nil {
		return v
	}
	chain := inst.Stage.Chain()
	for i := len(chain) - 1; i >= 0; i-- {
		for _, x := range chain[i].Instructions {
			if x == inst {
				return v
			}
			if x.Cmd == "arg" || x.Cmd == "env" {
				for _, kv := range x.KeyValues() {
					v.visible[kv.Key] = true
				}
			}
		}
	}
	return v
}

// pins reports whether word's variables can stand for a version: it has
// variables, and none of them is declared only out of the RUN's reach.
func (v *varScope) pins(word string) bool {
	names := varsIn(word)
	if len(names) == 0 {
		return false
	}
	for _, n := range names {
		if v.declared[n] && !v.visible[n] && !v.assigns(n) {
			return false
		}
	}
	return true
}

// assigns reports whether the RUN's script sets name itself.
func (v *varScope) assigns(name string) bool {
	re := regexp.MustCompile(`(?:^|[\s;&|(])(?:(?:export|local|readonly|declare)\s+)?` + name + `=|\b(?:for|read)\s+(?:-\w+\s+)*` + name + `\b`)
	return re.MatchString(v.script)
}
