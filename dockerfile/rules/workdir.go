package rules

import (
	"fmt"
	"strings"

	"github.com/harden-dev/harden/dockerfile"
	"github.com/harden-dev/harden/report"
	"github.com/moby/buildkit/frontend/dockerfile/instructions"
)

func workdirOf(in *dockerfile.Instruction) (string, bool) {
	if w, ok := in.Command.(*instructions.WorkdirCommand); ok {
		return unquote(strings.TrimSpace(w.Path)), true
	}
	return "", false
}

func absWorkdir(p string) bool {
	return strings.HasPrefix(p, "/") || strings.HasPrefix(p, "$") || isWindowsAbs(p)
}

// workdirNotAbsolute (DL3000) flags relative WORKDIR paths.
type workdirNotAbsolute struct{}

var metaDL3000 = Meta{Rule: report.Rule{
	ID:       "DL3000",
	Aliases:  []string{"DS009"},
	Severity: report.High,
	Title:    "Use absolute WORKDIR",
	Help:     "A relative WORKDIR depends on the working directory the base image left behind.",
	Fix:      "Write an absolute path: WORKDIR /app.",
	Bad:      "FROM debian:12\nWORKDIR app\n",
	Good:     "FROM debian:12\nWORKDIR /app\n",
}}

func (workdirNotAbsolute) Meta() *Meta { return &metaDL3000 }
func (workdirNotAbsolute) Check(in *Input) []Problem {
	var out []Problem
	instructionsOf(in.File, "workdir", true, func(top, inst *dockerfile.Instruction) {
		if p, ok := workdirOf(inst); ok && !absWorkdir(p) {
			out = append(out, at(top, fmt.Sprintf("WORKDIR %s is relative", p)))
		}
	})
	return out
}

// workdirRelativeToBase (WorkdirRelativePath) flags the first relative WORKDIR of a stage chain
// that set no absolute one before.
type workdirRelativeToBase struct{}

var metaWorkdirRelativePath = Meta{Rule: report.Rule{
	ID:       "WorkdirRelativePath",
	Severity: report.Medium,
	Title:    "Relative workdir without an absolute workdir declared within the build can have unexpected results if the base image changes",
	Help:     "BuildKit's variant of DL3000: a relative WORKDIR is fine after an absolute one in the same stage chain.",
	Fix:      "Set an absolute WORKDIR first.",
	Bad:      "FROM scratch\nWORKDIR app/\n",
	Good:     "FROM scratch\nWORKDIR /app\nWORKDIR sub/\n",
}}

func (workdirRelativeToBase) Meta() *Meta { return &metaWorkdirRelativePath }
func (workdirRelativeToBase) Check(in *Input) []Problem {
	var out []Problem
	for _, s := range in.File.Stages {
		abs := false
		for _, p := range s.Chain()[1:] {
			for _, inst := range p.Instructions {
				if w, ok := workdirOf(inst); ok && absWorkdir(w) {
					abs = true
				}
			}
		}
		for _, inst := range s.Instructions {
			w, ok := workdirOf(inst)
			if !ok {
				continue
			}
			if absWorkdir(w) {
				abs = true
				continue
			}
			if !abs {
				out = append(out, at(inst, fmt.Sprintf("relative WORKDIR %s with no absolute WORKDIR before it", w)))
				break
			}
		}
	}
	return out
}

// workdirSystemDir (DS030) flags WORKDIR in system directories.
type workdirSystemDir struct{}

var metaDS030 = Meta{Rule: report.Rule{
	ID:       "DS030",
	Severity: report.High,
	Title:    "WORKDIR should not be mounted on system dirs",
	Help:     "Working in /proc, /boot, /dev, /initrd or /lost+found writes into kernel or system interfaces.",
	Fix:      "Use an application directory such as /app.",
	Bad:      "FROM debian:12\nWORKDIR /proc/self/fd/1\n",
	Good:     "FROM debian:12\nWORKDIR /app\n",
}}

func (workdirSystemDir) Meta() *Meta { return &metaDS030 }
func (workdirSystemDir) Check(in *Input) []Problem {
	var out []Problem
	instructionsOf(in.File, "workdir", true, func(top, inst *dockerfile.Instruction) {
		p, _ := workdirOf(inst)
		for _, d := range []string{"/proc/", "/boot/", "/dev/", "/initrd/", "/lost+found/"} {
			if strings.HasPrefix(p, d) || p+"/" == d {
				out = append(out, at(top, fmt.Sprintf("WORKDIR %s is a system directory", p)))
				return
			}
		}
	})
	return out
}

// sensitiveVolume (DKLDI0002) flags VOLUME on kernel interfaces.
type sensitiveVolume struct{}

var metaDKLDI0002 = Meta{Rule: report.Rule{
	ID:       "DKL-DI-0002",
	Severity: report.High,
	Title:    "Avoid sensitive directory mounting",
	Help:     "A VOLUME on /sys, /dev or /proc invites mounting the host's kernel interfaces into the container.",
	Fix:      "Remove the VOLUME.",
	Bad:      "FROM debian:12\nVOLUME /proc\n",
	Good:     "FROM debian:12\nVOLUME /data\n",
}}

func (sensitiveVolume) Meta() *Meta { return &metaDKLDI0002 }
func (sensitiveVolume) Check(in *Input) []Problem {
	var out []Problem
	instructionsOf(in.File, "volume", true, func(top, inst *dockerfile.Instruction) {
		v, ok := inst.Command.(*instructions.VolumeCommand)
		if !ok {
			return
		}
		for _, p := range v.Volumes {
			if p = strings.TrimSuffix(unquote(p), "/"); p == "/sys" || p == "/dev" || p == "/proc" {
				out = append(out, at(top, fmt.Sprintf("VOLUME %s", p)))
			}
		}
	})
	return out
}
