package sbom

import (
	"context"
	"encoding/json"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/harden-dev/harden/internal/testutil"
)

// TestPeerSyftNode18 compares harden's package list of the node18 fixture
// with Syft's (skipped when syft is not installed, failed in CI; see
// docs/accuracy.md).
// OS and Python packages must be the same; every npm package Syft lists
// with a version must be in harden's list; the npm packages only harden
// lists must all come from lock files, which Syft does not read in images.
func TestPeerSyftNode18(t *testing.T) {
	syft := testutil.RequirePeer(t, "syft")
	tarball := savedImage(t, testutil.Node18Image)
	out, err := exec.Command(syft, "scan", "docker-archive:"+tarball, "-o", "syft-json", "-q").Output()
	if err != nil {
		t.Fatalf("syft: %v", err)
	}
	var doc struct {
		Artifacts []struct{ Name, Version, Type string } `json:"artifacts"`
	}
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatal(err)
	}
	types := map[string]string{"deb": "deb", "python": "pypi", "npm": "npm", "go-module": "golang", "java-archive": "maven"}
	theirs := map[string]map[string]bool{}
	for _, a := range doc.Artifacts {
		ty := types[a.Type]
		if theirs[ty] == nil {
			theirs[ty] = map[string]bool{}
		}
		theirs[ty][a.Name+"@"+a.Version] = true
	}
	x := indexFixture(t, testutil.Node18Image, Wants()...)
	ours, err := Generate(context.Background(), x)
	if err != nil {
		t.Fatal(err)
	}
	mine := map[string]map[string]*Package{}
	for i := range ours.Packages {
		p := &ours.Packages[i]
		if mine[p.Type] == nil {
			mine[p.Type] = map[string]*Package{}
		}
		mine[p.Type][p.Name+"@"+p.Version] = p
	}
	for _, ty := range []string{"deb", "pypi"} {
		if d := cmp.Diff(keys(theirs[ty]), keysOf(mine[ty])); d != "" {
			t.Errorf("%s packages (-syft +harden):\n%s", ty, d)
		}
	}
	for k := range theirs["npm"] {
		if strings.HasSuffix(k, "@UNKNOWN") {
			continue // a package.json without a version: Syft lists it, scalibr skips it
		}
		if mine["npm"][k] == nil {
			t.Errorf("npm %s is in Syft's list, not in harden's", k)
		}
	}
	onlyLock := 0
	for k, p := range mine["npm"] {
		if theirs["npm"][k] {
			continue
		}
		for _, l := range p.Locations {
			if base := filepath.Base(l.Path); base != "package-lock.json" && base != "npm-shrinkwrap.json" {
				t.Errorf("npm %s only in harden, found in %s", k, l.Path)
			}
		}
		onlyLock++
	}
	t.Logf("syft %d artifacts; harden %d packages, %d npm only from lock files", len(doc.Artifacts), len(ours.Packages), onlyLock)
}

func keys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func keysOf(m map[string]*Package) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
