package base

import (
	"context"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/harden-dev/harden/audit"
	"github.com/harden-dev/harden/fsindex"
)

// auditBase checks what issue 7 promises of every base: `harden audit`
// finds no shell, no package manager, no tool, a non-root user, and grades
// it A or B.
func auditBase(t *testing.T, preset string, img v1.Image) {
	t.Helper()
	ctx := context.Background()
	x, err := fsindex.Build(ctx, img, fsindex.WithWants(audit.Wants()...))
	if err != nil {
		t.Fatalf("%s: indexing the base: %v", preset, err)
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
