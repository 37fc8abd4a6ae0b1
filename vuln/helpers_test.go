package vuln

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/harden-dev/harden/internal/testutil"
	"github.com/harden-dev/harden/sbom"
)

// fixedNow is the clock of every test.
var fixedNow = time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)

func clock() time.Time { return fixedNow }

// testDB imports paths into a new database and opens it.
func testDB(t testing.TB, paths ...string) *DB {
	t.Helper()
	dir := t.TempDir()
	if _, err := Import(context.Background(), dir, paths, WithClock(clock)); err != nil {
		t.Fatalf("Import(%v): %v", paths, err)
	}
	db, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func layer(i int) *int { return &i }

// pkg makes an SBOM package found in layer 1 of a two-layer image.
func pkg(typ, eco, name, version string) sbom.Package {
	return sbom.Package{Name: name, Version: version, Type: typ, Ecosystem: eco,
		Locations: []sbom.Location{{Path: "/var/lib/dpkg/status", Layer: layer(1), Origin: "own"}}}
}

func testSBOM(pkgs ...sbom.Package) *sbom.SBOM {
	return &sbom.SBOM{
		Source:   sbom.Source{Name: "test", Kind: "image"},
		Packages: pkgs,
		Layers: []sbom.Layer{
			{Index: 0, DiffID: "sha256:aaa", Instruction: "ADD rootfs.tar /", Origin: "base"},
			{Index: 1, DiffID: "sha256:bbb", Instruction: "RUN apt-get install -y foo", Origin: "own"},
		},
	}
}

// sharedVulnDB returns ../shared/vulndb, skipping (failing in CI) without it.
func sharedVulnDB(t testing.TB) string {
	t.Helper()
	return filepath.Join(testutil.SharedDir(t), "vulndb")
}
