package audit

import (
	"context"
	"fmt"
	"path"
	"sort"

	"github.com/harden-dev/harden/report"
)

// kernelVolumes are Dockle's DKL-DI-0002 list: kernel interfaces a VOLUME
// must not shadow.
var kernelVolumes = set("/sys", "/dev", "/proc")

// dockerSockets are the paths of the Docker engine's socket.
var dockerSockets = set("/var/run/docker.sock", "/run/docker.sock")

// sensitiveVolume reports VOLUME on /sys, /dev or /proc: Dockle's
// DKL-DI-0002, with the same meaning as the lint rule of that ID.
type sensitiveVolume struct{ noContent }

func (sensitiveVolume) ID() string { return "sensitive-volume" }

func (c sensitiveVolume) Rule() Rule {
	return Rule{Weight: 5, Cap: 5, Rule: report.Rule{ID: c.ID(), Aliases: []string{"DKL-DI-0002"}, Title: "Sensitive directory declared as a volume", Severity: report.High,
		Fix: "Remove the VOLUME; never mount /sys, /dev or /proc of the host"}}
}

func (c sensitiveVolume) Run(_ context.Context, in *Input) ([]report.Finding, error) {
	return volumeFindings(in, c.Rule(), kernelVolumes), nil
}

// dockerSocketVolume reports VOLUME on the Docker socket, which invites
// mounting the host's engine (root on the host) into the container. Dockle
// has no check for it.
type dockerSocketVolume struct{ noContent }

func (dockerSocketVolume) ID() string { return "docker-socket-volume" }

func (c dockerSocketVolume) Rule() Rule {
	return Rule{Weight: 5, Cap: 5, Rule: report.Rule{ID: c.ID(), Title: "Docker socket declared as a volume", Severity: report.High,
		Fix: "Remove the VOLUME; a container that needs the engine should get a narrow API proxy, not the socket"}}
}

func (c dockerSocketVolume) Run(_ context.Context, in *Input) ([]report.Finding, error) {
	return volumeFindings(in, c.Rule(), dockerSockets), nil
}

// volumeFindings reports the configured volumes whose cleaned path is in paths.
func volumeFindings(in *Input, r Rule, paths map[string]bool) []report.Finding {
	if in.Index.Config == nil {
		return nil
	}
	var vols []string
	for v := range in.Index.Config.Config.Volumes {
		vols = append(vols, v)
	}
	sort.Strings(vols)
	var out []report.Finding
	for _, v := range vols {
		if paths[path.Clean(v)] {
			out = append(out, r.finding(fmt.Sprintf("VOLUME %s", v), report.Evidence{ConfigKey: "Config.Volumes", Value: v}))
		}
	}
	return out
}
