package runconfig

import (
	"fmt"
	"io"
	"strings"
)

// WriteDocker prints the docker run command line.
func (s *Settings) WriteDocker(w io.Writer) error {
	parts := append([]string{"docker run --rm"}, s.DockerArgs()...)
	parts = append(parts, s.Image)
	var b strings.Builder
	line := ""
	for i, p := range parts {
		// keep a flag and its value on one line
		if i > 0 && !strings.HasPrefix(p, "-") && strings.HasPrefix(parts[i-1], "-") && parts[i-1] != "--read-only" {
			line += " " + p
			continue
		}
		if line != "" {
			b.WriteString(line + " \\\n  ")
		}
		line = p
	}
	b.WriteString(line + "\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteCompose prints a Compose service with the settings.
func (s *Settings) WriteCompose(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "services:\n  app:\n    image: %s\n", yamlString(s.Image))
	if s.User != "" {
		fmt.Fprintf(&b, "    user: %s\n", yamlString(s.User))
	}
	fmt.Fprintf(&b, "    read_only: %v\n", s.ReadOnly)
	if len(s.Tmpfs) > 0 {
		b.WriteString("    tmpfs:\n")
		for _, t := range s.Tmpfs {
			fmt.Fprintf(&b, "      - %s\n", yamlString(t+":"+s.tmpfsOptions(t)))
		}
	}
	b.WriteString("    cap_drop: [" + strings.Join(s.CapDrop, ", ") + "]\n")
	if len(s.CapAdd) > 0 {
		b.WriteString("    cap_add: [" + strings.Join(s.CapAdd, ", ") + "]\n")
	}
	if s.NoNewPrivileges {
		b.WriteString("    security_opt:\n      - no-new-privileges:true\n")
	}
	if s.PidsLimit > 0 {
		fmt.Fprintf(&b, "    pids_limit: %d\n", s.PidsLimit)
	}
	if len(s.Ports) > 0 {
		b.WriteString("    ports:\n")
		for _, p := range s.Ports {
			fmt.Fprintf(&b, "      - %s\n", yamlString(fmt.Sprintf("127.0.0.1:%d:%d/%s", p.Port, p.Port, p.Proto)))
		}
	}
	if len(s.Healthcheck) > 0 {
		b.WriteString("    healthcheck:\n      test: [\"CMD\"")
		for _, a := range s.Healthcheck {
			b.WriteString(", " + yamlString(a))
		}
		b.WriteString("]\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteKubernetes prints a Pod with one container and the settings as its
// securityContext; each tmpfs becomes a memory-backed emptyDir.
func (s *Settings) WriteKubernetes(w io.Writer) error {
	var b strings.Builder
	b.WriteString("apiVersion: v1\nkind: Pod\nmetadata:\n  name: app\nspec:\n")
	uid, gid := splitUser(s.User)
	b.WriteString("  securityContext:\n    runAsNonRoot: true\n")
	if uid != "" {
		fmt.Fprintf(&b, "    runAsUser: %s\n", uid)
	}
	if gid != "" {
		fmt.Fprintf(&b, "    runAsGroup: %s\n", gid)
	}
	fmt.Fprintf(&b, "    seccompProfile:\n      type: %s\n", s.Seccomp)
	fmt.Fprintf(&b, "  containers:\n    - name: app\n      image: %s\n", yamlString(s.Image))
	b.WriteString("      securityContext:\n")
	fmt.Fprintf(&b, "        readOnlyRootFilesystem: %v\n", s.ReadOnly)
	fmt.Fprintf(&b, "        allowPrivilegeEscalation: %v\n", !s.NoNewPrivileges)
	b.WriteString("        capabilities:\n          drop: [" + strings.Join(s.CapDrop, ", ") + "]\n")
	if len(s.CapAdd) > 0 {
		b.WriteString("          add: [" + strings.Join(s.CapAdd, ", ") + "]\n")
	}
	if len(s.Ports) > 0 {
		b.WriteString("      ports:\n")
		for _, p := range s.Ports {
			fmt.Fprintf(&b, "        - containerPort: %d\n          protocol: %s\n", p.Port, strings.ToUpper(p.Proto))
		}
	}
	if len(s.Tmpfs) > 0 {
		b.WriteString("      volumeMounts:\n")
		for i, t := range s.Tmpfs {
			fmt.Fprintf(&b, "        - name: tmpfs-%d\n          mountPath: %s\n", i, yamlString(t))
		}
		b.WriteString("  volumes:\n")
		for i := range s.Tmpfs {
			fmt.Fprintf(&b, "    - name: tmpfs-%d\n      emptyDir:\n        medium: Memory\n        sizeLimit: %s\n", i, tmpfsSizeK8s)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func splitUser(u string) (string, string) {
	uid, gid, _ := strings.Cut(u, ":")
	if !isNumber(uid) {
		uid = ""
	}
	if !isNumber(gid) {
		gid = ""
	}
	return uid, gid
}

func isNumber(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// yamlString quotes a value when YAML could read it as something else.
func yamlString(s string) string {
	if s == "" || strings.ContainsAny(s, ":#{}[],&*!|>'\"%@`") || strings.HasPrefix(s, "-") || isNumber(s) {
		return "'" + strings.ReplaceAll(s, "'", "''") + "'"
	}
	return s
}
