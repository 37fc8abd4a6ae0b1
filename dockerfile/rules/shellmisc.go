package rules

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/harden-dev/harden/dockerfile"
	"github.com/harden-dev/harden/report"
	"github.com/moby/buildkit/frontend/dockerfile/instructions"
)

// pointlessCommand (DL3001) flags commands that make no sense in a container.
type pointlessCommand struct{}

var metaDL3001 = Meta{Rule: report.Rule{
	ID:       "DL3001",
	Severity: report.Low,
	Title:    "For some bash commands it makes no sense running them in a Docker container like ssh, vim, shutdown, service, ps, free, top, kill, mount, ifconfig",
	Help:     "Interactive and system-management tools do nothing useful during a build.",
	Fix:      "Remove the command.",
	Bad:      "FROM debian:12\nRUN top\n",
	Good:     "FROM debian:12\nRUN apt-get install -y ssh\n",
}}

func (pointlessCommand) Meta() *Meta { return &metaDL3001 }
func (pointlessCommand) Check(in *Input) []Problem {
	return perCommand(in.File, func(c *dockerfile.Command) bool {
		return c.Is("free", "kill", "mount", "ps", "service", "shutdown", "ssh", "top", "vim", "ifconfig")
	})
}

// cdInsteadOfWorkdir (DL3003) flags cd in RUN.
type cdInsteadOfWorkdir struct{}

var metaDL3003 = Meta{Rule: report.Rule{
	ID:       "DL3003",
	Aliases:  []string{"DS013"},
	Severity: report.Medium,
	Title:    "Use WORKDIR to switch to a directory",
	Help:     "cd only lasts for the RUN it is in; WORKDIR says where later instructions run.",
	Fix:      "Use WORKDIR, or a subshell or tool option (make -C, git -C).",
	Bad:      "FROM debian:12\nRUN cd /tmp && make\n",
	Good:     "FROM debian:12\nWORKDIR /tmp\nRUN make\n",
}}

func (cdInsteadOfWorkdir) Meta() *Meta { return &metaDL3003 }
func (cdInsteadOfWorkdir) Check(in *Input) []Problem {
	return perCommand(in.File, func(c *dockerfile.Command) bool { return c.Name == "cd" })
}

// sudoInRun (DL3004) flags sudo.
type sudoInRun struct{}

var metaDL3004 = Meta{Rule: report.Rule{
	ID:       "DL3004",
	Aliases:  []string{"DS010", "DKL-DI-0001"},
	Severity: report.High,
	Title:    "Do not use sudo as it leads to unpredictable behavior. Use a tool like gosu to enforce root",
	Help:     "sudo needs a TTY and a sudoers setup, and leaves a setuid binary in the image.",
	Fix:      "Run the step as root (USER root … USER app) or use gosu/setpriv at runtime.",
	Bad:      "FROM debian:12\nRUN sudo apt-get update\n",
	Good:     "FROM debian:12\nRUN apt-get update\n",
}}

func (sudoInRun) Meta() *Meta { return &metaDL3004 }
func (sudoInRun) Check(in *Input) []Problem {
	return perCommand(in.File, func(c *dockerfile.Command) bool { return c.Is("sudo") })
}

// consecutiveRuns (DL3059) flags consecutive single-command RUNs.
type consecutiveRuns struct{}

var metaDL3059 = Meta{Rule: report.Rule{
	ID:       "DL3059",
	Severity: report.Low,
	Title:    "Multiple consecutive RUN instructions. Consider consolidation",
	Help:     "Each RUN is a layer; two single-command RUNs in a row are usually one step split in two.",
	Fix:      "Join them with &&.",
	Bad:      "FROM debian:12\nRUN /a.sh\nRUN /b.sh\n",
	Good:     "FROM debian:12\nRUN /a.sh && /b.sh\n",
}}

