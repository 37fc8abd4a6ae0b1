package rules

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/harden-dev/harden/dockerfile"
	"github.com/harden-dev/harden/report"
)

// subIs reports whether c is one of tools with its first positional
// argument among subs, and returns that argument's index.
func subIs(c *dockerfile.Command, tools, subs []string) int {
	if !c.Is(tools...) {
		return -1
	}
	for i, a := range c.Args {
		if strings.HasPrefix(a, "-") {
			continue
		}
		if contains(subs, a) {
			return i
		}
		if a == "group" || a == "module" {
			continue
		}
		return -1
	}
	return -1
}

// noConfirm flags package commands that would wait for a confirmation.
func noConfirm(f *dockerfile.File, tools, subs []string, flags ...string) []Problem {
	return perCommand(f, func(c *dockerfile.Command) bool { return subIs(c, tools, subs) >= 0 && !c.HasFlag(flags...) })
}

// yumNoYes (DL3030) flags yum install without -y.
type yumNoYes struct{}

var metaDL3030 = Meta{Rule: report.Rule{
	ID:       "DL3030",
	Severity: report.Medium,
	Title:    "Use the -y switch to avoid manual input `yum install -y <package>`",
	Help:     "Without -y yum waits for a confirmation the build cannot give.",
	Fix:      "Add -y.",
	Bad:      "FROM centos:7\nRUN yum install httpd-2.4.6 && yum clean all\n",
	Good:     "FROM centos:7\nRUN yum install -y httpd-2.4.6 && yum clean all\n",
}}

func (yumNoYes) Meta() *Meta { return &metaDL3030 }
func (yumNoYes) Check(in *Input) []Problem {
	return noConfirm(in.File, []string{"yum"}, []string{"install", "groupinstall", "localinstall"}, "y", "assumeyes")
}

// dnfNoYes (DL3038) flags dnf install without -y.
type dnfNoYes struct{}

var metaDL3038 = Meta{Rule: report.Rule{
	ID:       "DL3038",
	Severity: report.Medium,
	Title:    "Use the -y switch to avoid manual input `dnf install -y <package>`",
	Help:     "Without -y dnf waits for a confirmation the build cannot give.",
	Fix:      "Add -y.",
	Bad:      "FROM fedora:40\nRUN dnf install httpd-2.4.62 && dnf clean all\n",
	Good:     "FROM fedora:40\nRUN dnf install -y httpd-2.4.62 && dnf clean all\n",
}}

func (dnfNoYes) Meta() *Meta { return &metaDL3038 }
func (dnfNoYes) Check(in *Input) []Problem {
	return noConfirm(in.File, []string{"dnf", "microdnf"}, []string{"install", "groupinstall", "localinstall"}, "y", "assumeyes")
}

// zypperNoYes (DL3034) flags zypper without a non-interactive switch.
type zypperNoYes struct{}

var metaDL3034 = Meta{Rule: report.Rule{
	ID:       "DL3034",
	Severity: report.Medium,
	Title:    "Non-interactive switch missing from `zypper` command: `zypper install -y`",
	Help:     "Without -n/-y zypper waits for a confirmation the build cannot give.",
	Fix:      "Add -n (global) or -y.",
	Bad:      "FROM opensuse/leap:15.6\nRUN zypper install httpd=2.4 && zypper clean\n",
	Good:     "FROM opensuse/leap:15.6\nRUN zypper install -y httpd=2.4 && zypper clean\n",
}}

func (zypperNoYes) Meta() *Meta { return &metaDL3034 }
func (zypperNoYes) Check(in *Input) []Problem {
	return noConfirm(in.File, []string{"zypper"}, []string{"install", "in", "remove", "rm", "source-install", "si", "patch"}, "non-interactive", "n", "no-confirm", "y")
}

// zypperDistUpgrade (DL3035) flags zypper dist-upgrade.
type zypperDistUpgrade struct{}

var metaDL3035 = Meta{Rule: report.Rule{
	ID:       "DL3035",
	Severity: report.Medium,
	Title:    "Do not use `zypper dist-upgrade`",
	Help:     "dist-upgrade can move the image to another distribution release behind your back.",
	Fix:      "Use a newer base image.",
	Bad:      "FROM opensuse/leap:15.6\nRUN zypper dist-upgrade\n",
	Good:     "FROM opensuse/leap:15.6\nRUN zypper -n install httpd=2.4 && zypper clean\n",
}}

