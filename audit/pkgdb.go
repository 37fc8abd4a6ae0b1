package audit

import (
	"path"
	"sort"
	"strings"

	"github.com/harden-dev/harden/facts"
	"github.com/harden-dev/harden/fsindex"
)

// pkg is one installed package, as far as counting packages and finding
// stale entries needs. The sbom package builds the full inventory.
type pkg struct {
	Manager string // "dpkg" or "apk"
	Name    string
	Version string
	Arch    string
	// Files lists the package's paths where the database itself holds
	// them (apk); dpkg's are in info/*.list, read by the stale check.
	Files []string
}

// pkgdbWants are the package databases audit reads.
func pkgdbWants() []fsindex.Want {
	return []fsindex.Want{facts.DpkgStatus.Want(), facts.ApkInstalled.Want()}
}

// auditedStatusFile reports whether audit counts the packages of the dpkg
// database file p: the status file, and status.d files without a dot in
// their name (as audit always has).
func auditedStatusFile(p string) bool {
	return p == facts.DpkgStatusPath || path.Dir(p) == facts.DpkgStatusDir && !strings.Contains(path.Base(p), ".")
}

// packagesOf returns every installed package the index's databases list,
// sorted by manager and name.
func packagesOf(x *fsindex.Index) []pkg {
	var out []pkg
	for p, paras := range fsindex.All(x, facts.DpkgStatus) {
		if !auditedStatusFile(p) {
			continue
		}
		for _, para := range paras {
			if s := para.Status(); para.Name() == "" || s != "" && (!strings.HasSuffix(s, " installed") || strings.HasSuffix(s, "not-installed")) {
				continue
			}
			out = append(out, pkg{Manager: "dpkg", Name: para.Name(), Version: para.Version(), Arch: para.Arch()})
		}
	}
	for _, db := range fsindex.All(x, facts.ApkInstalled) {
		for _, a := range db {
			out = append(out, pkg{Manager: "apk", Name: a.Name, Version: a.Version, Files: a.Files})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Manager != out[j].Manager {
			return out[i].Manager < out[j].Manager
		}
		return out[i].Name < out[j].Name
	})
	return out
}
