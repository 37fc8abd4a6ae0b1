package debian

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"pault.ag/go/debian/dependency"
	"pault.ag/go/debian/version"
)

// ErrNotFound is wrapped when a requested package or a dependency has no
// candidate in the index.
var ErrNotFound = errors.New("no such package")

// UnsatisfiedError says which package's dependency could not be met.
type UnsatisfiedError struct {
	// Package is the package whose relation failed ("" for a request).
	Package string
	// Relation is the relation as written, e.g. "libc6 (>= 2.34)".
	Relation string
	// Reason explains why no alternative fits.
	Reason string
}

// Error names the package, the relation and why nothing satisfies it.
func (e *UnsatisfiedError) Error() string {
	if e.Package == "" {
		return fmt.Sprintf("requested %s: %s", e.Relation, e.Reason)
	}
	return fmt.Sprintf("%s depends on %s: %s", e.Package, e.Relation, e.Reason)
}

// Unwrap makes errors.Is(err, ErrNotFound) true.
func (e *UnsatisfiedError) Unwrap() error { return ErrNotFound }

// Resolution is the closed set of packages for a request.
type Resolution struct {
	// Packages are the chosen packages, by name.
	Packages []*Package
	// Reasons maps a package name to why it is in the set: "requested" or
	// "dependency of NAME".
	Reasons map[string]string
	// Cut lists the dependencies that were not followed because --exclude
	// named the package that would have satisfied them.
	Cut []Cut
}

// Cut is one dependency relation dropped by an exclusion.
type Cut struct {
	Package  string // the package that has the dependency
	Relation string // the relation as written
	Excluded string // the excluded package that satisfied it
}

// String says which relation the exclusion cut.
func (c Cut) String() string {
	return fmt.Sprintf("%s depends on %s, satisfied only by excluded %s", c.Package, c.Relation, c.Excluded)
}

// ResolveOption configures Resolve.
type ResolveOption func(*resolveOptions) error

type resolveOptions struct {
	exclude   map[string]bool
	installed map[string]*Package
	provided  map[string][]provider // virtual names the installed packages provide
}

// WithInstalled treats pkgs as already present (an image's packages): a
// relation one of them meets needs nothing new, and their own dependencies
// are not followed. A request or a relation an installed version does not
// meet chooses a version from the index (an upgrade).
func WithInstalled(pkgs ...*Package) ResolveOption {
	return func(o *resolveOptions) error {
		if o.installed == nil {
			o.installed, o.provided = map[string]*Package{}, map[string][]provider{}
		}
		for _, p := range pkgs {
			o.installed[p.Name] = p
			provs, err := parseProvides(p)
			if err != nil {
				return err
			}
			for name, pr := range provs {
				o.provided[name] = append(o.provided[name], pr...)
			}
		}
		return nil
	}
}

// WithExclude leaves the named packages (or virtual names) out of the set.
// A dependency they would satisfy counts as met, and is reported in
// Resolution.Cut.
func WithExclude(names ...string) ResolveOption {
	return func(o *resolveOptions) error {
		for _, n := range names {
			if strings.TrimSpace(n) == "" {
				return fmt.Errorf("empty package name to exclude")
			}
			o.exclude[n] = true
		}
		return nil
	}
}

// Resolve chooses the requested packages and everything they need through
// Pre-Depends and Depends: for each relation, an alternative already chosen
// wins, else the first alternative with a candidate (the highest version
// that satisfies the constraint, or a provider of a virtual name).
// Recommends and Suggests are never followed. A request is a package name,
// optionally pinned as "name=version" or constrained as "name (>= v)".
func (ix *Index) Resolve(requests []string, opts ...ResolveOption) (*Resolution, error) {
	o := resolveOptions{exclude: map[string]bool{}}
	for _, opt := range opts {
		if err := opt(&o); err != nil {
			return nil, err
		}
	}
	r := &resolver{ix: ix, opts: o, chosen: map[string]*Package{}, res: &Resolution{Reasons: map[string]string{}}}
	for _, req := range requests {
		rel, err := parseRequest(req)
		if err != nil {
			return nil, err
		}
		if o.exclude[rel.Name] {
			return nil, fmt.Errorf("package %s is both requested and excluded", rel.Name)
		}
		if r.satisfied(rel) != nil {
			continue
		}
		p, why := r.candidate(rel)
		if p == nil {
			return nil, &UnsatisfiedError{Relation: req, Reason: why}
		}
		r.add(p, "requested")
	}
	for len(r.queue) > 0 {
		p := r.queue[0]
		r.queue = r.queue[1:]
		if err := r.follow(p); err != nil {
			return nil, err
		}
	}
	for _, p := range r.chosen {
		r.res.Packages = append(r.res.Packages, p)
	}
	sort.Slice(r.res.Packages, func(i, j int) bool { return r.res.Packages[i].Name < r.res.Packages[j].Name })
	return r.res, nil
}

