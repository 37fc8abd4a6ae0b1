package workload

import (
	"fmt"
	"path"
	"strings"

	"github.com/harden-dev/harden/report"
	corev1 "k8s.io/api/core/v1"
)

// rules lists every check, in report order: its stable ID and the IDs
// Trivy (KSV) and Kubescape (C-) give it, then the Pod Security Standards
// profile that forbids it (PSS-baseline or PSS-restricted), if any.
var rules = []report.Rule{
	{ID: "privileged", Title: "Container runs privileged", Severity: report.Critical, Aliases: []string{"KSV017", "C-0057", "PSS-baseline"}, Fix: "remove privileged: true"},
	{ID: "docker-socket", Title: "Container mounts the container engine's socket", Severity: report.Critical, Aliases: []string{"KSV006", "C-0074", "PSS-baseline"}, Fix: "do not mount /var/run/docker.sock (or containerd's, CRI-O's): it is root on the host"},
	{ID: "sensitive-host-path", Title: "Container mounts a sensitive host path", Severity: report.High, Aliases: []string{"KSV023", "C-0048", "PSS-baseline"}, Fix: "use a volume, a ConfigMap or a Secret instead of a hostPath"},
	{ID: "host-network", Title: "Container shares the host's network namespace", Severity: report.High, Aliases: []string{"KSV009", "C-0041", "PSS-baseline"}, Fix: "remove hostNetwork: true (network_mode: host)"},
	{ID: "host-pid", Title: "Container shares the host's process namespace", Severity: report.High, Aliases: []string{"KSV010", "C-0038", "PSS-baseline"}, Fix: "remove hostPID: true (pid: host)"},
	{ID: "host-ipc", Title: "Container shares the host's IPC namespace", Severity: report.High, Aliases: []string{"KSV008", "C-0038", "PSS-baseline"}, Fix: "remove hostIPC: true (ipc: host)"},
	{ID: "dangerous-capability", Title: "Container adds a dangerous capability (SYS_ADMIN, NET_ADMIN, SYS_PTRACE, ALL)", Severity: report.High, Aliases: []string{"KSV005", "KSV022", "C-0046", "PSS-baseline"}, Fix: "do not add the capability; drop ALL and add back only NET_BIND_SERVICE when needed"},
	{ID: "capabilities-not-dropped", Title: "Container does not drop all capabilities", Severity: report.Medium, Aliases: []string{"KSV003", "C-0055", "PSS-restricted"}, Fix: "capabilities: drop: [ALL] (cap_drop: [ALL])"},
	{ID: "may-run-as-root", Title: "Container may run as root", Severity: report.Medium, Aliases: []string{"KSV012", "C-0013", "PSS-restricted"}, Fix: "runAsNonRoot: true with a non-zero runAsUser (user: 65532)"},
	{ID: "privilege-escalation", Title: "Container allows privilege escalation", Severity: report.Medium, Aliases: []string{"KSV001", "C-0016", "PSS-restricted"}, Fix: "allowPrivilegeEscalation: false (security_opt: [no-new-privileges:true])"},
	{ID: "writable-root-filesystem", Title: "Container's root filesystem is writable", Severity: report.Low, Aliases: []string{"KSV014", "C-0017"}, Fix: "readOnlyRootFilesystem: true (read_only: true), with emptyDir or tmpfs where the app writes"},
	{ID: "image-without-digest", Title: "Container image is not pinned by digest", Severity: report.Low, Aliases: []string{"KSV013"}, Fix: "name the image as name:tag@sha256:… (harden pin)"},
}

// Rules returns every check's metadata, in report order.
func Rules() []report.Rule { return append([]report.Rule(nil), rules...) }

// ruleByID finds a rule.
func ruleByID(id string) report.Rule {
	for _, r := range rules {
		if r.ID == id {
			return r
		}
	}
	panic("workload: unknown rule " + id) // programmer error: Check names only listed rules
}

