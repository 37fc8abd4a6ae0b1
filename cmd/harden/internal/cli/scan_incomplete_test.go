package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestScanIncomplete scans an SBOM with a package harden cannot match (a
// generic purl has no ecosystem): the table and JSON count and list it, and
// --fail-on exits 1 on the incomplete scan unless --allow-incomplete.
func TestScanIncomplete(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "db")
	run := func(args ...string) (int, string, string) {
		var stdout, stderr bytes.Buffer
		code := Main(context.Background(), args, nil, &stdout, &stderr)
		return code, stdout.String(), stderr.String()
	}
	if code, _, errOut := run("db", "import", "-q", "--db", db, "../../../../vuln/testdata/records"); code != 0 {
		t.Fatalf("db import: exit %d: %s", code, errOut)
	}
	doc := `{"bomFormat": "CycloneDX", "specVersion": "1.5", "version": 1,
  "metadata": {"component": {"type": "container", "name": "app"}},
  "components": [
    {"type": "library", "name": "leftpad", "version": "1.3.0", "purl": "pkg:npm/leftpad@1.3.0", "bom-ref": "a"},
    {"type": "library", "name": "mystery", "version": "1.0", "purl": "pkg:generic/mystery@1.0", "bom-ref": "b"}
  ]}`
	sb := filepath.Join(dir, "app.cdx.json")
	if err := os.WriteFile(sb, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	scan := func(args ...string) (int, string, string) {
		return run(append([]string{"scan", "-q", "--max-db-age", "0", "--db", db, "sbom:" + sb}, args...)...)
	}

	code, out, errOut := scan()
	if code != 0 {
		t.Fatalf("scan: exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, "incomplete: 1 packages could not be matched: mystery@1.0 (no ecosystem") {
		t.Errorf("table lacks the incomplete line:\n%s", out)
	}
	_, out, _ = scan("--format", "json")
	var j struct {
		Unmatched []struct {
			Package, Reason string
		} `json:"unmatched"`
		Summary struct {
			Scanned   int `json:"scanned"`
			Unmatched int `json:"unmatched"`
		} `json:"summary"`
	}
	if err := json.Unmarshal([]byte(out), &j); err != nil {
		t.Fatal(err)
	}
	if j.Summary.Unmatched != 1 || len(j.Unmatched) != 1 || j.Unmatched[0].Package != "mystery@1.0" || j.Summary.Scanned != 1 {
		t.Errorf("json: unmatched %+v, summary %+v", j.Unmatched, j.Summary)
	}
	_, out, _ = scan("--format", "sarif")
	if !strings.Contains(out, `"incomplete": true`) {
		t.Errorf("sarif run lacks the incomplete property:\n%s", out)
	}

	// leftpad 1.3.0 is fixed: nothing is critical, but the scan is incomplete
	code, _, errOut = scan("--fail-on", "critical")
	if code != 1 || !strings.Contains(errOut, "incomplete (1 packages could not be matched)") {
		t.Errorf("--fail-on critical: exit %d, stderr %q; want 1, incomplete", code, errOut)
	}
	if code, _, errOut = scan("--fail-on", "critical", "--allow-incomplete"); code != 0 {
		t.Errorf("--allow-incomplete: exit %d: %s", code, errOut)
	}
}
