// Package govulndb_test runs govulncheck over harden's own code with a Go
// vulnerability database made from the shared OSV records (the machine
// cannot reach vuln.go.dev), and fails on any vulnerable function harden
// calls.
package govulndb_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/harden-dev/harden/internal/testutil"
)

// osvEntry is the part of a Go OSV record the database index needs.
type osvEntry struct {
	ID       string    `json:"id"`
	Modified time.Time `json:"modified"`
	Aliases  []string  `json:"aliases"`
	Affected []struct {
		Package struct {
			Name string `json:"name"`
		} `json:"package"`
		Ranges []struct {
			Events []map[string]string `json:"events"`
		} `json:"ranges"`
	} `json:"affected"`
}

// writeDB lays the records out as govulncheck's file:// database (the v1
// layout of vuln.go.dev: index/db.json, index/modules.json,
// index/vulns.json, ID/<id>.json).
func writeDB(t *testing.T, src, dst string) int {
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	type vulnRef struct {
		ID       string    `json:"id"`
		Modified time.Time `json:"modified"`
		Fixed    string    `json:"fixed,omitempty"`
	}
	modules := map[string][]vulnRef{}
	var vulns []map[string]any
	var newest time.Time
	os.MkdirAll(filepath.Join(dst, "ID"), 0o755)
	os.MkdirAll(filepath.Join(dst, "index"), 0o755)
	n := 0
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".json") {
			continue
		}
		data, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		var r osvEntry
		if err := json.Unmarshal(data, &r); err != nil {
			t.Fatalf("%s: %v", e.Name(), err)
		}
		if r.Modified.IsZero() || r.Modified.Year() < 2000 {
			r.Modified = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
			var raw map[string]any
			json.Unmarshal(data, &raw)
			raw["modified"] = r.Modified.Format(time.RFC3339)
			raw["published"] = r.Modified.Format(time.RFC3339)
			data, _ = json.Marshal(raw)
		}
		if r.Modified.After(newest) {
			newest = r.Modified
		}
		os.WriteFile(filepath.Join(dst, "ID", r.ID+".json"), data, 0o644)
		vulns = append(vulns, map[string]any{"id": r.ID, "modified": r.Modified, "aliases": r.Aliases})
		for _, a := range r.Affected {
			fixed := ""
			for _, rg := range a.Ranges {
				for _, ev := range rg.Events {
					if f := ev["fixed"]; f != "" {
						fixed = f
					}
				}
			}
			modules[a.Package.Name] = append(modules[a.Package.Name], vulnRef{ID: r.ID, Modified: r.Modified, Fixed: fixed})
		}
		n++
	}
	var mods []map[string]any
	names := make([]string, 0, len(modules))
	for m := range modules {
		names = append(names, m)
	}
	sort.Strings(names)
	for _, m := range names {
		mods = append(mods, map[string]any{"path": m, "vulns": modules[m]})
	}
	write := func(name string, v any) {
		data, _ := json.Marshal(v)
		os.WriteFile(filepath.Join(dst, "index", name), data, 0o644)
	}
	write("db.json", map[string]any{"modified": newest})
	write("modules.json", mods)
	write("vulns.json", vulns)
	return n
}

// TestGovulncheck: no vulnerable function of a dependency (or of the
// standard library) is called by harden.
func TestGovulncheck(t *testing.T) {
	bin := testutil.RequirePeer(t, "govulncheck")
	src := filepath.Join(testutil.SharedDir(t), "vulndb", "osv", "Go")
	db := t.TempDir()
	n := writeDB(t, src, db)
	root, _ := filepath.Abs("../..")
	cmd := exec.Command(bin, "-db", "file://"+db, "-format", "json", "./...")
	cmd.Dir = root
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("govulncheck: %v\n%s", err, out)
	}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	called := map[string]bool{}
	scanned := false
	for dec.More() {
		var msg struct {
			Config *struct {
				DB string `json:"db"`
			} `json:"config"`
			Finding *struct {
				OSV   string `json:"osv"`
				Trace []struct {
					Function string `json:"function"`
				} `json:"trace"`
			} `json:"finding"`
		}
		if err := dec.Decode(&msg); err != nil {
			t.Fatal(err)
		}
		if msg.Config != nil {
			scanned = true
		}
		// a finding whose trace names a function is a called one
		if msg.Finding != nil && len(msg.Finding.Trace) > 0 && msg.Finding.Trace[0].Function != "" {
			called[msg.Finding.OSV] = true
		}
	}
	if !scanned {
		t.Fatalf("govulncheck printed no config; output:\n%s", out)
	}
	for id := range called {
		t.Errorf("harden calls a vulnerable function: %s", id)
	}
	t.Logf("%d Go vulnerability records, %d called", n, len(called))
}
