package audit

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/harden-dev/harden/image"
	tu "github.com/harden-dev/harden/internal/testutil"
)

// auditRef opens an image reference, indexes it and audits it.
func auditRef(t *testing.T, ref string, opts ...Option) (*Result, *Input) {
	t.Helper()
	img, err := image.Open(context.Background(), ref)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { img.Close() })
	opts = append([]Option{WithReference("", img.Tags...)}, opts...)
	x := buildIndex(t, img, opts...)
	res, err := Run(context.Background(), x, opts...)
	if err != nil {
		t.Fatal(err)
	}
	in, err := NewInput(x, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return res, in
}

func ids(res *Result) map[string]int {
	m := map[string]int{}
	for _, f := range res.Findings {
		m[f.ID]++
	}
	return m
}

// TestDiveBusyboxImage audits Dive's reference image (busybox, whose
// applets are hardlinks of one file; SOURCES.md in ../shared).
func TestDiveBusyboxImage(t *testing.T) {
	res, in := auditRef(t, filepath.Join(tu.SharedDir(t), "testdata/images/dive-test-docker-image.tar"))
	sf := in.Surface()
	if d := cmp.Diff([]string{"ash", "busybox", "sh"}, Names(sf.Shells)); d != "" {
		t.Errorf("shells (-want +got):\n%s", d)
	}
	for _, s := range sf.Shells {
		if s.Real != "/bin/busybox" || s.MultiCall != "busybox" {
			t.Errorf("shell %s runs %s (multi-call %q), want /bin/busybox", s.Name, s.Real, s.MultiCall)
		}
		if e, _ := in.Index.Lookup(s.Path); e.Type.String() != "hardlink" && s.Path != "/bin/busybox" {
			t.Errorf("%s is a %s, want a hardlink", s.Path, e.Type)
		}
	}
	if sf.Applets["/bin/busybox"] < 300 {
		t.Errorf("busybox applets = %d, want hundreds", sf.Applets["/bin/busybox"])
	}
	got := ids(res)
	for _, id := range []string{"shell-present", "runs-as-root", "debug-tool-present", "no-healthcheck", "latest-tag"} {
		if got[id] == 0 {
			t.Errorf("no %s finding", id)
		}
	}
	if res.Summary.Packages.Total != 0 {
		t.Errorf("packages = %d, want 0 (busybox has no database)", res.Summary.Packages.Total)
	}
	if res.Summary.Layers != 14 || res.Summary.SizeBytes != 1220598 {
		t.Errorf("layers %d, size %d; want 14 and Dive's 1220598", res.Summary.Layers, res.Summary.SizeBytes)
	}
	for _, f := range res.Findings {
		if f.ID == "shell-present" && (f.Evidence[0].Origin != "base" || *f.Evidence[0].Layer != 0) {
			t.Errorf("shell evidence = %+v, want layer 0 of the base", f.Evidence[0])
		}
	}
}

// TestAlpineImage audits Trivy's alpine 3.10 tarball: apk, busybox linked
// by symlinks, 14 packages in the apk database.
func TestAlpineImage(t *testing.T) {
	res, in := auditRef(t, filepath.Join(tu.SharedDir(t), "testdata/images/trivy-alpine-310.tar.gz"))
	s := res.Summary
	if s.Packages.Apk != 14 || s.Packages.Total != 14 {
		t.Errorf("packages = %+v, want 14 apk packages (SOURCES.md)", s.Packages)
	}
	if d := cmp.Diff([]string{"apk"}, s.PackageManagers); d != "" {
		t.Errorf("package managers (-want +got):\n%s", d)
	}
	for _, sh := range in.Surface().Shells {
		if sh.Real != "/bin/busybox" || sh.Name != "busybox" && len(sh.Links) == 0 {
			t.Errorf("shell %+v: want a symlink to /bin/busybox", sh)
		}
	}
	got := ids(res)
	if got["stale-package"] != 0 {
		t.Errorf("stale packages reported in a clean alpine image")
	}
	if got["shell-present"] != 1 || got["package-manager-present"] != 1 || got["runs-as-root"] != 1 {
		t.Errorf("findings = %v", got)
	}
	if s.Grade == "A" || s.Grade == "B" {
		t.Errorf("alpine graded %s (%d)", s.Grade, s.Score)
	}
	for _, c := range res.Checks {
		if c.Status == StatusError {
			t.Errorf("check %s failed: %s", c.ID, c.Message)
		}
	}
}