func (consecutiveRuns) Meta() *Meta { return &metaDL3059 }
func (consecutiveRuns) Check(in *Input) []Problem {
	var out []Problem
	for _, s := range in.File.Blocks() {
		for i := 1; i < len(s.Instructions); i++ {
			a, b := s.Instructions[i-1], s.Instructions[i]
			if a.Cmd != "run" || b.Cmd != "run" || a.Script == nil || b.Script == nil {
				continue
			}
			if len(a.Script.Commands) > 1 || len(b.Script.Commands) > 1 || !slices.Equal(a.Flags, b.Flags) {
				continue
			}
			out = append(out, at(b, fmt.Sprintf("RUN follows the RUN on line %d", a.Line)))
		}
	}
	return out
}

// wgetAndCurl (DL4001) flags using both wget and curl in one stage.
type wgetAndCurl struct{}

var metaDL4001 = Meta{Rule: report.Rule{
	ID:       "DL4001",
	Aliases:  []string{"DS014"},
	Severity: report.Medium,
	Title:    "Either use Wget or Curl but not both",
	Help:     "Two download tools are two sets of dependencies and behaviours for one job.",
	Fix:      "Standardise on one of them.",
	Bad:      "FROM debian:12\nRUN wget -q http://a/x\nRUN curl -fsSO http://a/y\n",
	Good:     "FROM debian:12\nRUN curl -fsSO http://a/x\nRUN curl -fsSO http://a/y\n",
}}

func (wgetAndCurl) Meta() *Meta { return &metaDL4001 }
func (wgetAndCurl) Check(in *Input) []Problem {
	var out []Problem
	for _, s := range in.File.Blocks() {
		wget, curl := false, false
		for _, inst := range s.Instructions {
			sc := inst.Script
			if inst.Trigger != nil {
				sc = inst.Trigger.Script
			}
			if sc == nil {
				continue
			}
			w, c := sc.Has("wget"), sc.Has("curl")
			wget, curl = wget || w, curl || c
			if (w || c) && wget && curl {
				out = append(out, at(inst, ""))
			}
		}
	}
	return out
}

// shellLinked (DL4005) flags replacing /bin/sh with ln.
type shellLinked struct{}

var metaDL4005 = Meta{Rule: report.Rule{
	ID:       "DL4005",
	Severity: report.Medium,
	Title:    "Use SHELL to change the default shell",
	Help:     "Relinking /bin/sh changes the shell for every script in the image, not only for the build.",
	Fix:      "Use SHELL [\"/bin/bash\", \"-c\"].",
	Bad:      "FROM debian:12\nRUN ln -sf /bin/bash /bin/sh\n",
	Good:     "FROM debian:12\nSHELL [\"/bin/bash\", \"-c\"]\n",
}}

func (shellLinked) Meta() *Meta { return &metaDL4005 }
func (shellLinked) Check(in *Input) []Problem {
	return perCommand(in.File, func(c *dockerfile.Command) bool { return c.Is("ln") && c.HasArg("/bin/sh") })
}

// pipeWithoutPipefail (DL4006) flags pipes without pipefail.
type pipeWithoutPipefail struct{}

var metaDL4006 = Meta{Rule: report.Rule{
	ID:       "DL4006",
	Severity: report.Medium,
	Title:    "Set the SHELL option -o pipefail before RUN with a pipe in it",
	Help:     "Without pipefail a pipeline's status is its last command's, so `curl … | tar x` passes when curl fails. If /bin/sh is busybox, set SHELL to /bin/ash.",
	Fix:      "Add SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"] before the RUN.",
	Bad:      "FROM debian:12\nRUN wget -O - https://x | wc -l\n",
	Good:     "FROM debian:12\nSHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\nRUN wget -O - https://x | wc -l\n",
}}

func (pipeWithoutPipefail) Meta() *Meta { return &metaDL4006 }
func (pipeWithoutPipefail) Check(in *Input) []Problem {
	var out []Problem
	for _, s := range in.File.Blocks() {
		ok := false
		for _, inst := range s.Instructions {
			if sh, isShell := inst.Command.(*instructions.ShellCommand); isShell {
				ok = pipefailShell(sh.Shell)
			}
			if inst.Cmd == "run" && inst.Script != nil && !inst.Script.Exec && inst.Script.HasPipe && !ok {
				out = append(out, at(inst, ""))
			}
		}
	}
	return out
}

