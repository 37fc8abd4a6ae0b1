package audit

import (
	"context"
	"fmt"
	"path"
	"sort"

	"github.com/harden-dev/harden/report"
)

// sensitiveVolumes are host paths a VOLUME must not shadow.
var sensitiveVolumes = set("/sys", "/dev", "/proc", "/var/run/docker.sock", "/run/docker.sock")

// sensitiveVolume reports VOLUME on /sys, /dev, /proc or the Docker
// socket (DKL-DI-0002).
type sensitiveVolume struct{ noContent }

func (sensitiveVolume) ID() string { return "sensitive-volume" }

func (c sensitiveVolume) Rule() Rule {
	return Rule{ID: c.ID(), Aliases: []string{"DKL-DI-0002"}, Title: "Sensitive directory declared as a volume", Severity: report.High, Weight: 5, Cap: 5,
		Fix: "Remove the VOLUME; mount host paths explicitly, and never /sys, /dev, /proc or the Docker socket"}
}

func (c sensitiveVolume) Run(_ context.Context, in *Input) ([]report.Finding, error) {
	if in.Index.Config == nil {
		return nil, nil
	}
	var vols []string
	for v := range in.Index.Config.Config.Volumes {
		vols = append(vols, v)
	}
	sort.Strings(vols)
	var out []report.Finding
	for _, v := range vols {
		if sensitiveVolumes[path.Clean(v)] {
			out = append(out, c.Rule().finding(fmt.Sprintf("VOLUME %s", v), report.Evidence{ConfigKey: "Config.Volumes", Value: v}))
		}
	}
	return out, nil
}
