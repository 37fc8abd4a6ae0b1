// Package depcheck holds the drawing of harden's house (STYLE.md §1) as a
// test: every package and the harden packages it imports, listed exactly,
// and the floors the drawing keeps. Arrows run down only: a package
// imports packages on lower floors, never one above it, and packages on
// one floor stand side by side (not importing each other) but for the few
// edges listed in sideways. The floors, bottom up:
//
//  0. ground: the internal/* helpers (layerfile, distroless, textdist,
//     capbuf, govulndb, testutil, buildinfo, dockerplugin, progress, and
//     the depcheck and doccheck tests).
//     They import only each other.
//  1. leaves: report (the leaf every floor stands on: it imports nothing
//     of harden), elfinfo, fsindex, image, debian, audit/secrets and the
//     embedded files.
//  2. shared inputs: policy (filters findings), dockerfile (the parser),
//     facts (what the walk parses once) and redact (what every output
//     goes through).
//  3. analyzers: layers, audit, sbom, minify, vuln, dockerfile/lint and
//     dockerfile/rules, workload, side by side; vuln → sbom is the one edge.
//  4. workflows over the analyzers: runconfig, engine, compare, base,
//     pin, and the fleet's batch, attach and fleet.
//  5. workflows over workflows: patch (resolves with base's repositories,
//     verifies with minify and engine) and demo (the whole story).
//  6. the CLI, cmd/harden/internal/cli; 7. its main, cmd/harden. Nothing
//     else imports the CLI, and only it imports cobra and pflag.
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
	// 0. ground: internal helpers import only each other
	"internal/capbuf":       {},
	"internal/depcheck":     {},
	"internal/distroless":   {},
	"internal/doccheck":     {},
	"internal/fstar":        {},
	"internal/atomicfile":   {},
	"internal/buildinfo":    {},
	"internal/dockerplugin": {},
	"internal/progress":     {},
	"internal/govulndb":     {},
	"internal/layerfile":    {},
	"internal/testutil":     {},
	"internal/textdist":     {},

	// 1. leaves
	"report":             {},
	"elfinfo":            {},
	"fsindex":            {"internal/fstar"},
	"fsindex/layercache": {}, // the layer cache on disk (fsindex.Cache)
	"debian":             {},
	"debian/debiantest":  {},
	"audit/secrets":      {},
	"image":              {"internal/fstar", "internal/textdist"},
	"examples":           {}, // embedded files
	"scripts":            {},
	"ci":                 {}, // tests of the CI integrations only

	// 2. shared inputs
	"policy":     {"report"},
	"dockerfile": {"report"},
	// the facts every analyzer reads, parsed once in the walk
	"facts": {"elfinfo", "fsindex"},

	// 3. analyzers, side by side
	"layers":           {"fsindex", "report"},
	"audit":            {"audit/secrets", "elfinfo", "facts", "fsindex", "policy", "report"},
	"sbom":             {"facts", "fsindex", "report"},
	"vuln":             {"policy", "report", "sbom"},
	"minify":           {"elfinfo", "engine", "facts", "fsindex", "image", "internal/capbuf", "internal/distroless", "internal/layerfile", "report", "runconfig"},
	"dockerfile/lint":  {"dockerfile", "dockerfile/rules", "internal/atomicfile", "policy", "report"},
	"dockerfile/rules": {"dockerfile", "internal/textdist", "report"},
	"workload":         {"report"},

	// 4. workflows over the analyzers
	"runconfig": {"audit", "fsindex", "internal/distroless", "report"},
	"engine":    {"internal/capbuf", "runconfig"},
	"compare":   {"audit", "dockerfile/lint", "fsindex", "image", "internal/atomicfile", "layers", "minify", "redact", "report", "sbom", "vuln"},
	"patch":     {"base", "debian", "engine", "facts", "fsindex", "image", "internal/layerfile", "minify", "report", "sbom", "vuln"},
	"base":      {"debian", "image", "internal/atomicfile", "internal/distroless", "internal/layerfile", "report"},
	"pin":       {"dockerfile", "dockerfile/lint", "image", "internal/atomicfile", "report"},
	// redact shares audit's secret detector, and nothing else of audit.
	"redact": {"audit/secrets"},
	// results in the registry and the Kubernetes objects of a fleet run
	"attach": {"image", "report"},
	"batch":  {"image"},
	"fleet":  {},

	"cmd/harden": {"cmd/harden/internal/cli"},
	// 5. workflows over workflows
	"demo": {"audit", "base", "compare", "dockerfile", "dockerfile/lint", "dockerfile/rules", "engine", "examples", "fsindex", "image",
		"internal/atomicfile", "minify", "policy", "redact", "report", "runconfig", "sbom", "vuln"},

	// 6. and 7. the CLI and its main
	"cmd/harden/internal/cli": {"attach", "audit", "base", "batch", "compare", "demo", "dockerfile", "dockerfile/lint", "dockerfile/rules",
		"engine", "fleet", "fsindex", "fsindex/layercache", "image", "internal/atomicfile", "internal/buildinfo", "internal/dockerplugin", "internal/progress",
		"layers", "minify", "patch", "pin", "policy", "redact", "report",
		"runconfig", "sbom", "vuln", "workload"},
}

