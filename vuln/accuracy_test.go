package vuln

import (
	"context"
	"path/filepath"
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/harden-dev/harden/sbom"
)

// recordHits lists "package version record" for every record matched: the
// shape osv-scanner reports in (one line per OSV record).
func recordHits(r *Result) []string {
	var out []string
	for _, f := range r.Findings {
		for _, id := range f.Records {
			out = append(out, f.Package.Name+" "+f.Installed+" "+id)
		}
	}
	sort.Strings(out)
	return out
}

// TestExpressLodashExact scans the express/lodash lock file of
// ../shared/testdata/osv-offline-fixtures against the 50 real npm records
// and expects exactly what osv-scanner 2.6.0 reports there (README of that
// folder): 8 packages, 17 vulnerabilities, GHSA-jj78-5fmv-mv28 included
// (its range has no end event: strict OSV semantics, as osv-scanner).
func TestExpressLodashExact(t *testing.T) {
	shared := sharedVulnDB(t)
	db := testDB(t, filepath.Join(shared, "osv", "npm"))
	s, err := sbom.FromPath(context.Background(), filepath.Join(shared, "..", "testdata", "osv-offline-fixtures", "npm-express-lodash", "package-lock.json"))
	if err != nil {
		t.Fatal(err)
	}
	if s.Summary.Packages != 51 {
		t.Errorf("lock file packages = %d, want 51 (README)", s.Summary.Packages)
	}
	res, err := Match(context.Background(), db, s)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"body-parser 1.19.0 GHSA-qwcr-r2fm-qrc7",
		"cookie 0.4.0 GHSA-pxg6-pf52-xh8x",
		"express 4.17.1 GHSA-jj78-5fmv-mv28",
		"express 4.17.1 GHSA-qw6h-vgh9-j6wx",
		"express 4.17.1 GHSA-rv95-896h-c2vc",
		"lodash 4.17.4 GHSA-29mw-wpgm-hmr9",
		"lodash 4.17.4 GHSA-35jh-r3h4-6jhm",
		"lodash 4.17.4 GHSA-4xc9-xhrj-v574",
		"lodash 4.17.4 GHSA-fvqr-27wr-82fm",
		"lodash 4.17.4 GHSA-jf85-cpcp-j695",
		"lodash 4.17.4 GHSA-p6mc-m468-83gw",
		"lodash 4.17.4 GHSA-x5rq-j2xg-h7qm",
		"path-to-regexp 0.1.7 GHSA-9wv6-86v2-598j",
		"path-to-regexp 0.1.7 GHSA-rhx6-c78j-4q9w",
		"qs 6.7.0 GHSA-hrpp-h998-j3pp",
		"send 0.17.1 GHSA-m6fv-jmcg-4jfg",
		"serve-static 1.14.1 GHSA-cm22-4g7w-348p",
	}
	if d := cmp.Diff(want, recordHits(res)); d != "" {
		t.Errorf("express/lodash (-osv-scanner +harden):\n%s", d)
	}
	if res.Summary.Findings != 17 || res.Summary.Packages != 8 {
		t.Errorf("summary = %d findings in %d packages, want 17 in 8", res.Summary.Findings, res.Summary.Packages)
	}
}

// TestWithdrawnProbeExact: withdrawn records match by range but must not be
// reported (README of npm-withdrawn-probe).
func TestWithdrawnProbeExact(t *testing.T) {
	shared := sharedVulnDB(t)
	db := testDB(t, filepath.Join(shared, "osv", "npm"))
	s, err := sbom.FromPath(context.Background(), filepath.Join(shared, "..", "testdata", "osv-offline-fixtures", "npm-withdrawn-probe", "package-lock.json"))
	if err != nil {
		t.Fatal(err)
	}
	res, err := Match(context.Background(), db, s)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"minimist 1.2.0 GHSA-vh95-rmgr-6w4m",
		"minimist 1.2.0 GHSA-xvch-5gv4-984h",
		"send 0.8.0 GHSA-jgqf-hwc5-hh37",
		"send 0.8.0 GHSA-m6fv-jmcg-4jfg",
		"send 0.8.0 GHSA-xwg4-93c6-3h42",
	}
	if d := cmp.Diff(want, recordHits(res)); d != "" {
		t.Errorf("withdrawn probe (-osv-scanner +harden):\n%s", d)
	}
}

// TestDebian9DpkgExact scans the debian9-dpkg root filesystem against the
// four real Debian:9 DLAs: three hits through source packages, and tzdata
// installed at exactly the fixed version is not affected.
func TestDebian9DpkgExact(t *testing.T) {
	shared := sharedVulnDB(t)
	db := testDB(t, filepath.Join(shared, "osv", "Debian"))
	s, err := sbom.FromPath(context.Background(), "dir:"+filepath.Join(shared, "..", "testdata", "osv-offline-fixtures", "debian9-dpkg"))
	if err != nil {
		t.Fatal(err)
	}
	if s.OS == nil || s.OS.Ecosystem != "Debian:9" {
		t.Fatalf("OS = %+v, want Debian:9", s.OS)
	}
	res, err := Match(context.Background(), db, s)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"dpkg 1.18.25 DLA-3022-1",
		"libssl1.1 1.1.0l-1~deb9u5 DLA-3008-1",
		"libxml2 2.9.4+dfsg1-2.2+deb9u6 DLA-3012-1",
	}
	if d := cmp.Diff(want, recordHits(res)); d != "" {
		t.Errorf("debian9-dpkg (-osv-scanner +harden):\n%s", d)
	}
	for _, f := range res.Findings {
		if f.Package.Name == "libssl1.1" && (f.Package.SourceName != "openssl" || f.Fixed != "1.1.0l-1~deb9u6" || f.ID != "CVE-2022-1292") {
			t.Errorf("openssl finding = %+v", f)
		}
	}
}
