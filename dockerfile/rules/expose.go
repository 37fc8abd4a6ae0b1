package rules

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/harden-dev/harden/dockerfile"
	"github.com/harden-dev/harden/report"
	"github.com/moby/buildkit/frontend/dockerfile/instructions"
)

func exposedPorts(in *dockerfile.Instruction) []string {
	if e, ok := in.Command.(*instructions.ExposeCommand); ok {
		return e.Ports
	}
	return nil
}

// portOutOfRange (DL3011) flags ports above 65535.
type portOutOfRange struct{}

var metaDL3011 = Meta{Rule: report.Rule{
	ID:       "DL3011",
	Aliases:  []string{"DS008"},
	Severity: report.High,
	Title:    "Valid UNIX ports range from 0 to 65535",
	Help:     "A port above 65535 does not exist; the build or the run fails.",
	Fix:      "Expose a port between 0 and 65535.",
	Bad:      "FROM debian:12\nEXPOSE 80000\n",
	Good:     "FROM debian:12\nEXPOSE 8080\n",
}}

func (portOutOfRange) Meta() *Meta { return &metaDL3011 }
func (portOutOfRange) Check(in *Input) []Problem {
	var out []Problem
	instructionsOf(in.File, "expose", true, func(top, inst *dockerfile.Instruction) {
		for _, p := range exposedPorts(inst) {
			spec, _, _ := strings.Cut(p, "/")
			if i := strings.LastIndex(spec, ":"); i >= 0 {
				spec = spec[i+1:]
			}
			for _, n := range strings.Split(spec, "-") {
				if v, err := strconv.Atoi(n); err == nil && v > 65535 {
					out = append(out, at(top, fmt.Sprintf("port %s is out of range", p)))
					return
				}
			}
		}
	})
	return out
}

// sshPortExposed (DS004) flags exposing the SSH port.
type sshPortExposed struct{}

var metaDS004 = Meta{Rule: report.Rule{
	ID:       "DS004",
	Severity: report.Medium,
	Title:    "Port 22 exposed",
	Help:     "Exposing SSH means running an SSH server in the container: a second way in, with keys to manage. Use docker exec or kubectl exec.",
	Fix:      "Remove EXPOSE 22 and the SSH server.",
	Bad:      "FROM debian:12\nEXPOSE 22\n",
	Good:     "FROM debian:12\nEXPOSE 8080\n",
}}

func (sshPortExposed) Meta() *Meta { return &metaDS004 }
func (sshPortExposed) Check(in *Input) []Problem {
	var out []Problem
	instructionsOf(in.File, "expose", true, func(top, inst *dockerfile.Instruction) {
		for _, p := range exposedPorts(inst) {
			if l := strings.ToLower(p); l == "22" || l == "22/tcp" || l == "22/udp" {
				out = append(out, at(top, ""))
				return
			}
		}
	})
	return out
}

// exposeProtoCasing (ExposeProtoCasing) flags upper-case protocols in EXPOSE.
type exposeProtoCasing struct{}

var metaExposeProtoCasing = Meta{Rule: report.Rule{
	ID:       "ExposeProtoCasing",
	Severity: report.Medium,
	Title:    "Protocol in EXPOSE instruction should be lowercase",
	Help:     "Protocols are lower-case (tcp, udp, sctp); other spellings are normalised or refused by runtimes.",
	Fix:      "Write 80/tcp.",
	Bad:      "FROM debian:12\nEXPOSE 80/TCP\n",
	Good:     "FROM debian:12\nEXPOSE 80/tcp\n",
}}

func (exposeProtoCasing) Meta() *Meta { return &metaExposeProtoCasing }
func (exposeProtoCasing) Check(in *Input) []Problem {
	var out []Problem
	instructionsOf(in.File, "expose", false, func(top, inst *dockerfile.Instruction) {
		for _, p := range exposedPorts(inst) {
			if _, proto, ok := strings.Cut(p, "/"); ok && proto != strings.ToLower(proto) {
				out = append(out, at(top, fmt.Sprintf("defined protocol '%s' in EXPOSE instruction should be lowercase", p)))
			}
		}
	})
	return out
}

// exposeHostMapping (ExposeInvalidFormat) flags IP addresses and host-port mappings in EXPOSE.
type exposeHostMapping struct{}

var metaExposeInvalidFormat = Meta{Rule: report.Rule{
	ID:       "ExposeInvalidFormat",
	Severity: report.Medium,
	Title:    "IP address and host-port mapping should not be used in EXPOSE instruction. This will become an error in a future release",
	Help:     "EXPOSE documents container ports; publishing to a host address or port is the runtime's job (docker run -p).",
	Fix:      "Expose the container port only: EXPOSE 80.",
	Bad:      "FROM debian:12\nEXPOSE 127.0.0.1:80:80\n",
	Good:     "FROM debian:12\nEXPOSE 80\n",
}}

func (exposeHostMapping) Meta() *Meta { return &metaExposeInvalidFormat }
func (exposeHostMapping) Check(in *Input) []Problem {
	var out []Problem
	instructionsOf(in.File, "expose", false, func(top, inst *dockerfile.Instruction) {
		for _, p := range exposedPorts(inst) {
			if strings.Contains(p, ":") {
				out = append(out, at(top, fmt.Sprintf("EXPOSE %s maps a host address or port", p)))
			}
		}
	})
	return out
}
