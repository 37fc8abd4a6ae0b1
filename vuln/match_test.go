package vuln

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/harden-dev/harden/report"
	"github.com/harden-dev/harden/sbom"
	"github.com/openvex/go-vex/pkg/vex"
)

// hit is what a test checks of a finding.
type hit struct {
	Pkg, ID, Fixed string
	Records        string
	Severity       report.Severity
}

func hits(r *Result) []hit {
	var out []hit
	for _, f := range r.Findings {
		out = append(out, hit{Pkg: f.Package.Name + "@" + f.Package.Version, ID: f.ID, Fixed: f.Fixed, Records: strings.Join(f.Records, " "), Severity: f.Severity})
	}
	return out
}

func TestMatch(t *testing.T) {
	db := testDB(t, "testdata/records")
	deb := func(name, version, src string) sbom.Package {
		p := pkg("deb", "Debian:12", name, version)
		p.SourceName = src
		return p
	}
	tests := []struct {
		name string
		pkgs []sbom.Package
		want []hit
	}{
		{
			name: "debian binary through its source; a DSA fixing two CVEs counts for each",
			pkgs: []sbom.Package{deb("libfoo1", "1.2-3", "foo")},
			want: []hit{
				{Pkg: "libfoo1@1.2-3", ID: "CVE-2099-0001", Fixed: "1.2-3+deb12u2", Records: "DEBIAN-CVE-2099-0001 DSA-9999-1", Severity: report.Medium},
				{Pkg: "libfoo1@1.2-3", ID: "CVE-2099-0003", Records: "DEBIAN-CVE-2099-0003", Severity: report.Info},
				{Pkg: "libfoo1@1.2-3", ID: "CVE-2099-0002", Fixed: "1.2-3+deb12u2", Records: "DSA-9999-1", Severity: report.Unknown},
			},
		},
		{
			name: "fixed version installed; binNMU suffix ignored",
			pkgs: []sbom.Package{deb("libfoo1", "1.2-3+deb12u2+b1", "foo")},
			want: []hit{{Pkg: "libfoo1@1.2-3+deb12u2+b1", ID: "CVE-2099-0003", Records: "DEBIAN-CVE-2099-0003", Severity: report.Info}},
		},
		{
			name: "other Debian release",
			pkgs: []sbom.Package{{Name: "foo", Version: "1.1-1+deb11u1", Type: "deb", Ecosystem: "Debian:11"}},
		},
		{
			name: "npm: semver range, versions list (name case-insensitive), withdrawn record skipped",
			pkgs: []sbom.Package{pkg("npm", "npm", "leftpad", "1.2.5")},
			want: []hit{
				{Pkg: "leftpad@1.2.5", ID: "CVE-2099-1000", Fixed: "1.3.0", Records: "GHSA-test-0001-aaaa", Severity: report.Critical},
				{Pkg: "leftpad@1.2.5", ID: "MAL-2099-1", Records: "MAL-2099-1", Severity: report.Critical},
			},
		},
		{
			name: "npm: fixed is exclusive, last_affected inclusive",
			pkgs: []sbom.Package{pkg("npm", "npm", "leftpad", "1.3.0"), pkg("npm", "npm", "leftpad", "2.1.0"), pkg("npm", "npm", "leftpad", "2.1.1")},
			want: []hit{{Pkg: "leftpad@2.1.0", ID: "CVE-2099-1000", Records: "GHSA-test-0001-aaaa", Severity: report.Critical}},
		},
		{
			name: "PyPI: records sharing a CVE are one finding; PEP 503 names",
			pkgs: []sbom.Package{pkg("pypi", "PyPI", "requests", "2.31.0")},
			want: []hit{{Pkg: "requests@2.31.0", ID: "CVE-2099-2000", Fixed: "2.32.0", Records: "GHSA-test-0003-cccc PYSEC-2099-1", Severity: report.Medium}},
		},
		{
			name: "PyPI: a release candidate is below the final",
			pkgs: []sbom.Package{pkg("pypi", "PyPI", "requests", "2.32.0rc1")},
			want: []hit{{Pkg: "requests@2.32.0rc1", ID: "CVE-2099-2000", Fixed: "2.32.0", Records: "GHSA-test-0003-cccc", Severity: report.Medium}},
		},
		{
			name: "Go stdlib: second range",
			pkgs: []sbom.Package{pkg("golang", "Go", "stdlib", "1.22.1"), pkg("golang", "Go", "stdlib", "1.21.9")},
			want: []hit{{Pkg: "stdlib@1.22.1", ID: "CVE-2099-3000", Fixed: "1.22.2", Records: "GO-2099-0001", Severity: report.Unknown}},
		},
		{
			name: "Alpine release suffix",
			pkgs: []sbom.Package{pkg("apk", "Alpine:v3.20", "musl", "1.2.5-r0"), pkg("apk", "Alpine:v3.19", "musl", "1.2.4-r0")},
			want: []hit{{Pkg: "musl@1.2.5-r0", ID: "CVE-2099-4000", Fixed: "1.2.5-r1", Records: "ALPINE-CVE-2099-4000", Severity: report.Unknown}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Match(context.Background(), db, testSBOM(tt.pkgs...), WithClock(clock))
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tt.want, hits(res)); d != "" {
				t.Errorf("Match findings (-want +got):\n%s", d)
			}
			if len(res.Problems) > 0 {
				t.Errorf("problems: %v", res.Problems)
			}
		})
	}
}

