package rules

import (
	"fmt"
	"strings"

	"github.com/harden-dev/harden/dockerfile"
	"github.com/harden-dev/harden/report"
)

// duplicates reports the second and later instructions cmd in each stage.
func duplicates(f *dockerfile.File, cmd string) []Problem {
	var out []Problem
	for _, s := range f.Blocks() {
		var first *dockerfile.Instruction
		for _, inst := range s.Instructions {
			if inst.Cmd != cmd {
				continue
			}
			if first == nil {
				first = inst
				continue
			}
			out = append(out, at(inst, fmt.Sprintf("%s on line %d is overridden by this one", strings.ToUpper(cmd), first.Line)))
		}
	}
	return out
}

// multipleCmd (DL4003) flags several CMD in one stage.
type multipleCmd struct{}

var metaDL4003 = Meta{Rule: report.Rule{
	ID:       "DL4003",
	Aliases:  []string{"DS016", "MultipleInstructionsDisallowed"},
	Severity: report.Medium,
	Title:    "Multiple CMD instructions found. If you list more than one CMD then only the last CMD will take effect",
	Help:     "Only the last CMD of a stage counts; the others mislead the reader.",
	Fix:      "Keep one CMD per stage.",
	Bad:      "FROM debian:12\nCMD [\"a\"]\nCMD [\"b\"]\n",
	Good:     "FROM debian:12\nCMD [\"b\"]\n",
}}

func (multipleCmd) Meta() *Meta               { return &metaDL4003 }
func (multipleCmd) Check(in *Input) []Problem { return duplicates(in.File, "cmd") }

// multipleEntrypoint (DL4004) flags several ENTRYPOINT in one stage.
type multipleEntrypoint struct{}

var metaDL4004 = Meta{Rule: report.Rule{
	ID:       "DL4004",
	Aliases:  []string{"DS007", "MultipleInstructionsDisallowed"},
	Severity: report.High,
	Title:    "Multiple ENTRYPOINT instructions found. If you list more than one ENTRYPOINT then only the last ENTRYPOINT will take effect",
	Help:     "Only the last ENTRYPOINT of a stage counts.",
	Fix:      "Keep one ENTRYPOINT per stage.",
	Bad:      "FROM debian:12\nENTRYPOINT [\"a\"]\nENTRYPOINT [\"b\"]\n",
	Good:     "FROM debian:12\nENTRYPOINT [\"b\"]\n",
}}

func (multipleEntrypoint) Meta() *Meta               { return &metaDL4004 }
func (multipleEntrypoint) Check(in *Input) []Problem { return duplicates(in.File, "entrypoint") }

// multipleHealthcheck (DL3012) flags several HEALTHCHECK in one stage.
type multipleHealthcheck struct{}

var metaDL3012 = Meta{Rule: report.Rule{
	ID:       "DL3012",
	Aliases:  []string{"DS023", "MultipleInstructionsDisallowed"},
	Severity: report.High,
	Title:    "Multiple HEALTHCHECK instructions",
	Help:     "Only the last HEALTHCHECK of a stage counts.",
	Fix:      "Keep one HEALTHCHECK per stage.",
	Bad:      "FROM debian:12\nHEALTHCHECK CMD [\"a\"]\nHEALTHCHECK CMD [\"b\"]\n",
	Good:     "FROM debian:12\nHEALTHCHECK CMD [\"b\"]\n",
}}

func (multipleHealthcheck) Meta() *Meta               { return &metaDL3012 }
func (multipleHealthcheck) Check(in *Input) []Problem { return duplicates(in.File, "healthcheck") }
