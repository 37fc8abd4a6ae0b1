package policy

import (
	"strings"
	"testing"
	"time"

	"github.com/harden-dev/harden/report"
)

func TestLoad(t *testing.T) {
	c, err := Load(strings.NewReader(`
failOn: high
ignore:
  - id: CVE-2023-1234
    expires: 2026-12-31
    reason: not reachable from the app
  - id: CIS-DI-0001
    paths: ["/usr/bin/**"]
`))
	if err != nil {
		t.Fatal(err)
	}
	if c.FailOn != "high" || len(c.Ignore) != 2 || c.Ignore[0].Reason != "not reachable from the app" {
		t.Errorf("Load = %+v", c)
	}
	bad := []struct{ yaml, want string }{
		{"failOn: severe", `failOn: unknown severity "severe"`},
		{"ignore:\n  - reason: x", "ignore[0]: id is required"},
		{"ignore:\n  - id: X\n    expires: tomorrow", `expires "tomorrow" is not a YYYY-MM-DD date`},
		{"scan:\n  maxDBAge: soon", "scan.maxDBAge"},
		{"unknownKey: 1", "field unknownKey not found"},
		{"lint:\n  failureThreshold: severe", "lint.failureThreshold"},
		{"audit:\n  minScore: 140", "audit.minScore"},
	}
	for _, tt := range bad {
		if _, err := Load(strings.NewReader(tt.yaml)); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Load(%q) = %v, want %q", tt.yaml, err, tt.want)
		}
	}
	if c, err := Load(strings.NewReader("")); err != nil || c == nil {
		t.Errorf("empty config: %v", err)
	}
}

func TestSuppressed(t *testing.T) {
	c := &Config{Ignore: []Ignore{
		{ID: "cve-2023-1234", Expires: "2026-06-30"},
		{ID: "CIS-DI-0008", Paths: []string{"/usr/bin/**"}},
		{ID: "shell-present", Paths: []string{"/bin/*sh"}},
	}}
	f := func(id string, aliases []string, paths ...string) report.Finding {
		var ev []report.Evidence
		for _, p := range paths {
			ev = append(ev, report.Evidence{Path: p})
		}
		return report.Finding{ID: id, Aliases: aliases, Evidence: ev}
	}
	before := time.Date(2026, 6, 30, 23, 0, 0, 0, time.UTC)
	after := time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name    string
		finding report.Finding
		now     time.Time
		want    bool
	}{
		{"alias, case-insensitive, before expiry", f("DEBIAN-CVE-2023-1234", []string{"CVE-2023-1234"}), before, true},
		{"expired on the day after", f("DEBIAN-CVE-2023-1234", []string{"CVE-2023-1234"}), after, false},
		{"dockle alias under the path", f("setuid-file", []string{"CIS-DI-0008"}, "/usr/bin/passwd"), after, true},
		{"dockle alias outside the path", f("setuid-file", []string{"CIS-DI-0008"}, "/bin/su"), after, false},
		{"glob on the path", f("shell-present", nil, "/bin/bash"), after, true},
		{"other id", f("runs-as-root", nil), after, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, got := c.Suppressed(tt.finding, tt.now); got != tt.want {
				t.Errorf("Suppressed = %v, want %v", got, tt.want)
			}
		})
	}
	kept, suppressed := c.Filter([]report.Finding{f("runs-as-root", nil), f("shell-present", nil, "/bin/sh")}, after)
	if len(kept) != 1 || len(suppressed) != 1 || kept[0].ID != "runs-as-root" {
		t.Errorf("Filter = %v / %v", kept, suppressed)
	}
}

func TestMatchPath(t *testing.T) {
	for _, tt := range []struct {
		globs []string
		p     string
		want  bool
	}{
		{[]string{"/app/**"}, "/app", true},
		{[]string{"/app/**"}, "/app/x/y", true},
		{[]string{"/app/**"}, "/apple", false},
		{[]string{"*.env"}, "prod.env", true},
		{[]string{"/etc/*"}, "/etc/x/y", false},
	} {
		if got := MatchPath(tt.globs, tt.p); got != tt.want {
			t.Errorf("MatchPath(%v, %q) = %v, want %v", tt.globs, tt.p, got, tt.want)
		}
	}
}
