// Package runconfig says how to run an image hardened — read-only root, no
// capabilities, no privilege gain, a non-root user, the tmpfs mounts the
// program needs — from what the one pass over the image measured, and
// writes those settings as docker run flags, a Compose service or a
// Kubernetes container.
package runconfig

import (
	"fmt"
	"github.com/harden-dev/harden/internal/distroless"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/harden-dev/harden/audit"
	"github.com/harden-dev/harden/fsindex"
)

// NonrootUser is the user distroless images run as.
const NonrootUser = distroless.NonrootUser

// Settings is how to run one image hardened. Its JSON form is stable.
type Settings struct {
	Image string `json:"image"`
	// User is the user to run as: the image's own when it is not root,
	// else nonroot (65532).
	User string `json:"user"`
	// ReadOnly makes the root filesystem read-only.
	ReadOnly bool `json:"readOnly"`
	// Tmpfs lists writable in-memory mounts: /tmp and what the program is
	// known to write.
	Tmpfs []string `json:"tmpfs"`
	// CapDrop and CapAdd are the Linux capabilities: all dropped, and only
	// NET_BIND_SERVICE added back for a port below 1024.
	CapDrop []string `json:"capDrop"`
	CapAdd  []string `json:"capAdd,omitempty"`
	// NoNewPrivileges forbids setuid binaries from raising privileges.
	NoNewPrivileges bool `json:"noNewPrivileges"`
	// Seccomp is the seccomp profile ("RuntimeDefault": the engine's).
	Seccomp string `json:"seccomp"`
	// PidsLimit bounds the processes (fork bombs).
	PidsLimit int `json:"pidsLimit"`
	// Ports are the image's exposed ports, published on 127.0.0.1.
	Ports []Port `json:"ports,omitempty"`
	// Volumes are the image's declared volumes (they stay writable).
	Volumes []string `json:"volumes,omitempty"`
	// Healthcheck is the image's health check when it runs without a
	// shell (exec form), empty otherwise.
	Healthcheck []string `json:"healthcheck,omitempty"`
	// Notes say what to check: a root image, a health check that needs a
	// shell, writes that were guessed.
	Notes []string `json:"notes,omitempty"`
}

// Port is an exposed port.
type Port struct {
	Port  int    `json:"port"`
	Proto string `json:"proto"`
}

// tmpfsSize bounds each tmpfs (tmpfsSizeK8s is the same in Kubernetes
// units): a hardened container gets no unbounded writable space.
const (
	tmpfsSize    = "64m"
	tmpfsSizeK8s = "64Mi"
)

// Recommend works out the settings from an index and the audit of it.
func Recommend(ref string, x *fsindex.Index, res *audit.Result) *Settings {
	s := &Settings{
		Image: ref, ReadOnly: true, Tmpfs: []string{"/tmp"}, CapDrop: []string{"ALL"},
		NoNewPrivileges: true, Seccomp: "RuntimeDefault", PidsLimit: 256,
	}
	cfg := x.Config.Config
	s.User = cfg.User
	if res.Summary.RunsAsRoot {
		s.User = NonrootUser
		s.Notes = append(s.Notes, "the image runs as root; it is run as 65532:65532 here: files the app writes must be writable by that user (harden minify rewrites the image that way)")
	}
	for p := range cfg.ExposedPorts {
		port, proto, _ := strings.Cut(p, "/")
		n, err := strconv.Atoi(port)
		if err != nil {
			continue
		}
		if proto == "" {
			proto = "tcp"
		}
		s.Ports = append(s.Ports, Port{Port: n, Proto: proto})
		if n < 1024 && !contains(s.CapAdd, "NET_BIND_SERVICE") {
			s.CapAdd = append(s.CapAdd, "NET_BIND_SERVICE")
			s.Notes = append(s.Notes, fmt.Sprintf("port %d is below 1024: NET_BIND_SERVICE is added back (or make the app listen above 1023)", n))
		}
	}
	sort.Slice(s.Ports, func(i, j int) bool { return s.Ports[i].Port < s.Ports[j].Port })
	for v := range cfg.Volumes {
		s.Volumes = append(s.Volumes, v)
	}
	sort.Strings(s.Volumes)
	for _, f := range res.Findings {
		switch f.ID {
		case "writable-root-needed":
			for _, e := range f.Evidence {
				if e.Path == "" {
					continue
				}
				s.addTmpfs(tmpfsDir(e.Path))
			}
		case "needs-missing-shell":
			s.Notes = append(s.Notes, f.Message+" ("+f.Fix+")")
		}
	}
	s.writableTmpfs(cfg.Labels)
	if hc := cfg.Healthcheck; hc != nil && len(hc.Test) > 1 && hc.Test[0] == "CMD" {
		s.Healthcheck = hc.Test[1:]
	}
	return s
}

// tmpfsDir is where a tmpfs goes for a written path: the path itself for a
// directory, its parent for a file such as a pid file (a tmpfs is always a
// directory).
func tmpfsDir(p string) string {
	if strings.Contains(path.Base(p), ".") {
		return path.Dir(p)
	}
	return p
}

// DockerArgs returns the `docker run` arguments (without the image):
// RunArgs and the ports published on 127.0.0.1.
func (s *Settings) DockerArgs() []string {
	args := s.RunArgs()
	for _, p := range s.Ports {
		args = append(args, "-p", fmt.Sprintf("127.0.0.1:%d:%d/%s", p.Port, p.Port, p.Proto))
	}
	return args
}

// RunArgs returns the `docker run` arguments of the hardened run without
// the ports: the one definition of how a hardened container runs, which
// `harden runtime` prints and package engine applies.
func (s *Settings) RunArgs() []string {
	args := []string{}
	if s.ReadOnly {
		args = append(args, "--read-only")
	}
	for _, t := range s.Tmpfs {
		args = append(args, "--tmpfs", t+":"+s.tmpfsOptions(t))
	}
	for _, c := range s.CapDrop {
		args = append(args, "--cap-drop", c)
	}
	for _, c := range s.CapAdd {
		args = append(args, "--cap-add", c)
	}
	if s.NoNewPrivileges {
		args = append(args, "--security-opt", "no-new-privileges")
	}
	if s.User != "" {
		args = append(args, "--user", s.User)
	}
	if s.PidsLimit > 0 {
		args = append(args, "--pids-limit", strconv.Itoa(s.PidsLimit))
	}
	return args
}

func contains(list []string, s string) bool {
	for _, l := range list {
		if l == s {
			return true
		}
	}
	return false
}
