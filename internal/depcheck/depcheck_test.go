// Package depcheck enforces harden's package layering (STYLE.md §1): only
// the CLI knows about cobra and flags, report is the leaf, analyzers do not
// import each other (vuln → sbom is the one edge), debian stands alone, and
// redact knows only audit's secret detector.
package depcheck

import (
	"os/exec"
	"strings"
	"testing"
)

const mod = "github.com/harden-dev/harden/"

// allowed lists, for each package that has rules, the harden packages it may
// import. Packages not listed may import any core package but never the CLI.
var allowed = map[string][]string{
	"report":     {},
	"elfinfo":    {},
	"policy":     {"report"},
	"image":      {},
	"fsindex":    {},
	"facts":      {"fsindex", "elfinfo"},
	"layers":     {"fsindex"},
	"audit":      {"fsindex", "facts", "report", "policy", "elfinfo"},
	"sbom":       {"fsindex", "facts", "report", "policy"},
	"vuln":       {"sbom", "fsindex", "report", "policy"},
	"minify":     {"fsindex", "facts", "report", "elfinfo", "image", "engine", "runconfig"},
	"runconfig":  {"audit", "fsindex"},
	"engine":     {"runconfig"},
	"debian":     {},
	"base":       {"debian", "report", "image"},
	"dockerfile": {"report", "policy"},
	// redact shares audit's secret detector, and nothing else of audit.
	"redact":   {"audit/secrets"},
	"pin":      {"dockerfile"},
	"workload": {"report"},
	"patch":    {"debian", "fsindex", "facts", "vuln"},
}

func TestLayering(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}}{{range .Imports}} {{.}}{{end}}`, mod+"...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		pkg := strings.TrimPrefix(fields[0], mod)
		top := strings.SplitN(pkg, "/", 2)[0]
		cli := strings.HasPrefix(pkg, "cmd/")
		for _, imp := range fields[1:] {
			if !cli && (imp == "github.com/spf13/cobra" || strings.HasPrefix(imp, "github.com/spf13/pflag")) {
				t.Errorf("%s imports %s: only cmd/harden/internal/cli may use cobra", pkg, imp)
			}
			if !strings.HasPrefix(imp, mod) {
				continue
			}
			dep := strings.TrimPrefix(imp, mod)
			if strings.HasPrefix(dep, "cmd/") && !cli {
				t.Errorf("%s imports %s: nothing imports the CLI", pkg, dep)
			}
			rules, ok := allowed[top]
			if !ok {
				continue
			}
			depTop := strings.SplitN(dep, "/", 2)[0]
			if depTop == top || strings.HasPrefix(dep, "internal/") {
				continue // its own subpackages, shared internal helpers
			}
			if !contains(rules, depTop) && !contains(rules, dep) {
				t.Errorf("%s imports %s; %s may only import %v", pkg, dep, top, rules)
			}
		}
	}
}

func contains(list []string, s string) bool {
	for _, l := range list {
		if l == s {
			return true
		}
	}
	return false
}