func (zypperDistUpgrade) Meta() *Meta { return &metaDL3035 }
func (zypperDistUpgrade) Check(in *Input) []Problem {
	return perCommand(in.File, func(c *dockerfile.Command) bool {
		return subIs(c, []string{"zypper"}, []string{"dist-upgrade", "dup"}) >= 0
	})
}

// cleanMissing reports RUNs where an install by one of tools is not
// followed by a cleanup in the same RUN.
func cleanMissing(f *dockerfile.File, tools, installs []string, mounts []string, cleaned func(c *dockerfile.Command, tool string) bool) []Problem {
	return perRun(f, func(inst *dockerfile.Instruction, s *dockerfile.Script) string {
		if len(mounts) > 0 && cacheMounted(inst, mounts...) {
			return ""
		}
		for _, tool := range tools {
			pending := false
			for _, c := range s.Commands {
				if subIs(c, []string{tool}, installs) >= 0 {
					pending = true
				} else if pending && cleaned(c, tool) {
					pending = false
				}
			}
			if pending {
				return fmt.Sprintf("%s cache is not cleaned in the same RUN", tool)
			}
		}
		return ""
	})
}

// yumCacheKept (DL3032) flags yum install without yum clean all.
type yumCacheKept struct{}

var metaDL3032 = Meta{Rule: report.Rule{
	ID:       "DL3032",
	Aliases:  []string{"DS015"},
	Severity: report.Medium,
	Title:    "`yum clean all` missing after yum command",
	Help:     "yum's metadata and package cache ship in the layer.",
	Fix:      "End the RUN with && yum clean all (or rm -rf /var/cache/yum).",
	Bad:      "FROM centos:7\nRUN yum install -y httpd-2.4.6\n",
	Good:     "FROM centos:7\nRUN yum install -y httpd-2.4.6 && yum clean all\n",
}}

func (yumCacheKept) Meta() *Meta { return &metaDL3032 }
func (yumCacheKept) Check(in *Input) []Problem {
	return cleanMissing(in.File, []string{"yum"}, []string{"install", "groupinstall", "localinstall"}, nil, func(c *dockerfile.Command, tool string) bool {
		return c.Is(tool) && c.HasArg("clean", "all") || c.Is("rm") && (c.HasFlag("r") && c.HasFlag("f") || c.HasArg("/var/cache/yum/*", "/var/cache/yum"))
	})
}

// zypperCacheKept (DL3036) flags zypper install without zypper clean.
type zypperCacheKept struct{}

var metaDL3036 = Meta{Rule: report.Rule{
	ID:       "DL3036",
	Aliases:  []string{"DS020"},
	Severity: report.Medium,
	Title:    "`zypper clean` missing after zypper use",
	Help:     "zypper's package cache ships in the layer. A cache mount on /var/cache/zypp also satisfies it.",
	Fix:      "End the RUN with && zypper clean.",
	Bad:      "FROM opensuse/leap:15.6\nRUN zypper install -y mariadb=10.4\n",
	Good:     "FROM opensuse/leap:15.6\nRUN zypper install -y mariadb=10.4 && zypper clean\n",
}}

func (zypperCacheKept) Meta() *Meta { return &metaDL3036 }
func (zypperCacheKept) Check(in *Input) []Problem {
	return cleanMissing(in.File, []string{"zypper"}, []string{"install", "in"}, []string{"/var/cache/zypp"}, func(c *dockerfile.Command, tool string) bool {
		return c.Is(tool) && c.HasArg("clean", "cc")
	})
}

// dnfCacheKept (DL3040) flags dnf/microdnf install without dnf clean all.
type dnfCacheKept struct{}

var metaDL3040 = Meta{Rule: report.Rule{
	ID:       "DL3040",
	Aliases:  []string{"DS019", "DS027"},
	Severity: report.Medium,
	Title:    "`dnf clean all` missing after dnf command",
	Help:     "dnf's metadata and package cache ship in the layer. A cache mount on /var/cache/libdnf5 also satisfies it.",
	Fix:      "End the RUN with && dnf clean all (microdnf clean all).",
	Bad:      "FROM fedora:40\nRUN dnf install -y mariadb-10.4\n",
	Good:     "FROM fedora:40\nRUN dnf install -y mariadb-10.4 && dnf clean all\n",
}}

func (dnfCacheKept) Meta() *Meta { return &metaDL3040 }
func (dnfCacheKept) Check(in *Input) []Problem {
	return cleanMissing(in.File, []string{"dnf", "microdnf"}, []string{"install", "in", "upgrade", "up", "upgrade-minimal", "up-min", "reinstall", "rei"},
		[]string{"/var/cache/libdnf5", ".cache/libdnf5"}, func(c *dockerfile.Command, tool string) bool {
			return c.Is(tool) && c.HasArg("clean", "all") || c.Is("rm") && (c.HasFlag("r") && c.HasFlag("f") || c.HasArg("/var/cache/libdnf5/*", "/var/cache/dnf/*"))
		})
}

