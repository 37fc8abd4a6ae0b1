package audit

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/harden-dev/harden/report"
)

// sensitivePorts are services no application image should expose.
var sensitivePorts = map[int]string{
	22: "SSH", 23: "Telnet", 2375: "the Docker API without TLS", 2376: "the Docker API", 3389: "RDP", 5900: "VNC",
}

// sensitivePort reports EXPOSE of remote-administration ports.
type sensitivePort struct{ noContent }

func (sensitivePort) ID() string { return "sensitive-port" }

func (c sensitivePort) Rule() Rule {
	return Rule{Weight: 3, Cap: 6, Rule: report.Rule{ID: c.ID(), Title: "Remote administration port exposed", Severity: report.Medium,
		Fix: "Remove the EXPOSE and the daemon behind it; use docker exec or kubectl debug to get into a container"}}
}

func (c sensitivePort) Run(_ context.Context, in *Input) ([]report.Finding, error) {
	if in.Index.Config == nil {
		return nil, nil
	}
	keys := make([]string, 0, len(in.Index.Config.Config.ExposedPorts))
	for k := range in.Index.Config.Config.ExposedPorts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var out []report.Finding
	for _, k := range keys {
		num, _, _ := strings.Cut(k, "/")
		p, err := strconv.Atoi(num)
		if err != nil {
			continue
		}
		if what, ok := sensitivePorts[p]; ok {
			out = append(out, c.Rule().finding(fmt.Sprintf("port %s (%s) is exposed", k, what),
				report.Evidence{ConfigKey: "Config.ExposedPorts", Value: k}))
		}
	}
	return out, nil
}
