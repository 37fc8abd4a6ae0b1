package vuln

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/harden-dev/harden/internal/testutil"
	"github.com/harden-dev/harden/report"
	"github.com/harden-dev/harden/sbom"
)

// sharedDBPath imports the whole ../shared/vulndb into a temporary
// directory (about a second and a half).
func sharedDBPath(tb testing.TB) string {
	tb.Helper()
	dir := tb.TempDir()
	if _, err := Import(context.Background(), dir, []string{filepath.Join(sharedVulnDB(tb), "osv")}); err != nil {
		tb.Fatal(err)
	}
	return dir
}

// BenchmarkOpen measures opening the database with all of ../shared/vulndb
// (7,000 records): a file open and one small read, whatever the size.
func BenchmarkOpen(b *testing.B) {
	dir := sharedDBPath(b)
	for b.Loop() {
		db, err := Open(dir)
		if err != nil {
			b.Fatal(err)
		}
		db.Close()
	}
}

// BenchmarkScanNode18 is what `harden scan` adds to the inventory: open the
// database and match the node18 fixture's 2,400 packages.
func BenchmarkScanNode18(b *testing.B) {
	dir := sharedDBPath(b)
	s := fixtureSBOM(b, savedFixture(b, testutil.Node18Image))
	b.ResetTimer()
	var n int
	for b.Loop() {
		db, err := Open(dir)
		if err != nil {
			b.Fatal(err)
		}
		res, err := Match(context.Background(), db, s)
		if err != nil {
			b.Fatal(err)
		}
		db.Close()
		n = res.Summary.Findings
	}
	b.ReportMetric(float64(n), "findings")
}

// BenchmarkImportShared imports all of ../shared/vulndb.
func BenchmarkImportShared(b *testing.B) {
	osv := filepath.Join(sharedVulnDB(b), "osv")
	for b.Loop() {
		if _, err := Import(context.Background(), b.TempDir(), []string{osv}); err != nil {
			b.Fatal(err)
		}
	}
}

// TestCycloneDXWithVulnerabilities validates `scan --format cyclonedx`
// against the CycloneDX 1.6 schema.
func TestCycloneDXWithVulnerabilities(t *testing.T) {
	db := testDB(t, "testdata/records")
	p := pkg("npm", "npm", "leftpad", "1.2.5")
	p.PURL = "pkg:npm/leftpad@1.2.5"
	d := pkg("deb", "Debian:12", "libfoo1", "1.2-3")
	d.SourceName = "foo"
	s := testSBOM(p, d)
	ignore := func(f report.Finding, _ time.Time) (string, bool) { return "accepted", f.ID == "MAL-2099-1" }
	res, err := Match(context.Background(), db, s, WithClock(clock), WithSuppressor(ignore))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := sbom.WriteCycloneDX(&buf, CycloneDX(s, res)); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Vulnerabilities []struct {
			ID      string `json:"id"`
			Affects []struct {
				Ref string `json:"ref"`
			} `json:"affects"`
			Analysis *struct{ State string } `json:"analysis"`
		} `json:"vulnerabilities"`
	}
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Vulnerabilities) != len(res.Findings)+1 {
		t.Errorf("%d vulnerabilities, want %d findings + 1 suppressed", len(doc.Vulnerabilities), len(res.Findings))
	}
	for _, v := range doc.Vulnerabilities {
		if len(v.Affects) != 1 || !strings.HasPrefix(v.Affects[0].Ref, "pkg:") {
			t.Errorf("%s affects %+v", v.ID, v.Affects)
		}
	}
	testutil.ValidateCycloneDX(t, buf.Bytes())
}
