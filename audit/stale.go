package audit

import (
	"context"
	"fmt"

	"github.com/harden-dev/harden/facts"
	"github.com/harden-dev/harden/fsindex"
	"github.com/harden-dev/harden/report"
)

// stalePackage reports packages that dpkg or apk list as installed but
// whose files are all gone (deleted by a later step, or by a minifier that
// kept the database): a scanner would report their CVEs for software that
// is not there.
type stalePackage struct{}

func (stalePackage) ID() string { return "stale-package" }

func (c stalePackage) Rule() Rule {
	return Rule{ID: c.ID(), Title: "Package database lists a package whose files are gone", Severity: report.Low, Weight: 1, Cap: 3,
		Fix: "Remove packages with the package manager (apt-get purge, apk del), or drop their database entries with the files"}
}

// Wants reads dpkg's per-package file lists (info/*.list; distroless
// status.d/*.md5sums).
func (stalePackage) Wants() []fsindex.Want { return []fsindex.Want{facts.DpkgFiles.Want()} }

func (c stalePackage) Run(_ context.Context, in *Input) ([]report.Finding, error) {
	pkgs := packagesOf(in.Index)
	if len(pkgs) == 0 {
		return nil, skip("no dpkg or apk database")
	}
	var out []report.Finding
	for _, p := range pkgs {
		files, db := p.Files, facts.ApkInstalledPath
		if p.Manager == "dpkg" {
			files, db = facts.DpkgFileList(in.Index, p.Name, "")
		}
		if len(files) == 0 {
			continue
		}
		present, missing := 0, 0
		for _, f := range files {
			e, err := in.Index.Stat(f)
			switch {
			case err != nil:
				missing++
			case e != nil && !e.IsDir():
				present++
			}
		}
		if present > 0 || missing == 0 {
			continue
		}
		ev := in.pathEvidence(db)
		ev.Value = p.Name + " " + p.Version
		out = append(out, c.Rule().finding(fmt.Sprintf("%s package %s %s is listed as installed but its %d files are gone",
			p.Manager, p.Name, p.Version, missing), ev))
	}
	return out, nil
}
