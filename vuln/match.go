package vuln

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/google/osv-scalibr/semantic"
	"github.com/harden-dev/harden/sbom"
)

// Match looks every package of s up in db and returns the vulnerabilities
// that affect it, grouped by CVE. Withdrawn records are ignored. Findings
// that an ignore rule (WithSuppressor) or a VEX statement (WithVEX) removes
// are listed apart. Match reads nothing but db.
func Match(ctx context.Context, db *DB, s *sbom.SBOM, opts ...Option) (*Result, error) {
	o, err := makeOptions(opts...)
	if err != nil {
		return nil, err
	}
	now := o.now()
	res := &Result{Source: s.Source, OS: s.OS, Findings: []Finding{}}
	age := db.info.Age(now)
	res.DB = DBState{Path: db.path, Imported: db.info.Imported, Newest: db.info.Newest, Age: age.Seconds(), Stale: o.maxAge > 0 && age > o.maxAge}
	cache := map[string]*Record{}
	en := &enricher{db: db, cache: map[string]*Enrichment{}}
	scanned, osOwned := 0, 0
	for i := range s.Packages {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		p := &s.Packages[i]
		if p.OwnedBy != "" && !o.osOwned {
			if ecosystemProblem(p) == "" {
				osOwned++
			}
			continue
		}
		if why := ecosystemProblem(p); why != "" {
			res.addUnmatched(p, why)
			continue
		}
		name, version := matchName(p)
		pv, err := parseVersion(p.Ecosystem, version)
		if err != nil {
			res.addUnmatched(p, err.Error())
			continue
		}
		scanned++
		found, err := matchPackage(db, cache, p, name, version, pv, res)
		if err != nil {
			return nil, err
		}
		for _, g := range group(found) {
			f, err := newFinding(g, p, s, en)
			if err != nil {
				return nil, err
			}
			if o.onlyFixed && f.Fixed == "" {
				continue
			}
			ids := append([]string{f.ID}, f.Aliases...)
			if reason, ok := vexVerdict(o.vex, ids, p.PURL); ok {
				res.Suppressed = append(res.Suppressed, Suppressed{Finding: f, By: "vex", Reason: reason})
				continue
			}
			if o.suppress != nil {
				if reason, ok := o.suppress(f.Report(), now); ok {
					res.Suppressed = append(res.Suppressed, Suppressed{Finding: f, By: "ignore", Reason: reason})
					continue
				}
			}
			res.Findings = append(res.Findings, f)
		}
	}
	prioritize(res.Findings)
	res.DB.Sources = db.info.UsedSources(now)
	for _, u := range res.DB.Sources {
		if o.maxAge > 0 && time.Duration(u.Age*float64(time.Second)) > o.maxAge {
			res.DB.Stale = true
			res.DB.StaleSources = append(res.DB.StaleSources, u.Name)
		}
	}
	res.summarize(scanned)
	res.Summary.OSOwned = osOwned
	res.Summary.Unmatched = len(res.Unmatched)
	return res, nil
}

// binNMU is the suffix Debian adds to a binary rebuilt without a source
// change ("1.2-3+b1"); advisories name the source version.
var binNMU = regexp.MustCompile(`\+b[0-9]+$`)

// matchName returns the name and version advisories use for p: Debian,
// Ubuntu and Alpine advisories are written for source packages.
func matchName(p *sbom.Package) (name, version string) {
	name, version = p.Name, p.Version
	switch baseEcosystem(p.Ecosystem) {
	case "Debian", "Ubuntu", "Alpine":
		if p.SourceName != "" {
			name = p.SourceName
		}
		if p.SourceVersion != "" {
			version = p.SourceVersion
		} else if baseEcosystem(p.Ecosystem) != "Alpine" {
			version = binNMU.ReplaceAllString(version, "")
		}
	}
	return name, version
}