// dangerousCaps are the capabilities that give a container the host.
var dangerousCaps = map[string]bool{"SYS_ADMIN": true, "NET_ADMIN": true, "SYS_PTRACE": true, "ALL": true, "SYS_MODULE": true, "DAC_READ_SEARCH": true}

// sensitiveHostPaths are host paths a container must not mount.
var sensitiveHostPaths = []string{"/", "/etc", "/proc", "/sys", "/dev", "/boot", "/root", "/home", "/var/run", "/run", "/var/lib/kubelet", "/var/lib/docker", "/var/log"}

// engineSockets are the container engines' API sockets.
var engineSockets = []string{"docker.sock", "containerd.sock", "crio.sock", "podman.sock", "cri-dockerd.sock"}

// Check reports every rule a container breaks.
func Check(c *Container) []report.Finding {
	var out []report.Finding
	add := func(id, field, msg string) {
		line := c.Line
		if l, ok := c.lines[field]; ok && field != "" {
			line = l
		}
		out = append(out, ruleByID(id).Finding(c.Workload+" container "+c.Name+": "+msg,
			report.Evidence{Path: c.File, Line: line, Value: c.Image}))
	}
	s := c.settings()
	if s.privileged {
		add("privileged", s.field["privileged"], "privileged")
	}
	for _, hp := range s.hostPaths {
		switch {
		case isSocket(hp.path):
			add("docker-socket", hp.field, "mounts "+hp.path)
		case isSensitive(hp.path):
			add("sensitive-host-path", hp.field, "mounts the host's "+hp.path)
		}
	}
	if s.hostNetwork {
		add("host-network", s.field["hostNetwork"], "shares the host's network")
	}
	if s.hostPID {
		add("host-pid", s.field["hostPID"], "shares the host's processes")
	}
	if s.hostIPC {
		add("host-ipc", s.field["hostIPC"], "shares the host's IPC")
	}
	for _, cp := range s.capAdd {
		if dangerousCaps[strings.ToUpper(strings.TrimPrefix(cp, "CAP_"))] {
			add("dangerous-capability", s.field["capAdd"], "adds "+cp)
		}
	}
	if !s.dropsAll {
		add("capabilities-not-dropped", s.field["capDrop"], "does not drop ALL capabilities")
	}
	if s.root {
		add("may-run-as-root", s.field["user"], s.rootWhy)
	}
	if s.escalation {
		add("privilege-escalation", s.field["escalation"], "privilege escalation is not disabled")
	}
	if !s.readOnly {
		add("writable-root-filesystem", s.field["readOnly"], "the root filesystem is writable")
	}
	if c.Image != "" && !strings.Contains(c.Image, "@sha256:") {
		add("image-without-digest", s.field["image"], "image "+c.Image+" has no digest")
	}
	return out
}

func isSocket(p string) bool {
	for _, s := range engineSockets {
		if path.Base(p) == s {
			return true
		}
	}
	return false
}

func isSensitive(p string) bool {
	p = path.Clean(p)
	for _, s := range sensitiveHostPaths {
		if p == s {
			return true
		}
	}
	return false
}

type hostPath struct{ path, field string }

// runSettings is what Check reads, from Kubernetes or Compose alike; field
// names the manifest key that decides each, for its line.
type runSettings struct {
	privileged, hostNetwork, hostPID, hostIPC bool
	hostPaths                                 []hostPath
	capAdd                                    []string
	dropsAll, readOnly, root, escalation      bool
	rootWhy                                   string
	field                                     map[string]string
}

func (c *Container) settings() runSettings {
	if c.svc != nil {
		return c.composeSettings()
	}
	return c.kubeSettings()
}

