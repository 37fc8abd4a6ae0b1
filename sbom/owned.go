package sbom

import (
	"path"
	"strings"

	"github.com/harden-dev/harden/fsindex"
)

// Hand-written: which language packages an OS package installed. scalibr's
// dpkg extractor does not read the file lists.

// dpkgListWant keeps the file lists dpkg writes for each installed package
// (/var/lib/dpkg/info/PKG.list), parsed to their paths: they tell which
// language packages a Debian package installed.
func dpkgListWant() fsindex.Want {
	return fsindex.Want{
		Name:    "sbom/dpkg-list",
		MaxSize: 16 << 20,
		Match: fsindex.MatchPath(func(p string) bool {
			return strings.HasPrefix(p, "/var/lib/dpkg/info/") && strings.HasSuffix(p, ".list")
		}),
		Parse: func(_ string, data []byte) (any, error) { return listedPaths(data), nil },
	}
}

// listedPaths reads a dpkg file list, keeping the paths of files that
// language package extractors read (manifests and archives), so the kept
// value stays small.
func listedPaths(data []byte) []string {
	var out []string
	for _, line := range strings.Split(string(data), "\n") {
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
	for list, v := range g.x.ParsedAll("sbom/dpkg-list") {
		name := strings.TrimSuffix(path.Base(list), ".list")
		name, _, _ = strings.Cut(name, ":")
		paths, _ := v.([]string)
		for _, p := range paths {
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