func pipefailShell(sh []string) bool {
	if len(sh) == 0 {
		return false
	}
	b := strings.ToLower(path.Base(sh[0]))
	if strings.Contains(b, "pwsh") || strings.Contains(b, "powershell") || strings.Contains(b, "cmd") {
		return true
	}
	if b != "bash" && b != "zsh" && b != "ash" {
		return false
	}
	for i, a := range sh[1:] {
		if strings.HasPrefix(a, "-") && !strings.HasPrefix(a, "--") && strings.HasSuffix(a, "o") && i+2 < len(sh) && sh[i+2] == "pipefail" {
			return true
		}
	}
	return false
}

// wgetProgressBar (DL3047) flags wget without a progress option.
type wgetProgressBar struct{}

var metaDL3047 = Meta{Rule: report.Rule{
	ID:       "DL3047",
	Severity: report.Low,
	Title:    "Avoid use of wget without progress bar. Use wget --progress=dot:giga <url>. Or consider using -q or -nv (shorthands for --quiet or --no-verbose)",
	Help:     "wget's default progress bar floods build logs.",
	Fix:      "Add --progress=dot:giga, -q or -nv.",
	Bad:      "FROM debian:12\nRUN wget https://x/y\n",
	Good:     "FROM debian:12\nRUN wget -q https://x/y\n",
}}

func (wgetProgressBar) Meta() *Meta { return &metaDL3047 }
func (wgetProgressBar) Check(in *Input) []Problem {
	return perCommand(in.File, func(c *dockerfile.Command) bool {
		if !c.Is("wget") {
			return false
		}
		for _, a := range c.Args {
			if a == "-nv" || strings.HasPrefix(a, "--progress") {
				return false
			}
		}
		return !c.HasFlag("q", "quiet", "o", "output-file", "a", "append-output", "no-verbose")
	})
}

// cacheMounted reports whether a RUN has a cache or tmpfs mount whose
// target contains one of the fragments.
func cacheMounted(in *dockerfile.Instruction, fragments ...string) bool {
	for _, m := range in.Mounts() {
		if m.Type != instructions.MountTypeCache && m.Type != instructions.MountTypeTmpfs {
			continue
		}
		for _, f := range fragments {
			if strings.Contains(m.Target, f) {
				return true
			}
		}
	}
	return false
}

// lastOrBase reports whether cleanup findings on inst matter: its stage is
// the last one or a later stage builds FROM it (hadolint's rule for
// cleanup). An ONBUILD trigger always matters: it runs in whatever image
// builds FROM this one, whichever stage it is written in (hadolint checks
// the ONBUILD triggers as a stream of their own).
func lastOrBase(f *dockerfile.File, inst *dockerfile.Instruction) bool {
	s := inst.Stage
	return inst.IsOnbuild() || s == nil || s == f.Final() || f.UsedAsBase(s)
}

// insertAfter makes an edit inserting text after argument i of c, when its
// position is known.
func insertAfter(c *dockerfile.Command, i int, text string) []Edit {
	sp := c.Span(i)
	if i < 0 || !sp.Known() || c.Nested {
		return nil
	}
	return []Edit{{Start: sp.End, End: sp.End, Text: text}}
}

// missingOption reports each RUN with a command that lacks an option, and
// fixes it by inserting text after the subcommand. find returns the index of
// the subcommand (or -1), has says the option is there, and exempt skips a
// whole RUN (a cache mount, say).
func missingOption(f *dockerfile.File, find func(*dockerfile.Command) int, has func(*dockerfile.Command) bool,
	exempt func(*dockerfile.Instruction, *dockerfile.Script) bool, insert string) []Problem {
	var out []Problem
	runs(f, func(inst *dockerfile.Instruction, s *dockerfile.Script) {
		if exempt != nil && exempt(inst, s) {
			return
		}
		p := at(inst, "")
		found := false
		for _, c := range s.Commands {
			i := find(c)
			if i < 0 || has(c) {
				continue
			}
			found = true
			p.Edits = append(p.Edits, insertAfter(c, i, insert)...)
		}
		if found {
			out = append(out, p)
		}
	})
	return out
}
