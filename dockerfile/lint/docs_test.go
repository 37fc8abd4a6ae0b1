package lint

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/harden-dev/harden/dockerfile"
	"github.com/harden-dev/harden/dockerfile/rules"
)

const rulesDoc = "../../docs/lint-rules.md"

// renderRulesDoc writes docs/lint-rules.md from the rule metadata.
func renderRulesDoc() string {
	var b strings.Builder
	b.WriteString("<!-- Generated from dockerfile/rules by `go generate ./dockerfile/lint`; do not edit. -->\n\n")
	b.WriteString("# harden lint rules\n\n")
	counts := map[string]int{}
	for _, r := range rules.All() {
		counts[rules.Source(r.Meta().ID)]++
	}
	fmt.Fprintf(&b, "%d rules: %d from hadolint, %d Trivy checks and %d BuildKit checks that hadolint lacks (the others are aliases), %d Dockle checkpoint and %d of harden's own (distroless practice). ",
		len(rules.All()), counts["hadolint"], counts["Trivy"], counts["BuildKit"], counts["Dockle"], counts["harden"])
	b.WriteString("A rule's aliases are the IDs other tools use for the same check; `--ignore`, `.harden.yaml` and inline pragmas accept any of them. ")
	b.WriteString("Levels are hadolint's; see [lint.md](lint.md) for how they map to severities. `off` rules run only when a severity override turns them on.\n\n")
	b.WriteString("| ID | Source | Level | Aliases | Fix | Title |\n|---|---|---|---|---|---|\n")
	esc := func(s string) string { return strings.ReplaceAll(strings.ReplaceAll(s, "|", `\|`), "\n", " ") }
	for _, r := range rules.All() {
		m := r.Meta()
		fix := ""
		if m.Fixable {
			fix = "yes"
		}
		fmt.Fprintf(&b, "| [%s](#%s) | %s | %s | %s | %s | %s |\n", m.ID, strings.ToLower(m.ID), rules.Source(m.ID), m.Level(), esc(strings.Join(m.Aliases, ", ")), fix, esc(m.Title))
	}
	b.WriteString("\n## Not implemented\n\n| ID | Source | Title | Why |\n|---|---|---|---|\n")
	for _, n := range rules.NotImplementedRules() {
		fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", n.ID, n.Source, esc(n.Title), esc(n.Reason))
	}
	b.WriteString("\n## Rules\n")
	for _, r := range rules.All() {
		m := r.Meta()
		fmt.Fprintf(&b, "\n### %s\n\n**%s**\n\n", m.ID, m.Title)
		fmt.Fprintf(&b, "Level: %s", m.Level())
		if m.Level() == dockerfile.Off {
			b.WriteString(" (enable with a severity override)")
		}
		if len(m.Aliases) > 0 {
			fmt.Fprintf(&b, " · Aliases: %s", strings.Join(m.Aliases, ", "))
		}
		if m.Needs != "" {
			fmt.Fprintf(&b, " · Needs: %s", m.Needs)
		}
		if m.Fixable {
			b.WriteString(" · Fixed by `--fix`")
		}
		fmt.Fprintf(&b, "\n\n%s\n\nFix: %s\n\n", m.Help, m.Fix)
		fmt.Fprintf(&b, "Flagged:\n\n```dockerfile\n%s```\n\nNot flagged:\n\n```dockerfile\n%s```\n", m.Bad, m.Good)
	}
	return b.String()
}

// TestRulesDoc fails when docs/lint-rules.md is stale; run
// `go generate ./dockerfile/lint` (or this test with -update) to rewrite it.
func TestRulesDoc(t *testing.T) {
	got := renderRulesDoc()
	if *update {
		if err := os.WriteFile(rulesDoc, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(rulesDoc)
	if err != nil {
		t.Fatalf("%v (run go generate ./dockerfile/lint)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s is stale; run go generate ./dockerfile/lint (-want +got):\n%s", rulesDoc, diff)
	}
}
