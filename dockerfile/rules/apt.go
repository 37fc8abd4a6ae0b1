package rules

import (
	"fmt"
	"strings"

	"github.com/harden-dev/harden/dockerfile"
	"github.com/harden-dev/harden/report"
)

// aptInstall returns the index of "install" in an apt-get command, or -1.
func aptInstall(c *dockerfile.Command) int {
	if !c.Is("apt-get") {
		return -1
	}
	return c.ArgIndex("install")
}

// packagesAfter returns the positional arguments after index i, skipping
// the values of the options named in valued.
func packagesAfter(c *dockerfile.Command, i int, valued ...string) []string {
	sub := &dockerfile.Command{Name: c.Name, Args: c.Args[i+1:]}
	return sub.Positional(valued...)
}

// aptUnpinned (DL3008) flags apt-get install without pinned versions.
type aptUnpinned struct{}

var metaDL3008 = Meta{Rule: report.Rule{
	ID:       "DL3008",
	Severity: report.Medium,
	Title:    "Pin versions in apt get install. Instead of `apt-get install <package>` use `apt-get install <package>=<version>`",
	Help:     "Unpinned packages make the image depend on the day it was built.",
	Fix:      "Write package=version, or accept the drift and ignore the rule.",
	Bad:      "FROM debian:12\nRUN apt-get install -y curl\n",
	Good:     "FROM debian:12\nRUN apt-get install -y curl=7.88.1-10+deb12u5\n",
}}

