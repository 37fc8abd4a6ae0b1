// Package depcheck holds the drawing of harden's house (STYLE.md §1) as a
// test: every package and the harden packages it imports, listed exactly,
// and the rules the drawing keeps.
//
// The floors, bottom up:
//
//   - ground floor: internal/* helpers (layerfile, distroless, textdist,
//     capbuf, govulndb, testutil, and the depcheck and doccheck tests) and the leaves (report, elfinfo,
//     fsindex, debian, audit/secrets). An internal helper imports no harden
//     package outside internal/: no arrow runs back up. report is the leaf
//     every other floor stands on; it imports nothing of harden.
//   - analyzers: layers, audit, sbom, minify, vuln, dockerfile (lint and
//     rules) and workload stand side by side on fsindex and report. They do
//     not import each other; vuln → sbom is the one edge.
//   - workflows over the analyzers: runconfig, engine, compare, patch,
//     base, pin, redact, policy.
//   - top floor: the CLI (cmd/harden/internal/cli). Nothing else imports
//     it, and only it imports cobra and pflag.
package depcheck

import (
	"encoding/json"
	"fmt"
	"os/exec"
	"slices"
	"sort"
	"strings"
	"testing"
)

const mod = "github.com/harden-dev/harden"

// allowed lists, for EVERY package of the module, the harden packages it
// imports (its own subpackages included; tests not counted). The list is
// exact: an import not listed fails, and so does a listed import the
// package no longer has, so the drawing never drifts from the code. A new
// package fails until it is added here, on its floor.
var allowed = map[string][]string{
	// ground floor: internal helpers import only each other
	"internal/capbuf":     {},
	"internal/depcheck":   {},
	"internal/distroless": {},
	"internal/doccheck":   {},
	"internal/govulndb":   {},
	"internal/layerfile":  {},
	"internal/testutil":   {},
	"internal/textdist":   {},
	// ground floor: the leaves
	"report":            {},
	"elfinfo":           {},
	"fsindex":           {},
	"debian":            {},
	"debian/debiantest": {},
	"audit/secrets":     {},
	"image":             {"internal/textdist"},
	"policy":            {"report"},

	// analyzers, side by side
	"layers":           {"fsindex"},
	"audit":            {"audit/secrets", "elfinfo", "fsindex", "report"},
	"sbom":             {"fsindex", "image", "report"},
	"vuln":             {"report", "sbom"},
	"minify":           {"elfinfo", "engine", "fsindex", "internal/capbuf", "internal/distroless", "internal/layerfile", "report", "runconfig"},
	"dockerfile":       {"report"},
	"dockerfile/lint":  {"dockerfile", "dockerfile/rules", "report"},
	"dockerfile/rules": {"dockerfile", "internal/textdist", "report"},
	"workload":         {"report"},

	// workflows over the analyzers
	"runconfig": {"audit", "fsindex", "internal/distroless"},
	"engine":    {"internal/capbuf", "runconfig"},
	"compare":   {"audit", "dockerfile/lint", "fsindex", "layers", "minify", "report", "sbom", "vuln"},
	"patch":     {"debian", "fsindex", "internal/layerfile", "vuln"},
	"base":      {"debian", "internal/distroless", "internal/layerfile"},
	"pin":       {"dockerfile"},
	// redact shares audit's secret detector, and nothing else of audit.
	"redact": {"audit/secrets"},

	// embedded files and repository checks
	"examples": {},
	"scripts":  {},
	"ci":       {},

	// top floor
	"cmd/harden": {"cmd/harden/internal/cli"},
	"cmd/harden/internal/cli": {"audit", "base", "compare", "debian", "dockerfile", "dockerfile/lint", "dockerfile/rules",
		"engine", "examples", "fsindex", "image", "layers", "minify", "patch", "pin", "policy", "redact", "report",
		"runconfig", "sbom", "scripts", "vuln", "workload"},
}

// analyzers stand side by side: none imports another, but for these edges.
var (
	analyzers     = []string{"layers", "audit", "sbom", "minify", "vuln", "dockerfile", "workload"}
	analyzerEdges = map[[2]string]bool{{"vuln", "sbom"}: true}
)

// pkg is what go list says about one package.
type pkg struct {
	ImportPath                         string
	Imports, TestImports, XTestImports []string
}