// matchPackage evaluates the records indexed under name (p's, or its
// source package's) for version, parsed as pv.
func matchPackage(db *DB, cache map[string]*Record, p *sbom.Package, name, version string, pv semantic.Version, res *Result) ([]match, error) {
	label := p.Name + "@" + p.Version
	recs, err := db.lookup(p.Ecosystem, name, cache)
	if err != nil {
		return nil, fmt.Errorf("reading the vulnerability database: %w", err)
	}
	var out []match
	for _, r := range recs {
		if !r.Withdrawn.IsZero() {
			continue
		}
		m, ok, err := evaluateRecord(r, p.Ecosystem, name, version, pv)
		if err != nil {
			res.Problems = append(res.Problems, MatchProblem{Package: label, Record: r.ID, Error: err.Error()})
			continue
		}
		if ok {
			out = append(out, m)
		}
	}
	return out, nil
}

// evaluateRecord checks every affected entry of r for the package. When
// several entries affect it, the highest fix among them is the one that
// fixes all.
func evaluateRecord(r *Record, eco, name, version string, pv semantic.Version) (match, bool, error) {
	m := match{rec: r}
	hit := false
	var errs []error
	for i := range r.Affected {
		a := &r.Affected[i]
		if a.Package.Ecosystem != eco || normName(eco, a.Package.Name) != normName(eco, name) {
			continue
		}
		v, err := evaluate(a, eco, version, pv)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if !v.affected {
			continue
		}
		m.ratings = append(m.ratings, recordRatings(r, a)...)
		if !hit {
			m.fixed = v.fixed
		} else if m.fixed != "" && (v.fixed == "" || higher(eco, v.fixed, m.fixed)) {
			m.fixed = v.fixed
		}
		hit = true
	}
	if !hit && len(errs) > 0 {
		return m, false, errors.Join(errs...)
	}
	return m, hit, nil
}

// higher reports whether version a is above b in eco.
func higher(eco, a, b string) bool {
	c, err := Compare(eco, a, b)
	return err == nil && c > 0
}

// newFinding builds the finding of one group of records.
func newFinding(g vulnGroup, p *sbom.Package, s *sbom.SBOM, en *enricher) (Finding, error) {
	id, aliases, records := groupIDs(g)
	_, version := matchName(p)
	f := Finding{ID: id, Aliases: aliases, Records: records, Installed: version,
		Package: Package{Name: p.Name, Version: p.Version, Type: p.Type, Ecosystem: p.Ecosystem, PURL: p.PURL}}
	if p.SourceName != "" && p.SourceName != p.Name {
		f.Package.SourceName = p.SourceName
	}
	for _, m := range g.ms {
		f.Ratings = append(f.Ratings, m.ratings...)
		for _, r := range m.rec.Related {
			if strings.HasPrefix(r, "CVE-") && !slices.Contains(f.Related, r) && r != f.ID && !slices.Contains(f.Aliases, r) {
				f.Related = append(f.Related, r)
			}
		}
		// the highest fix fixes every record; a record with no fix does not
		// cancel an advisory's fix
		if m.fixed != "" && (f.Fixed == "" || higher(p.Ecosystem, m.fixed, f.Fixed)) {
			f.Fixed = m.fixed
		}
	}
	if err := en.apply(&f); err != nil {
		return f, err
	}
	f.Summary, f.URL = describe(g.ms)
	for _, l := range p.Locations {
		w := Where{Path: l.Path, Layer: l.Layer, Origin: l.Origin}
		if li := l.LayerIndex(); li >= 0 && li < len(s.Layers) {
			w.LayerDigest = s.Layers[li].DiffID
			w.Instruction = s.Layers[li].Instruction
		}
		f.Locations = append(f.Locations, w)
	}
	return f, nil
}

// describe picks a summary and a link: from a record about this one
// vulnerability first (a DSA's summary names only the package).
func describe(g []match) (summary, url string) {
	pick := func(single bool) {
		for _, m := range g {
			if (len(cves(m.rec)) <= 1) != single {
				continue
			}
			if summary == "" && m.rec.Summary != "" {
				summary = m.rec.Summary
			}
			if url == "" {
				for _, ref := range m.rec.References {
					if ref.Type == "ADVISORY" || ref.Type == "WEB" {
						url = ref.URL
						break
					}
				}
			}
		}
	}
	pick(true)
	pick(false)
	if url == "" && len(g) > 0 {
		url = "https://osv.dev/vulnerability/" + g[0].rec.ID
	}
	return summary, url
}
