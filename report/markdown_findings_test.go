package report

import (
	"bytes"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestWriteMarkdownFindings(t *testing.T) {
	findings := []Finding{
		{ID: "shell-present", Aliases: []string{"CIS-DI-0003"}, Severity: High, Title: "Shell present", Message: "shell dash | sh at /usr/bin/dash",
			Evidence: []Evidence{{Path: "/usr/bin/dash", Layer: LayerIndex(0), Origin: "base", CreatedBy: "ADD  file:abc in /"}, {Path: "/bin/sh"}}},
		{ID: "runs-as-root", Severity: High, Title: "Container runs as root", Evidence: []Evidence{{ConfigKey: "Config.User"}}},
		{ID: "shadow-password", Severity: Medium, Message: "empty", Evidence: []Evidence{{Path: "/etc/shadow", Line: 3, ConfigKey: "history[2]"}}},
	}
	var buf bytes.Buffer
	if err := WriteMarkdownFindings(&buf, findings); err != nil {
		t.Fatal(err)
	}
	want := "| Severity | ID | Finding | Location | Layer |\n" +
		"|---|---|---|---|---|\n" +
		"| high | `shell-present` (CIS-DI-0003) | shell dash \\| sh at /usr/bin/dash | `/usr/bin/dash` (+1) | 0 base: ADD file:abc in / |\n" +
		"| high | `runs-as-root` | Container runs as root | `Config.User` |  |\n" +
		"| medium | `shadow-password` | empty | `/etc/shadow:3` |  |\n"
	if d := cmp.Diff(want, buf.String()); d != "" {
		t.Errorf("WriteMarkdownFindings (-want +got):\n%s", d)
	}
	buf.Reset()
	if err := WriteMarkdownFindings(&buf, nil); err != nil || buf.String() != "No findings.\n" {
		t.Errorf("no findings: %q, %v", buf.String(), err)
	}
}

func TestLayerText(t *testing.T) {
	ev := Evidence{Layer: LayerIndex(12), Origin: "own", CreatedBy: "RUN npm   install --omit=dev"}
	if got := LayerText(ev, 0); got != "12 own: RUN npm install --omit=dev" {
		t.Errorf("LayerText = %q", got)
	}
	if got := LayerText(ev, 10); got != "12 own: R…" {
		t.Errorf("LayerText(10) = %q", got)
	}
	if got := LayerText(Evidence{}, 0); got != "" {
		t.Errorf("LayerText(no layer) = %q", got)
	}
}
