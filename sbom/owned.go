package sbom

import (
	"path"
	"strings"

	"github.com/harden-dev/harden/facts"
	"github.com/harden-dev/harden/fsindex"
)

// Hand-written: which language packages an OS package installed. scalibr's
// dpkg extractor does not read the file lists; the facts package parses
// them.

// isDpkgList reports whether p is a file list dpkg writes for each
// installed package (/var/lib/dpkg/info/PKG.list): they tell which
// language packages a Debian package installed.
func isDpkgList(p string) bool {
	return strings.HasPrefix(p, "/var/lib/dpkg/info/") && strings.HasSuffix(p, ".list")
}

// listedPaths keeps the paths of a dpkg file list that language package
// extractors read (manifests and archives).
func listedPaths(files []string) []string {
	var out []string
	for _, line := range files {
		base := path.Base(line)
		ext := path.Ext(base)
		if strings.HasPrefix(line, "/") && (base == "package.json" || base == "package-lock.json" || base == "npm-shrinkwrap.json" ||
			base == "go.mod" || base == "METADATA" || base == "PKG-INFO" ||
			ext == ".jar" || ext == ".war" || ext == ".egg" || strings.HasSuffix(line, ".egg-info") || classifiedName(base)) {
			out = append(out, line)
		}
	}
	return out
}

// markOwned sets OwnedBy on language packages whose manifest an OS package
// installed (per dpkg's file lists and apk's database).
func (g *gen) markOwned() {
	owner := map[string]string{}
	for list, files := range fsindex.All(g.x, facts.DpkgFiles) {
		if !isDpkgList(list) {
			continue
		}
		name, _ := facts.DpkgListOwner(list)
		for _, p := range listedPaths(files) {
			owner[p] = "deb:" + name
		}
	}
	for p, pkg := range g.apkOwner {
		owner[p] = "apk:" + pkg
	}
	if len(owner) == 0 {
		return
	}
	for i := range g.s.Packages {
		p := &g.s.Packages[i]
		if p.Type == "deb" || p.Type == "apk" || p.Type == "rpm" || len(p.Locations) == 0 {
			continue
		}
		all := true
		for _, l := range p.Locations {
			file, _, _ := strings.Cut(l.Path, ":")
			if r, err := g.x.ResolveParent(file); err != nil || owner[r.Path] == "" && owner[file] == "" {
				all = false
				break
			}
		}
		if all {
			first, _, _ := strings.Cut(p.Locations[0].Path, ":")
			p.OwnedBy = owner[first]
			if p.OwnedBy == "" {
				if r, err := g.x.ResolveParent(first); err == nil {
					p.OwnedBy = owner[r.Path]
				}
			}
		}
	}
}
