package runconfig

import (
	"fmt"
	"io"
	"strings"

	"github.com/harden-dev/harden/report"
)

// WriteTable prints the settings as a table, their notes, and the docker
// run line.
func (s *Settings) WriteTable(w io.Writer) error {
	t := report.NewTable("SETTING", "VALUE")
	t.Add("user", s.User)
	t.Add("read-only root", s.ReadOnly)
	t.Add("tmpfs", strings.Join(s.Tmpfs, ", "))
	t.Add("capabilities dropped", strings.Join(s.CapDrop, ", "))
	if len(s.CapAdd) > 0 {
		t.Add("capabilities added", strings.Join(s.CapAdd, ", "))
	}
	t.Add("no new privileges", s.NoNewPrivileges)
	t.Add("seccomp", s.Seccomp)
	t.Add("pids limit", s.PidsLimit)
	if len(s.Volumes) > 0 {
		t.Add("volumes", strings.Join(s.Volumes, ", "))
	}
	if len(s.Healthcheck) > 0 {
		t.Add("healthcheck", strings.Join(s.Healthcheck, " "))
	}
	if err := t.WriteText(w); err != nil {
		return err
	}
	for _, n := range s.Notes {
		fmt.Fprintf(w, "note: %s\n", n)
	}
	fmt.Fprintln(w)
	return s.WriteDocker(w)
}

// Write prints the settings in format: json, docker (run flags), compose,
// kubernetes, or table.
func (s *Settings) Write(w io.Writer, format string) error {
	switch format {
	case "json":
		return report.WriteJSON(w, s)
	case "docker":
		return s.WriteDocker(w)
	case "compose":
		return s.WriteCompose(w)
	case "kubernetes":
		return s.WriteKubernetes(w)
	}
	return s.WriteTable(w)
}