func (aptUnpinned) Meta() *Meta { return &metaDL3008 }
func (aptUnpinned) Check(in *Input) []Problem {
	var out []Problem
	runs(in.File, func(inst *dockerfile.Instruction, s *dockerfile.Script) {
		scope := newVarScope(in.File, inst, s)
		var bad []string
		for _, c := range s.Commands {
			i := aptInstall(c)
			if i < 0 {
				continue
			}
			for _, p := range packagesAfter(c, i, "t", "target-release", "o", "option", "c", "config-file") {
				if !strings.ContainsAny(p, "=/") && !strings.HasSuffix(p, ".deb") && !(strings.HasPrefix(p, "$") && scope.pins(p)) {
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

// aptListsKept (DL3009) flags apt lists left in the image.
type aptListsKept struct{}

var metaDL3009 = Meta{Rule: report.Rule{
	ID:       "DL3009",
	Aliases:  []string{"DKL-DI-0005"},
	Severity: report.Low,
	Title:    "Delete the apt lists (/var/lib/apt/lists) after installing something",
	Help:     "apt-get update leaves tens of megabytes of package lists in the layer. Only the last stage and stages used as a base count.",
	Fix:      "End the same RUN with rm -rf /var/lib/apt/lists/*, or use a cache mount on /var/lib/apt/lists.",
	Bad:      "FROM debian:12\nRUN apt-get update && apt-get install -y curl\n",
	Good:     "FROM debian:12\nRUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*\n",
}}

func (aptListsKept) Meta() *Meta { return &metaDL3009 }
func (aptListsKept) Check(in *Input) []Problem {
	f := in.File
	return perRun(f, func(inst *dockerfile.Instruction, s *dockerfile.Script) string {
		if !lastOrBase(f, inst) || cacheMounted(inst, "/var/lib/apt/lists") ||
			cacheMounted(inst, "/var/lib/apt") && cacheMounted(inst, "/var/cache/apt") {
			return ""
		}
		updated := false
		for _, c := range s.Commands {
			if c.Is("apt-get", "apt", "aptitude") && c.HasArg("update") {
				updated = true
			}
			if c.Is("rm") && (c.HasFlag("r", "R", "recursive") && c.HasFlag("f", "force") || c.HasArg("/var/lib/apt/lists/*", "/var/lib/apt/lists")) {
				return ""
			}
		}
		if updated {
			return "apt lists are not removed"
		}
		return ""
	})
}

// aptNoYes (DL3014) flags apt-get install without -y.
type aptNoYes struct{}

var metaDL3014 = Meta{Rule: report.Rule{
	ID:       "DL3014",
	Aliases:  []string{"DS021"},
	Severity: report.Medium,
	Title:    "Use the -y switch to avoid manual input `apt-get -y install <package>`",
	Help:     "Without -y apt-get waits for a confirmation the build cannot give and aborts.",
	Fix:      "Add -y (--fix does this).",
	Bad:      "FROM debian:12\nRUN apt-get install curl\n",
	Good:     "FROM debian:12\nRUN apt-get install -y curl\n",
}, Fixable: true}

func (aptNoYes) Meta() *Meta { return &metaDL3014 }
func (aptNoYes) Check(in *Input) []Problem {
	return missingOption(in.File, aptInstall, func(c *dockerfile.Command) bool {
		return c.HasFlag("y", "yes", "assume-yes") || c.CountFlag("q")+c.CountFlag("quiet") >= 2 || c.HasArg("-q=2", "--quiet=2")
	}, nil, " -y")
}

// aptRecommends (DL3015) flags apt-get install without --no-install-recommends.
type aptRecommends struct{}

var metaDL3015 = Meta{Rule: report.Rule{
	ID:       "DL3015",
	Aliases:  []string{"DS029", "CIS-4.3"},
	Severity: report.Low,
	Title:    "Avoid additional packages by specifying `--no-install-recommends`",
	Help:     "Recommended packages are not needed to run the software and often double the image.",
	Fix:      "Add --no-install-recommends (--fix does this).",
	Bad:      "FROM debian:12\nRUN apt-get install -y curl\n",
	Good:     "FROM debian:12\nRUN apt-get install -y --no-install-recommends curl\n",
}, Fixable: true}

func (aptRecommends) Meta() *Meta { return &metaDL3015 }
func (aptRecommends) Check(in *Input) []Problem {
	return missingOption(in.File, aptInstall, func(c *dockerfile.Command) bool {
		return c.HasFlag("no-install-recommends") || c.HasArg("APT::Install-Recommends=false")
	}, nil, " --no-install-recommends")
}

// aptInsteadOfAptGet (DL3027) flags apt (the interactive front end) in RUN.
type aptInsteadOfAptGet struct{}

var metaDL3027 = Meta{Rule: report.Rule{
	ID:       "DL3027",
	Severity: report.Medium,
	Title:    "Do not use apt as it is meant to be an end-user tool, use apt-get or apt-cache instead",
	Help:     "apt's command-line interface is not stable for scripts and warns so.",
	Fix:      "Use apt-get or apt-cache.",
	Bad:      "FROM debian:12\nRUN apt install -y curl\n",
	Good:     "FROM debian:12\nRUN apt-get install -y curl\n",
}}

func (aptInsteadOfAptGet) Meta() *Meta { return &metaDL3027 }
func (aptInsteadOfAptGet) Check(in *Input) []Problem {
	return perCommand(in.File, func(c *dockerfile.Command) bool { return c.Is("apt") })
}

// aptDistUpgrade (DS024) flags apt-get dist-upgrade. Deprecated in Trivy, so off by default.
type aptDistUpgrade struct{}

var metaDS024 = Meta{Rule: report.Rule{
	ID:       "DS024",
	Aliases:  []string{"DKL-DI-0003"},
	Severity: report.Unknown,
	Title:    "'apt-get dist-upgrade' used",
	Help:     "dist-upgrade can pull a new release's packages into the image. Trivy deprecated this check (upgrading for patches is reasonable), so it is off unless enabled.",
	Fix:      "Use a newer base image instead.",
	Bad:      "FROM debian:12\nRUN apt-get update && apt-get dist-upgrade -y\n",
	Good:     "FROM debian:12\nRUN apt-get update && apt-get install -y curl\n",
}}

func (aptDistUpgrade) Meta() *Meta { return &metaDS024 }
func (aptDistUpgrade) Check(in *Input) []Problem {
	return perCommand(in.File, func(c *dockerfile.Command) bool { return c.Is("apt-get", "apt") && c.HasArg("dist-upgrade") })
}

// updateTools are the package managers DS017 knows, with the subcommands
// that make an update useful.
var updateTools = map[string][]string{
	"apt-get": {"install", "upgrade", "dist-upgrade", "source", "build-dep"},
	"apt":     {"install", "upgrade", "full-upgrade", "dist-upgrade"},
	"yum":     {"install", "upgrade", "groupinstall", "localinstall", "reinstall"},
	"dnf":     {"install", "upgrade", "groupinstall", "localinstall", "reinstall"},
	"apk":     {"add", "upgrade"},
	"zypper":  {"install", "in", "update", "up", "upgrade", "source-install", "si", "patch"},
}

// updateAlone (DS017) flags a package-index update not followed by an install in the
// same RUN, and fixes it by joining it with the next RUN's install.
type updateAlone struct{}

var metaDS017 = Meta{Rule: report.Rule{
	ID:       "DS017",
	Aliases:  []string{"CIS-DI-0007", "CIS-4.7"},
	Severity: report.Medium,
	Title:    "'RUN <package-manager> update' instruction alone",
	Help:     "An update in its own RUN is cached as its own layer: later installs run against a stale index, or the layer just carries the lists.",
	Fix:      "Run update and install in the same RUN (--fix joins it with the next RUN's install).",
	Bad:      "FROM debian:12\nRUN apt-get update\nRUN apt-get install -y curl\n",
	Good:     "FROM debian:12\nRUN apt-get update && apt-get install -y curl\n",
}, Fixable: true}

func (updateAlone) Meta() *Meta { return &metaDS017 }
func (updateAlone) Check(in *Input) []Problem {
	var out []Problem
	f := in.File
	runs(f, func(inst *dockerfile.Instruction, s *dockerfile.Script) {
		for i, c := range s.Commands {
			uses, known := updateTools[c.Base()]
			sub, _ := c.Sub("o", "c", "t")
			if !known || sub != "update" && !(sub == "up" && c.Is("zypper")) {
				continue
			}
			if c.Is("zypper") {
				continue // zypper update is itself an upgrade
			}
			followed := false
			for _, d := range s.Commands[i+1:] {
				if pmFamily(d.Base()) == pmFamily(c.Base()) {
					if ds, _ := d.Sub("o", "c", "t"); contains(uses, ds) {
						followed = true
					}
				}
			}
			if followed {
				continue
			}
			p := at(inst, fmt.Sprintf("%s update is not followed by an install in the same RUN", c.Base()))
			p.Edits = joinWithNext(f, inst, c.Base(), uses)
			out = append(out, p)
			return
		}
	})
	return out
}

// pmFamily treats apt and apt-get as one package manager.
func pmFamily(tool string) string {
	if tool == "apt" {
		return "apt-get"
	}
	return tool
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// joinWithNext merges a RUN with the next instruction when that is a RUN
// with the same flags starting with an install by the same tool, and only
// blanks separate them: "RUN a\nRUN b" becomes "RUN a \\\n    && b".
func joinWithNext(f *dockerfile.File, inst *dockerfile.Instruction, tool string, uses []string) []Edit {
	s := inst.Stage
	if s == nil || inst.Script == nil || inst.Script.Exec || len(inst.Heredocs) > 0 {
		return nil
	}
	var next *dockerfile.Instruction
	for i, x := range s.Instructions {
		if x == inst && i+1 < len(s.Instructions) {
			next = s.Instructions[i+1]
		}
	}
	if next == nil || next.Cmd != "run" || next.Script == nil || next.Script.Exec || len(next.Heredocs) > 0 ||
		len(next.Flags) != len(inst.Flags) || len(next.Script.Commands) == 0 || next.Line != inst.EndLine+1 {
		return nil
	}
	for i := range next.Flags {
		if next.Flags[i] != inst.Flags[i] {
			return nil
		}
	}
	first := next.Script.Commands[0]
	if first.Base() != tool {
		return nil
	}
	if sub, _ := first.Sub("o", "c", "t"); !contains(uses, sub) {
		return nil
	}
	endText := strings.TrimRight(inst.Text(), " \t\r")
	end := inst.Offset(len(endText))
	bodyStart := first.Spans[0].Start
	if end < 0 || bodyStart < 0 || bodyStart < end {
		return nil
	}
	between := string(f.Source[end:bodyStart])
	kw := strings.TrimSpace(between)
	if !strings.EqualFold(strings.TrimSpace(strings.Join(strings.Fields(kw), " ")), next.Keyword+joinFlags(next.Flags)) {
		return nil
	}
	esc := string(f.Escape)
	return []Edit{{Start: end, End: bodyStart, Text: " " + esc + "\n    && "}}
}

func joinFlags(flags []string) string {
	var b strings.Builder
	for _, fl := range flags {
		b.WriteString(" --" + strings.TrimPrefix(fl, "--"))
	}
	return b.String()
}