func parseRequest(req string) (dependency.Possibility, error) {
	s := strings.TrimSpace(req)
	if name, v, ok := strings.Cut(s, "="); ok && !strings.Contains(s, "(") {
		s = name + " (= " + v + ")"
	}
	dep, err := dependency.Parse(s)
	if err != nil || len(dep.Relations) != 1 || len(dep.Relations[0].Possibilities) != 1 {
		return dependency.Possibility{}, fmt.Errorf("bad package request %q (want NAME, NAME=VERSION or \"NAME (>= VERSION)\")", req)
	}
	return dep.Relations[0].Possibilities[0], nil
}

type resolver struct {
	ix     *Index
	opts   resolveOptions
	chosen map[string]*Package
	queue  []*Package
	res    *Resolution
}

func (r *resolver) add(p *Package, reason string) {
	r.chosen[p.Name] = p
	r.res.Reasons[p.Name] = reason
	r.queue = append(r.queue, p)
}

// follow meets every Pre-Depends and Depends relation of p.
func (r *resolver) follow(p *Package) error {
	for _, field := range []struct{ name, value string }{{"Pre-Depends", p.PreDepends}, {"Depends", p.Depends}} {
		if strings.TrimSpace(field.value) == "" {
			continue
		}
		dep, err := dependency.Parse(field.value)
		if err != nil {
			return fmt.Errorf("package %s: bad %s %q: %w", p.ID(), field.name, field.value, err)
		}
		for _, rel := range dep.Relations {
			if err := r.meet(p, rel); err != nil {
				return err
			}
		}
	}
	return nil
}

func (r *resolver) meet(p *Package, rel dependency.Relation) error {
	var alts []dependency.Possibility
	for _, poss := range rel.Possibilities {
		if r.applies(poss) {
			alts = append(alts, poss)
		}
	}
	if len(alts) == 0 {
		return nil
	}
	for _, poss := range alts {
		if r.satisfied(poss) != nil {
			return nil
		}
	}
	for _, poss := range alts {
		if ex := r.excludedFor(poss); ex != "" {
			r.res.Cut = append(r.res.Cut, Cut{Package: p.Name, Relation: relationString(rel), Excluded: ex})
			return nil
		}
	}
	var whys []string
	for _, poss := range alts {
		c, why := r.candidate(poss)
		if c != nil {
			r.add(c, "dependency of "+p.Name)
			return nil
		}
		whys = append(whys, why)
	}
	return &UnsatisfiedError{Package: p.ID(), Relation: relationString(rel), Reason: strings.Join(whys, "; ")}
}

// applies drops alternatives restricted to other architectures
// ("foo [i386]", "foo:i386"); ":any" and ":native" match any.
func (r *resolver) applies(poss dependency.Possibility) bool {
	if poss.Arch != nil {
		a := poss.Arch.String()
		if a != "any" && a != "native" && a != r.ix.arch {
			return false
		}
	}
	if poss.Architectures != nil && len(poss.Architectures.Architectures) > 0 {
		match := false
		for _, a := range poss.Architectures.Architectures {
			if a.String() == r.ix.arch {
				match = true
			}
		}
		if match == poss.Architectures.Not {
			return false
		}
	}
	return true
}