// floors places every package (by its path, or else by its top directory;
// internal/* is floor 0). A new top directory fails TestDrawing until it
// is given a floor here.
var floors = map[string]int{
	"report": 1, "elfinfo": 1, "fsindex": 1, "image": 1, "debian": 1, "audit/secrets": 1,
	"examples": 1, "scripts": 1, "ci": 1,
	"policy": 2, "dockerfile": 2, "facts": 2, "redact": 2,
	"layers": 3, "audit": 3, "sbom": 3, "minify": 3, "vuln": 3, "dockerfile/lint": 3, "dockerfile/rules": 3, "workload": 3,
	"runconfig": 4, "engine": 4, "compare": 4, "base": 4, "pin": 4,
	"attach": 4, "fleet": 4, "batch": 4,
	"patch": 5, "demo": 5,
	"cmd/harden/internal/cli": 6,
	"cmd/harden":              7,
}

// sideways are the edges allowed between two packages of one floor (a
// package's own subpackages aside), with why.
var sideways = map[[2]string]string{
	{"vuln", "sbom"}:        "vuln matches the packages of sbom's inventory",
	{"engine", "runconfig"}: "the engine runs the hardened run runconfig defines",
}

// upward are the arrows that run against the drawing today, each with what
// would remove it. Add none: move code down instead.
var upward = map[[2]string]string{
	{"minify", "engine"}:    "minify traces and verifies in containers; an interface minify declares (its Runner) with the engine passed in by the caller would remove it",
	{"minify", "runconfig"}: "minify writes runconfig.WritableLabel and reads runconfig.ForImage; runconfig also recommends settings from audit's result (a workflow): moving the hardened-run definition to a lower floor would remove it",
}

// floorOf returns the package's floor, and false when it has none.
func floorOf(p string) (int, bool) {
	if isGround(p) {
		return 0, true
	}
	if f, ok := floors[p]; ok {
		return f, true
	}
	f, ok := floors[top(p)]
	return f, ok
}

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
			msg := fmt.Sprintf("package %s is not in the layering table: add it to allowed in internal/depcheck/depcheck_test.go as\n\t%q: %s,", name, name, goList(got))
			if _, ok := floorOf(name); !ok {
				msg += "\nand give it a floor in floors there (the floors are drawn in the package comment)"
			}
			t.Error(msg)
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

// TestDrawing checks the table itself against the floors, so an entry
// added to make TestLayering pass cannot break the drawing.
func TestDrawing(t *testing.T) {
	used := map[[2]string]bool{}
	for name, deps := range allowed {
		fn, ok := floorOf(name)
		if !ok {
			t.Errorf("package %s has no floor: add its top directory to floors in internal/depcheck/depcheck_test.go", name)
			continue
		}
		for _, dep := range deps {
			edge := [2]string{name, dep}
			fd, ok := floorOf(dep)
			switch {
			case !ok:
				continue // reported as a package of its own
			case isCLI(dep) && !isCLI(name):
				t.Errorf("%s → %s: library packages never import the CLI", name, dep)
			case name == "report":
				t.Errorf("report → %s: report is the leaf and imports nothing of harden", dep)
			case dep == name:
				t.Errorf("%s lists itself", name)
			case fd < fn:
			case fd == fn && (top(name) == top(dep) || sideways[edge] != ""):
				used[edge] = true
			case fd == fn:
				t.Errorf("%s → %s: both stand on floor %d, side by side; move the shared code down a floor", name, dep, fn)
			case upward[edge] != "":
				used[edge] = true
			case isGround(name):
				t.Errorf("%s → %s: internal/ is the ground floor; its helpers import only each other (no arrow runs back up)", name, dep)
			default:
				t.Errorf("%s (floor %d) → %s (floor %d): an arrow runs back up; move the code it needs down", name, fn, dep, fd)
			}
		}
	}
	for _, m := range []map[[2]string]string{sideways, upward} {
		for edge := range m {
			if !used[edge] {
				t.Errorf("%s → %s is listed as an exception but the table has no such edge: remove it", edge[0], edge[1])
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