func (c *Container) kubeSettings() runSettings {
	s := runSettings{field: map[string]string{"image": "image"}}
	p, sc := c.pod, c.c.SecurityContext
	psc := p.SecurityContext
	s.hostNetwork, s.hostPID, s.hostIPC = p.HostNetwork, p.HostPID, p.HostIPC
	s.field["hostNetwork"], s.field["hostPID"], s.field["hostIPC"] = "pod.hostNetwork", "pod.hostPID", "pod.hostIPC"
	mounted := map[string]bool{}
	for _, m := range c.c.VolumeMounts {
		mounted[m.Name] = true
	}
	for _, v := range p.Volumes {
		if v.HostPath != nil && mounted[v.Name] {
			s.hostPaths = append(s.hostPaths, hostPath{v.HostPath.Path, "pod.volumes"})
		}
	}
	if sc != nil {
		s.privileged = sc.Privileged != nil && *sc.Privileged
		s.field["privileged"] = "securityContext.privileged"
		if sc.Capabilities != nil {
			for _, cp := range sc.Capabilities.Add {
				s.capAdd = append(s.capAdd, string(cp))
			}
			for _, cp := range sc.Capabilities.Drop {
				if strings.EqualFold(string(cp), "ALL") {
					s.dropsAll = true
				}
			}
		}
		s.field["capAdd"], s.field["capDrop"] = "securityContext.capabilities", "securityContext.capabilities"
		s.readOnly = sc.ReadOnlyRootFilesystem != nil && *sc.ReadOnlyRootFilesystem
		s.field["readOnly"] = "securityContext.readOnlyRootFilesystem"
		// the restricted profile asks for false explicitly; privileged or
		// CAP_SYS_ADMIN imply escalation anyway
		s.escalation = sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation
		s.field["escalation"] = "securityContext.allowPrivilegeEscalation"
	} else {
		s.escalation = true
	}
	nonRoot, user := effectiveUser(psc, sc)
	s.field["user"] = "securityContext"
	switch {
	case user != nil && *user == 0:
		s.root, s.rootWhy = true, "runs as UID 0"
	case nonRoot == nil || !*nonRoot:
		if user == nil {
			s.root, s.rootWhy = true, "runAsNonRoot is not true and no runAsUser is set: the image's user decides"
		}
	}
	return s
}

// effectiveUser merges the pod's and the container's security contexts
// (the container's wins).
func effectiveUser(psc *corev1.PodSecurityContext, sc *corev1.SecurityContext) (nonRoot *bool, user *int64) {
	if psc != nil {
		nonRoot, user = psc.RunAsNonRoot, psc.RunAsUser
	}
	if sc != nil {
		if sc.RunAsNonRoot != nil {
			nonRoot = sc.RunAsNonRoot
		}
		if sc.RunAsUser != nil {
			user = sc.RunAsUser
		}
	}
	return nonRoot, user
}

func (c *Container) composeSettings() runSettings {
	v := c.svc
	s := runSettings{field: map[string]string{"privileged": "privileged", "hostNetwork": "network_mode", "hostPID": "pid", "hostIPC": "ipc",
		"capAdd": "cap_add", "capDrop": "cap_drop", "readOnly": "read_only", "user": "user", "escalation": "security_opt", "image": "image"}}
	s.privileged = v.Privileged
	s.hostNetwork, s.hostPID, s.hostIPC = v.NetworkMode == "host", v.Pid == "host", v.Ipc == "host"
	for _, vol := range v.Volumes {
		if src, _ := composeVolume(vol); strings.HasPrefix(src, "/") {
			s.hostPaths = append(s.hostPaths, hostPath{src, "volumes"})
		}
	}
	s.capAdd = v.CapAdd
	for _, cp := range v.CapDrop {
		if strings.EqualFold(cp, "ALL") {
			s.dropsAll = true
		}
	}
	s.readOnly = v.ReadOnly
	s.escalation = true
	for _, o := range v.SecurityOpt {
		if o == "no-new-privileges" || o == "no-new-privileges:true" || o == "no-new-privileges=true" {
			s.escalation = false
		}
	}
	u := strings.SplitN(v.User, ":", 2)[0]
	switch u {
	case "":
		s.root, s.rootWhy = true, "no user: the image's user decides"
	case "0", "root":
		s.root, s.rootWhy = true, fmt.Sprintf("runs as %s", v.User)
	}
	return s
}
