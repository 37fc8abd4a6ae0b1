package base

import (
	"context"
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/harden-dev/harden/audit"
	"github.com/harden-dev/harden/fsindex"
	"github.com/harden-dev/harden/sbom"
)

// auditBase checks what issue 7 promises of every base: `harden audit`
// finds no shell, no package manager, no tool, a non-root user, and grades
// it A or B; `harden sbom` lists exactly the packages of the lock.
func auditBase(t *testing.T, preset string, img v1.Image, r *Result) {
	t.Helper()
	ctx := context.Background()
	x, err := fsindex.Build(ctx, img, fsindex.WithWants(append(audit.Wants(), sbom.Wants()...)...))
	if err != nil {
		t.Fatalf("%s: indexing the base: %v", preset, err)
	}
	bom, err := sbom.Generate(ctx, x)
	if err != nil {
		t.Fatalf("%s: sbom: %v", preset, err)
	}
	var got, want []string
	for _, p := range bom.Packages {
		if p.Type == "deb" {
			got = append(got, p.Name+"="+p.Version)
		}
	}
	for _, p := range r.Lock.Packages {
		want = append(want, p.Name+"="+p.Version)
	}
	sort.Strings(got)
	sort.Strings(want)
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("%s: sbom packages differ from the lock (-lock +sbom):\n%s", preset, d)
	}
	res, err := audit.Run(ctx, x, audit.WithReference("harden-base/"+preset))
	if err != nil {
		t.Fatalf("%s: audit: %v", preset, err)
	}
	s := res.Summary
	if len(s.Shells) > 0 || len(s.PackageManagers) > 0 || len(s.Tools) > 0 {
		t.Errorf("%s base: shells %v, package managers %v, tools %v; want none", preset, s.Shells, s.PackageManagers, s.Tools)
	}
	if s.RunsAsRoot {
		t.Errorf("%s base runs as root (user %q)", preset, s.User)
	}
	if s.Grade != "A" && s.Grade != "B" {
		t.Errorf("%s base grade %s (score %d), want A or B; findings: %v", preset, s.Grade, s.Score, res.Summary.Findings)
	}
	t.Logf("%s base: audit grade %s (score %d), %d files, %d packages", preset, s.Grade, s.Score, s.Files, s.Packages.Total)
}