func TestMatchDetails(t *testing.T) {
	db := testDB(t, "testdata/records")
	p := pkg("deb", "Debian:12", "libfoo1", "1.2-3")
	p.SourceName = "foo"
	bad := pkg("deb", "Debian:12", "broken", "not a version")
	res, err := Match(context.Background(), db, testSBOM(p, bad), WithClock(clock), WithMaxAge(24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	f := res.Findings[0]
	if f.ID != "CVE-2099-0001" || f.Package.SourceName != "foo" || f.Installed != "1.2-3" {
		t.Errorf("first finding = %s %+v installed %s", f.ID, f.Package, f.Installed)
	}
	wantAliases := []string{"DEBIAN-CVE-2099-0001", "DSA-9999-1"}
	if d := cmp.Diff(wantAliases, f.Aliases); d != "" {
		t.Errorf("aliases (-want +got):\n%s", d)
	}
	wantWhere := []Where{{Path: "/var/lib/dpkg/status", Layer: layer(1), LayerDigest: "sha256:bbb", Instruction: "RUN apt-get install -y foo", Origin: "own"}}
	if d := cmp.Diff(wantWhere, f.Locations); d != "" {
		t.Errorf("locations (-want +got):\n%s", d)
	}
	if f.SeveritySource != "debian-urgency" || f.Summary != "Buffer overflow in libfoo's parser." {
		t.Errorf("rating source %q, summary %q", f.SeveritySource, f.Summary)
	}
	if len(res.Unmatched) != 1 || res.Unmatched[0].Package != "broken@not a version" {
		t.Errorf("unmatched = %+v, want the bad version", res.Unmatched)
	}
	want := Summary{Findings: 3, Packages: 1, Scanned: 1, BySeverity: map[string]int{"medium": 1, "info": 1, "unknown": 1}, Own: 3, Fixable: 2, Unmatched: 1,
		BySeveritySource: map[string]int{"debian-urgency": 2, "unknown": 1}}
	if d := cmp.Diff(want, res.Summary); d != "" {
		t.Errorf("summary (-want +got):\n%s", d)
	}
	// the newest record is from 2026-11-02: 25 days before the clock
	if !res.DB.Stale || res.DB.Age != (25*24*time.Hour).Seconds() {
		t.Errorf("db state = %+v, want stale, 25 days", res.DB)
	}
}

func TestMatchSuppression(t *testing.T) {
	db := testDB(t, "testdata/records")
	p := pkg("npm", "npm", "leftpad", "1.2.5")
	p.PURL = "pkg:npm/leftpad@1.2.5"
	doc := vex.New()
	doc.Statements = []vex.Statement{{
		Vulnerability: vex.Vulnerability{Name: "CVE-2099-1000"},
		Products:      []vex.Product{{Component: vex.Component{ID: "pkg:oci/app"}, Subcomponents: []vex.Subcomponent{{Component: vex.Component{ID: "pkg:npm/leftpad"}}}}},
		Status:        vex.StatusNotAffected,
		Justification: vex.VulnerableCodeNotInExecutePath,
	}}
	ignoreMAL := func(f report.Finding, now time.Time) (string, bool) {
		return "reviewed", f.ID == "MAL-2099-1"
	}
	res, err := Match(context.Background(), db, testSBOM(p), WithClock(clock), WithVEX(&doc), WithSuppressor(ignoreMAL))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Findings) != 0 {
		t.Errorf("findings = %v, want none", hits(res))
	}
	var got []string
	for _, s := range res.Suppressed {
		got = append(got, s.Finding.ID+" "+s.By+" "+s.Reason)
	}
	want := []string{"CVE-2099-1000 vex VEX: not_affected (vulnerable_code_not_in_execute_path)", "MAL-2099-1 ignore reviewed"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("suppressed (-want +got):\n%s", d)
	}
	// only-fixed drops the finding without a fix
	res, err = Match(context.Background(), db, testSBOM(p), WithClock(clock), WithOnlyFixed())
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]hit{{Pkg: "leftpad@1.2.5", ID: "CVE-2099-1000", Fixed: "1.3.0", Records: "GHSA-test-0001-aaaa", Severity: report.Critical}}, hits(res)); d != "" {
		t.Errorf("only-fixed (-want +got):\n%s", d)
	}
}