var rpmVersion = regexp.MustCompile(`^[^-]+(-[^-]+)*-[0-9A-Za-z.~^_:+]*[0-9][0-9A-Za-z.~^_:+]*$`)

// rpmUnpinned lists the packages of yum/dnf install without a version.
func rpmUnpinned(f *dockerfile.File, tools []string) []Problem {
	var out []Problem
	runs(f, func(inst *dockerfile.Instruction, s *dockerfile.Script) {
		scope := newVarScope(f, inst, s)
		var bad []string
		for _, c := range s.Commands {
			if !c.Is(tools...) {
				continue
			}
			pos := c.Positional("c", "config", "x", "exclude", "releasever", "installroot", "setopt", "repo", "enablerepo", "disablerepo")
			if len(pos) == 0 {
				continue
			}
			module := false
			switch {
			case pos[0] == "install":
				pos = pos[1:]
			case pos[0] == "module" && len(pos) > 1 && pos[1] == "install":
				pos, module = pos[2:], true
			default:
				continue
			}
			for _, p := range pos {
				switch {
				case strings.HasSuffix(p, ".rpm"), strings.HasPrefix(p, "@"), scope.pins(p):
				case module && strings.Contains(p, ":"):
				case !module && rpmVersion.MatchString(p):
				default:
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

// yumUnpinned (DL3033) flags yum install without versions.
type yumUnpinned struct{}

var metaDL3033 = Meta{Rule: report.Rule{
	ID:       "DL3033",
	Severity: report.Medium,
	Title:    "Specify version with `yum install -y <package>-<version>`",
	Help:     "Unpinned packages make the image depend on the day it was built.",
	Fix:      "Write package-version.",
	Bad:      "FROM centos:7\nRUN yum install -y tomcat && yum clean all\n",
	Good:     "FROM centos:7\nRUN yum install -y tomcat-9.2 && yum clean all\n",
}}

func (yumUnpinned) Meta() *Meta               { return &metaDL3033 }
func (yumUnpinned) Check(in *Input) []Problem { return rpmUnpinned(in.File, []string{"yum"}) }

// dnfUnpinned (DL3041) flags dnf install without versions.
type dnfUnpinned struct{}

var metaDL3041 = Meta{Rule: report.Rule{
	ID:       "DL3041",
	Severity: report.Medium,
	Title:    "Specify version with `dnf install -y <package>-<version>`",
	Help:     "Unpinned packages make the image depend on the day it was built.",
	Fix:      "Write package-version.",
	Bad:      "FROM fedora:40\nRUN dnf install -y tomcat && dnf clean all\n",
	Good:     "FROM fedora:40\nRUN dnf install -y tomcat-9.0.1 && dnf clean all\n",
}}

func (dnfUnpinned) Meta() *Meta { return &metaDL3041 }
func (dnfUnpinned) Check(in *Input) []Problem {
	return rpmUnpinned(in.File, []string{"dnf", "microdnf"})
}

// zypperUnpinned (DL3037) flags zypper install without versions.
type zypperUnpinned struct{}

var metaDL3037 = Meta{Rule: report.Rule{
	ID:       "DL3037",
	Severity: report.Medium,
	Title:    "Specify version with `zypper install -y <package>[=]<version>`",
	Help:     "Unpinned packages make the image depend on the day it was built.",
	Fix:      "Write package=version.",
	Bad:      "FROM opensuse/leap:15.6\nRUN zypper install -y tomcat && zypper clean\n",
	Good:     "FROM opensuse/leap:15.6\nRUN zypper install -y tomcat=9.0.39 && zypper clean\n",
}}

func (zypperUnpinned) Meta() *Meta { return &metaDL3037 }
func (zypperUnpinned) Check(in *Input) []Problem {
	var out []Problem
	runs(in.File, func(inst *dockerfile.Instruction, s *dockerfile.Script) {
		scope := newVarScope(in.File, inst, s)
		var bad []string
		for _, c := range s.Commands {
			i := subIs(c, []string{"zypper"}, []string{"install", "in"})
			if i < 0 {
				continue
			}
			for _, p := range packagesAfter(c, i, "r", "repo", "t", "type") {
				if !strings.ContainsAny(p, "=<>") && !strings.HasSuffix(p, ".rpm") && !(strings.HasPrefix(p, "$") && scope.pins(p)) {
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
