package debian

import (
	"fmt"
	"sort"

	"pault.ag/go/debian/dependency"
	"pault.ag/go/debian/version"
)

// Index holds the packages of one architecture from every repository read,
// by name, with the virtual packages each one provides.
type Index struct {
	arch     string
	byName   map[string][]*Package
	provides map[string][]provider
	n        int
}

// provider is a package that provides a virtual name, at a version when the
// Provides entry was versioned ("foo (= 1.2)").
type provider struct {
	pkg     *Package
	version *version.Version
}

// NewIndex indexes pkgs for arch. When the same name, version and
// architecture appears more than once (the same package in two suites), the
// first is kept. Each name's packages are ordered highest version first.
func NewIndex(arch string, pkgs []*Package) (*Index, error) {
	ix := &Index{arch: arch, byName: map[string][]*Package{}, provides: map[string][]provider{}}
	seen := map[string]bool{}
	for _, p := range pkgs {
		if seen[p.ID()] {
			continue
		}
		seen[p.ID()] = true
		ix.byName[p.Name] = append(ix.byName[p.Name], p)
		ix.n++
		provs, err := parseProvides(p)
		if err != nil {
			return nil, err
		}
		for name, pr := range provs {
			ix.provides[name] = append(ix.provides[name], pr...)
		}
	}
	for _, list := range ix.byName {
		sort.SliceStable(list, func(i, j int) bool { return version.Compare(list[i].Version, list[j].Version) > 0 })
	}
	return ix, nil
}

// parseProvides returns the virtual names p provides.
func parseProvides(p *Package) (map[string][]provider, error) {
	if p.Provides == "" {
		return nil, nil
	}
	dep, err := dependency.Parse(p.Provides)
	if err != nil {
		return nil, fmt.Errorf("package %s: bad Provides %q: %w", p.ID(), p.Provides, err)
	}
	out := map[string][]provider{}
	for _, rel := range dep.Relations {
		for _, poss := range rel.Possibilities {
			pr := provider{pkg: p}
			if poss.Version != nil && poss.Version.Operator == "=" {
				v, err := version.Parse(poss.Version.Number)
				if err != nil {
					return nil, fmt.Errorf("package %s: bad version in Provides %q: %w", p.ID(), p.Provides, err)
				}
				pr.version = &v
			}
			out[poss.Name] = append(out[poss.Name], pr)
		}
	}
	return out, nil
}

// Arch is the architecture the index was built for.
func (ix *Index) Arch() string { return ix.arch }

// Len is the number of distinct packages in the index.
func (ix *Index) Len() int { return ix.n }

// Versions returns the packages named name, highest version first.
func (ix *Index) Versions(name string) []*Package { return ix.byName[name] }

// Lookup returns the package name at exactly version v ("" for the highest).
func (ix *Index) Lookup(name, v string) (*Package, bool) {
	for _, p := range ix.byName[name] {
		if v == "" || p.Version.String() == v {
			return p, true
		}
	}
	return nil, false
}

// Providers returns the packages that provide the virtual name.
func (ix *Index) Providers(name string) []*Package {
	var out []*Package
	for _, pr := range ix.provides[name] {
		out = append(out, pr.pkg)
	}
	return out
}
