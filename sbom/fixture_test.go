package sbom

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/harden-dev/harden/fsindex"
	"github.com/harden-dev/harden/image"
	"github.com/harden-dev/harden/internal/testutil"
)

// savedImage returns a docker-archive tarball of a fixture image, saved
// once per image ID in the temporary directory (reading a tarball is what
// the benchmarks compare, and it is faster than the daemon).
func savedImage(tb testing.TB, ref string) string {
	tb.Helper()
	testutil.RequireImage(tb, ref)
	id, err := testutil.Docker("image", "inspect", "--format", "{{.Id}}", ref)
	if err != nil {
		tb.Fatal(err)
	}
	name := strings.TrimPrefix(strings.TrimSpace(id), "sha256:")[:16]
	p := filepath.Join(os.TempDir(), "harden-fixture-"+name+".tar")
	if _, err := os.Stat(p); err == nil {
		return p
	}
	tmp := p + ".tmp"
	if _, err := testutil.Docker("save", "-o", tmp, ref); err != nil {
		tb.Fatal(err)
	}
	if err := os.Rename(tmp, p); err != nil {
		tb.Fatal(err)
	}
	return p
}

func indexFixture(tb testing.TB, ref string, wants ...fsindex.Want) *fsindex.Index {
	tb.Helper()
	img, err := image.Open(context.Background(), "docker-archive:"+savedImage(tb, ref))
	if err != nil {
		tb.Fatal(err)
	}
	defer img.Close()
	x, err := fsindex.Build(context.Background(), img, fsindex.WithWants(wants...))
	if err != nil {
		tb.Fatal(err)
	}
	return x
}

// TestNode18Fixture inventories the node18 fixture (Debian bookworm with
// nodejs, npm, git, curl, ...) and checks it against what the image's own
// files say, counted here without scalibr.
func TestNode18Fixture(t *testing.T) {
	x := indexFixture(t, testutil.Node18Image, Wants()...)
	s, err := Generate(context.Background(), x)
	if err != nil {
		t.Fatal(err)
	}
	if s.OS == nil || s.OS.Ecosystem != "Debian:12" {
		t.Fatalf("OS = %+v", s.OS)
	}
	if len(s.Problems) > 0 {
		t.Errorf("problems: %+v", s.Problems)
	}
	status, ok := x.Content("/var/lib/dpkg/status")
	if !ok {
		t.Fatal("dpkg status not kept")
	}
	installed := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(status))
	sc.Buffer(nil, 1<<20)
	var name, version, state string
	flush := func() {
		if name != "" && strings.HasSuffix(state, " installed") {
			installed[name] = version
		}
		name, version, state = "", "", ""
	}
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "":
			flush()
		case strings.HasPrefix(line, "Package: "):
			name = strings.TrimPrefix(line, "Package: ")
		case strings.HasPrefix(line, "Version: "):
			version = strings.TrimPrefix(line, "Version: ")
		case strings.HasPrefix(line, "Status: "):
			state = strings.TrimPrefix(line, "Status: ")
		}
	}
	flush()
	got := map[string]string{}
	withList, withLicense := 0, 0
	for _, p := range s.Packages {
		if p.Type != "deb" {
			continue
		}
		got[p.Name] = p.Version
		if strings.HasSuffix(p.Locations[0].Path, ".list") {
			withList++
		}
		if len(p.Licenses) > 0 {
			withLicense++
		}
		if p.Locations[0].Layer == nil {
			t.Errorf("%s has no layer", p.Name)
		}
	}
	if len(got) != len(installed) {
		t.Errorf("deb packages = %d, the status file lists %d installed", len(got), len(installed))
	}
	for n, v := range installed {
		if got[n] != v {
			t.Errorf("deb %s = %q, status says %q", n, got[n], v)
		}
	}
	// every dpkg install writes a file list; most packages ship a copyright file
	if withList != len(got) {
		t.Errorf("%d of %d deb packages have a .list location", withList, len(got))
	}
	if withLicense < len(got)*9/10 {
		t.Errorf("only %d of %d deb packages have licenses", withLicense, len(got))
	}
	var nodejs *Package
	for i := range s.Packages {
		if s.Packages[i].Type == "deb" && s.Packages[i].Name == "nodejs" {
			nodejs = &s.Packages[i]
		}
	}
	if nodejs == nil || !strings.HasPrefix(nodejs.Version, "18.") || nodejs.PURL == "" {
		t.Errorf("nodejs package = %+v", nodejs)
	}
	if s.Summary.ByType["npm"] < 100 {
		t.Errorf("npm packages = %d, want the hundreds under /usr/share/nodejs", s.Summary.ByType["npm"])
	}
	t.Logf("node18: %s", s.Summary)

	// the real image's documents, not only the golden sample, are valid
	var cdx, spdx bytes.Buffer
	if err := EncodeCycloneDX(&cdx, s); err != nil {
		t.Fatal(err)
	}
	testutil.ValidateCycloneDX(t, cdx.Bytes())
	if err := EncodeSPDX(&spdx, s); err != nil {
		t.Fatal(err)
	}
	validateSPDX(t, spdx.Bytes())
}

// BenchmarkIndex is fsindex.Build alone on the node18 fixture: the floor
// of what sbom can cost.
func BenchmarkIndex(b *testing.B) {
	savedImage(b, testutil.Node18Image)
	for b.Loop() {
		indexFixture(b, testutil.Node18Image)
	}
}

// BenchmarkGenerate is fsindex.Build with the SBOM wants plus Generate.
func BenchmarkGenerate(b *testing.B) {
	savedImage(b, testutil.Node18Image)
	var n int
	for b.Loop() {
		x := indexFixture(b, testutil.Node18Image, Wants()...)
		s, err := Generate(context.Background(), x)
		if err != nil {
			b.Fatal(err)
		}
		n = s.Summary.Packages
	}
	b.ReportMetric(float64(n), "packages")
}
