package audit

import (
	"context"
	"fmt"
	"path"
	"strings"

	"github.com/harden-dev/harden/fsindex"
	"github.com/harden-dev/harden/report"
)

// packageCaches are the directories package managers leave downloads and
// indexes in, with the files that do not count (locks, empty markers).
var packageCaches = []struct {
	dir, manager string
	ignore       func(name string) bool
}{
	{"/var/lib/apt/lists", "apt", func(n string) bool { return n == "lock" || strings.HasPrefix(n, "partial") || n == "auxfiles" }},
	{"/var/cache/apt", "apt", func(n string) bool { return n == "archives/lock" || strings.HasPrefix(n, "archives/partial") }},
	{"/var/cache/apk", "apk", func(string) bool { return false }},
	{"/etc/apk/cache", "apk", func(string) bool { return false }},
	{"/var/cache/yum", "yum", func(string) bool { return false }},
	{"/var/cache/dnf", "dnf", func(string) bool { return false }},
	{"/var/cache/zypp", "zypper", func(string) bool { return false }},
}

// packageCache reports package-manager caches left in the image: apt lists
// and .debs, apk indexes, yum/dnf metadata (DKL-DI-0005, and DKL-DI-0004
// for apk without --no-cache). It looks at the filesystem, not the
// history, so a cache removed in the same step is not reported.
type packageCache struct{ noContent }

func (packageCache) ID() string { return "package-cache" }

func (c packageCache) Rule() Rule {
	return Rule{Weight: 2, Cap: 2, Rule: report.Rule{ID: c.ID(), Aliases: []string{"DKL-DI-0005", "DKL-DI-0004"}, Title: "Package manager cache left in the image", Severity: report.Low,
		Fix: "End the install step with rm -rf /var/lib/apt/lists/* (apt) or use apk add --no-cache"}}
}

func (c packageCache) Run(_ context.Context, in *Input) ([]report.Finding, error) {
	var out []report.Finding
	for _, pc := range packageCaches {
		var files int
		var bytes int64
		var first *fsindex.Entry
		for _, e := range in.Index.Under(pc.dir) {
			if e.Type != fsindex.TypeRegular {
				continue
			}
			rel := strings.TrimPrefix(e.Path, pc.dir+"/")
			if pc.ignore(rel) || pc.ignore(path.Base(rel)) {
				continue
			}
			files++
			bytes += e.Size
			if first == nil || e.Size > first.Size {
				first = e
			}
		}
		if files == 0 {
			continue
		}
		ev := in.entryEvidence(first)
		ev.Value = fmt.Sprintf("%d files, %s", files, report.Bytes(bytes))
		out = append(out, c.Rule().finding(fmt.Sprintf("%s cache %s holds %d files (%s)", pc.manager, pc.dir, files, report.Bytes(bytes)), ev))
	}
	return out, nil
}