// satisfied returns the chosen package that meets poss, or nil.
func (r *resolver) satisfied(poss dependency.Possibility) *Package {
	if p, ok := r.chosen[poss.Name]; ok && versionOK(poss.Version, p.Version) {
		return p
	}
	for _, pr := range r.ix.provides[poss.Name] {
		if r.chosen[pr.pkg.Name] == pr.pkg && providesOK(poss.Version, pr.version) {
			return pr.pkg
		}
	}
	return r.installedFor(poss)
}

// installedFor returns the installed package that meets poss, unless a
// request or dependency already replaces it.
func (r *resolver) installedFor(poss dependency.Possibility) *Package {
	if p, ok := r.opts.installed[poss.Name]; ok && r.chosen[p.Name] == nil && versionOK(poss.Version, p.Version) {
		return p
	}
	for _, pr := range r.opts.provided[poss.Name] {
		if r.chosen[pr.pkg.Name] == nil && providesOK(poss.Version, pr.version) {
			return pr.pkg
		}
	}
	return nil
}

// excludedFor returns the excluded name that would meet poss, or "".
func (r *resolver) excludedFor(poss dependency.Possibility) string {
	if r.opts.exclude[poss.Name] {
		return poss.Name
	}
	var provs []*Package
	for _, pr := range r.ix.provides[poss.Name] {
		if r.opts.exclude[pr.pkg.Name] && providesOK(poss.Version, pr.version) {
			provs = append(provs, pr.pkg)
		}
	}
	if len(provs) == 0 {
		return ""
	}
	sortByPriority(provs)
	return provs[0].Name
}

// candidate picks a package for poss that is not chosen yet: the highest
// version of the real package that fits, else a provider (ordered by
// Priority, then name). It explains a failure.
func (r *resolver) candidate(poss dependency.Possibility) (*Package, string) {
	name := poss.Name
	if c, ok := r.chosen[name]; ok {
		return nil, fmt.Sprintf("%s %s is already chosen", name, c.Version)
	}
	for _, p := range r.ix.byName[name] {
		if versionOK(poss.Version, p.Version) {
			return p, ""
		}
	}
	var provs []*Package
	for _, pr := range r.ix.provides[name] {
		if _, taken := r.chosen[pr.pkg.Name]; taken || r.opts.exclude[pr.pkg.Name] {
			continue
		}
		if providesOK(poss.Version, pr.version) {
			provs = append(provs, pr.pkg)
		}
	}
	if len(provs) > 0 {
		sortByPriority(provs)
		return provs[0], ""
	}
	if vs := r.ix.byName[name]; len(vs) > 0 {
		return nil, fmt.Sprintf("no version of %s fits (have %s)", name, vs[0].Version)
	}
	return nil, fmt.Sprintf("%s: %v for %s", name, ErrNotFound, r.ix.arch)
}

func versionOK(rel *dependency.VersionRelation, v version.Version) bool {
	return rel == nil || rel.SatisfiedBy(v)
}

// providesOK reports whether a Provides meets a dependency: an unversioned
// dependency is met by any provider, a versioned one only by a versioned
// Provides that satisfies it (Debian policy 7.5).
func providesOK(rel *dependency.VersionRelation, provided *version.Version) bool {
	if rel == nil {
		return true
	}
	return provided != nil && rel.SatisfiedBy(*provided)
}

// sortByPriority orders providers as apt would prefer them: by Priority
// (required first), then by name.
func sortByPriority(provs []*Package) {
	sort.SliceStable(provs, func(i, j int) bool {
		pi, pj := priorityRank(provs[i].Priority), priorityRank(provs[j].Priority)
		if pi != pj {
			return pi < pj
		}
		return provs[i].Name < provs[j].Name
	})
}

func priorityRank(p string) int {
	switch p {
	case "required":
		return 0
	case "important":
		return 1
	case "standard":
		return 2
	case "optional":
		return 3
	}
	return 4
}

func relationString(rel dependency.Relation) string {
	var alts []string
	for _, p := range rel.Possibilities {
		s := p.Name
		if p.Arch != nil {
			s += ":" + p.Arch.String()
		}
		if p.Version != nil {
			s += " (" + p.Version.Operator + " " + p.Version.Number + ")"
		}
		alts = append(alts, s)
	}
	return strings.Join(alts, " | ")
}