// listPackages runs go list over the module.
func listPackages(t *testing.T) []pkg {
	t.Helper()
	out, err := exec.Command("go", "list", "-json=ImportPath,Imports,TestImports,XTestImports", mod+"/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	var pkgs []pkg
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for dec.More() {
		var p pkg
		if err := dec.Decode(&p); err != nil {
			t.Fatalf("go list output: %v", err)
		}
		pkgs = append(pkgs, p)
	}
	if len(pkgs) < 30 {
		t.Fatalf("go list found %d packages; expected the whole module", len(pkgs))
	}
	return pkgs
}

// rel strips the module path: "github.com/harden-dev/harden/audit" → "audit".
func rel(path string) (string, bool) {
	if r, ok := strings.CutPrefix(path, mod+"/"); ok {
		return r, true
	}
	return "", path == mod
}

// top is the first element of a package path: "dockerfile/lint" → "dockerfile".
func top(p string) string { return strings.SplitN(p, "/", 2)[0] }

func isCLI(p string) bool    { return p == "cmd/harden" || strings.HasPrefix(p, "cmd/") }
func isGround(p string) bool { return strings.HasPrefix(p, "internal/") }

// TestLayering checks every package's harden imports against allowed.
func TestLayering(t *testing.T) {
	seen := map[string]bool{}
	for _, p := range listPackages(t) {
		name, ok := rel(p.ImportPath)
		if !ok {
			t.Errorf("%s: outside the module", p.ImportPath)
			continue
		}
		seen[name] = true
		var got []string
		for _, imp := range p.Imports {
			if !isCLI(name) && (imp == "github.com/spf13/cobra" || strings.HasPrefix(imp, "github.com/spf13/pflag")) {
				t.Errorf("%s imports %s: only the CLI (cmd/harden/internal/cli) may use cobra and pflag", name, imp)
			}
			if dep, ok := rel(imp); ok {
				got = append(got, dep)
			}
		}
		for _, imp := range slices.Concat(p.TestImports, p.XTestImports) {
			if dep, ok := rel(imp); ok && isCLI(dep) && !isCLI(name) {
				t.Errorf("a test of %s imports %s: nothing outside cmd/ imports the CLI", name, dep)
			}
		}
		want, listed := allowed[name]
		if !listed {
			sort.Strings(got)
			t.Errorf("package %s is not in the layering table: add it to allowed in internal/depcheck/depcheck_test.go, on its floor, as\n\t%q: %s,",
				name, name, goList(got))
			continue
		}
		for _, dep := range got {
			if !slices.Contains(want, dep) {
				t.Errorf("%s imports %s, which the layering table does not allow (%s may import %v): remove the import, or, if the drawing should change, add it in internal/depcheck/depcheck_test.go",
					name, dep, name, want)
			}
		}
		for _, dep := range want {
			if !slices.Contains(got, dep) {
				t.Errorf("%s no longer imports %s: remove it from %s's entry in internal/depcheck/depcheck_test.go", name, dep, name)
			}
		}
	}
	for name := range allowed {
		if !seen[name] {
			t.Errorf("the layering table lists %s, which is not a package of the module any more: remove its entry", name)
		}
	}
}

// TestDrawing checks the table itself against the rules of the house, so
// an entry added to make TestLayering pass cannot break them.
func TestDrawing(t *testing.T) {
	for name, deps := range allowed {
		for _, dep := range deps {
			switch {
			case isCLI(dep) && !isCLI(name):
				t.Errorf("%s → %s: library packages never import the CLI", name, dep)
			case isGround(name) && !isGround(dep):
				t.Errorf("%s → %s: internal/ is the ground floor; its helpers import only each other (no arrow runs back up)", name, dep)
			case name == "report":
				t.Errorf("report → %s: report is the leaf and imports nothing of harden", dep)
			case dep == name:
				t.Errorf("%s lists itself", name)
			}
			a, b := top(name), top(dep)
			if a != b && slices.Contains(analyzers, a) && slices.Contains(analyzers, b) && !analyzerEdges[[2]string{a, b}] {
				t.Errorf("%s → %s: analyzers stand side by side (vuln → sbom is the one edge)", name, dep)
			}
		}
	}
	if cycle := findCycle(); cycle != nil {
		t.Errorf("the table has a cycle: %s", strings.Join(cycle, " → "))
	}
}

// findCycle returns a cycle in allowed, or nil.
func findCycle() []string {
	const (
		unseen = iota
		onPath
		done
	)
	state := map[string]int{}
	var path []string
	var visit func(n string) []string
	visit = func(n string) []string {
		switch state[n] {
		case onPath:
			i := slices.Index(path, n)
			return append(slices.Clone(path[i:]), n)
		case done:
			return nil
		}
		state[n] = onPath
		path = append(path, n)
		for _, d := range allowed[n] {
			if c := visit(d); c != nil {
				return c
			}
		}
		path = path[:len(path)-1]
		state[n] = done
		return nil
	}
	names := make([]string, 0, len(allowed))
	for n := range allowed {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if c := visit(n); c != nil {
			return c
		}
	}
	return nil
}

// goList formats names as a Go string-slice literal.
func goList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = fmt.Sprintf("%q", n)
	}
	return "{" + strings.Join(q, ", ") + "}"
}
