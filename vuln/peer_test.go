package vuln

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/harden-dev/harden/fsindex"
	"github.com/harden-dev/harden/image"
	"github.com/harden-dev/harden/internal/testutil"
	"github.com/harden-dev/harden/sbom"
)

// The peer tests run osv-scanner 2.6.0 on the same inputs with the same
// OSV data and compare. They skip when osv-scanner is not installed, and
// fail in CI (scripts/peers.sh installs it: see docs/accuracy.md).

// osvScannerDB lays out osv-scanner's offline database: DIR/osv-scalibr/
// ECOSYSTEM/all.zip, made from the shared records.
func osvScannerDB(t *testing.T, ecosystems ...string) string {
	t.Helper()
	dir := t.TempDir()
	for _, e := range ecosystems {
		d := filepath.Join(dir, "osv-scalibr", e)
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		zipOf(t, filepath.Join(sharedVulnDB(t), "osv", e), filepath.Join(d, "all.zip"))
	}
	return dir
}

// osvScannerHits runs osv-scanner and lists "package record" lines; OS
// packages are named by their binary package, as harden names them.
func osvScannerHits(t *testing.T, args ...string) []string {
	t.Helper()
	cmd := exec.Command(testutil.RequirePeer(t, "osv-scanner"), args...)
	out, err := cmd.Output()
	if err != nil && cmd.ProcessState.ExitCode() != 1 { // 1: vulnerabilities found
		t.Fatalf("osv-scanner %v: %v", args, err)
	}
	var res struct {
		Results []struct {
			Packages []struct {
				Package struct {
					Name          string `json:"name"`
					OSPackageName string `json:"os_package_name"`
				} `json:"package"`
				Vulnerabilities []struct {
					ID string `json:"id"`
				} `json:"vulnerabilities"`
			} `json:"packages"`
		} `json:"results"`
	}
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("osv-scanner output: %v", err)
	}
	var hits []string
	for _, r := range res.Results {
		for _, p := range r.Packages {
			name := p.Package.Name
			if p.Package.OSPackageName != "" {
				name = p.Package.OSPackageName
			}
			for _, v := range p.Vulnerabilities {
				hits = append(hits, name+" "+v.ID)
			}
		}
	}
	sort.Strings(hits)
	return hits
}

// hardenHits lists "package record" once per pair (an advisory fixing
// several CVEs is in several findings).
func hardenHits(r *Result) []string {
	var out []string
	seen := map[string]bool{}
	for _, f := range r.Findings {
		for _, id := range f.Records {
			if k := f.Package.Name + " " + id; !seen[k] {
				seen[k] = true
				out = append(out, k)
			}
		}
	}
	sort.Strings(out)
	return out
}

func TestPeerOSVScannerLockfile(t *testing.T) {
	shared := sharedVulnDB(t)
	lock := filepath.Join(shared, "..", "testdata", "osv-offline-fixtures", "npm-express-lodash", "package-lock.json")
	want := osvScannerHits(t, "scan", "source", "--offline", "--local-db-path", osvScannerDB(t, "npm"), "-L", lock, "--format", "json")
	db := testDB(t, filepath.Join(shared, "osv", "npm"))
	s, err := sbom.FromPath(context.Background(), lock)
	if err != nil {
		t.Fatal(err)
	}
	res, err := Match(context.Background(), db, s)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(want, hardenHits(res)); d != "" {
		t.Errorf("(-osv-scanner +harden):\n%s", d)
	}
}

// TestPeerOSVScannerNode18 scans the node18 fixture with both tools and the
// whole shared database. They agree record for record: OS packages match
// through their source package in both, and both leave the language
// packages a Debian package installed to Debian's advisories.
func TestPeerOSVScannerNode18(t *testing.T) {
	testutil.RequirePeer(t, "osv-scanner")
	tarball := savedFixture(t, testutil.Node18Image)
	want := osvScannerHits(t, "scan", "image", "--offline", "--local-db-path", osvScannerDB(t, "Alpine", "Debian", "Go", "npm", "PyPI"), "--archive", tarball, "--format", "json")
	db := testDB(t, filepath.Join(sharedVulnDB(t), "osv"))
	res, err := Match(context.Background(), db, fixtureSBOM(t, tarball))
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(want, hardenHits(res)); d != "" {
		t.Errorf("(-osv-scanner +harden):\n%s", d)
	}
	t.Logf("node18: %d records in %d findings (osv-scanner: %d records)", len(hardenHits(res)), len(res.Findings), len(want))
}

// savedFixture returns a docker-archive tarball of a fixture image, saved
// once per image ID in the temporary directory.
func savedFixture(tb testing.TB, ref string) string {
	tb.Helper()
	testutil.RequireImage(tb, ref)
	id, err := testutil.Docker("image", "inspect", "--format", "{{.Id}}", ref)
	if err != nil {
		tb.Fatal(err)
	}
	p := filepath.Join(os.TempDir(), "harden-fixture-"+strings.TrimPrefix(strings.TrimSpace(id), "sha256:")[:16]+".tar")
	if _, err := os.Stat(p); err == nil {
		return p
	}
	if _, err := testutil.Docker("save", "-o", p+".tmp", ref); err != nil {
		tb.Fatal(err)
	}
	if err := os.Rename(p+".tmp", p); err != nil {
		tb.Fatal(err)
	}
	return p
}

func fixtureSBOM(tb testing.TB, tarball string) *sbom.SBOM {
	tb.Helper()
	ctx := context.Background()
	img, err := image.Open(ctx, "docker-archive:"+tarball)
	if err != nil {
		tb.Fatal(err)
	}
	defer img.Close()
	x, err := fsindex.Build(ctx, img, fsindex.WithWants(sbom.Wants(sbom.WithoutLicenses())...))
	if err != nil {
		tb.Fatal(err)
	}
	s, err := sbom.Generate(ctx, x, sbom.WithoutLicenses())
	if err != nil {
		tb.Fatal(err)
	}
	return s
}
