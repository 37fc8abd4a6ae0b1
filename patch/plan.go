package patch

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/harden-dev/harden/debian"
	"github.com/harden-dev/harden/fsindex"
	"github.com/harden-dev/harden/vuln"
	"pault.ag/go/debian/version"
)

// Errors Plan returns (wrapped) for images it cannot patch.
var (
	ErrApk         = errors.New("apk images (Alpine) are not supported yet")
	ErrNoPackages  = errors.New("the image has no dpkg package database (/var/lib/dpkg/status or status.d)")
	ErrBadDatabase = errors.New("bad dpkg database")
)

// Request says which packages to update. Findings select the packages of
// OS-package findings that have a fixed version; Packages names more; All
// takes every package the repositories have a newer version of.
type Request struct {
	Findings []vuln.Finding
	Packages []string
	All      bool
}

// Finding statuses in Result.Findings.
const (
	StatusFixed       = "fixed"                // the plan installs a version with the fix
	StatusUnavailable = "no-fix-in-repository" // no version in the repositories has it
	StatusNoCandidate = "not-in-repository"    // the repositories do not have the package
)

// FindingStatus says whether the repositories fix one finding.
type FindingStatus struct {
	ID        string `json:"id"`
	Package   string `json:"package"`
	Installed string `json:"installed"`
	Fixed     string `json:"fixed"`
	// Candidate is the newest version in the repositories, and its source
	// package's version (the one advisories name).
	Candidate       string `json:"candidate,omitempty"`
	CandidateSource string `json:"candidateSource,omitempty"`
	Status          string `json:"status"`
}

// Update is one package the patch installs.
type Update struct {
	Name string `json:"name"`
	Arch string `json:"arch"`
	// From is the installed version, empty for a package a dependency
	// brings in.
	From string `json:"from,omitempty"`
	To   string `json:"to"`
	// Reason is "fixes N findings", "requested", "all" or "dependency of NAME".
	Reason   string   `json:"reason"`
	Findings []string `json:"findings,omitempty"`
	// Size is the .deb's size (the download).
	Size int64 `json:"size"`

	pkg *debian.Package
}

// Skipped is a package the plan leaves out, and why.
type Skipped struct {
	Name   string `json:"name"`
	Reason string `json:"reason"`
}

// Result is the plan and, after Apply, what was written.
type Result struct {
	// Distroless is true for an image with the status.d database (a
	// distroless base or a minified image): only the files it still has
	// are replaced.
	Distroless bool            `json:"distroless"`
	Updates    []Update        `json:"updates"`
	Skipped    []Skipped       `json:"skipped,omitempty"`
	Findings   []FindingStatus `json:"findings,omitempty"`
	// FindingsFixed counts the findings the updates fix.
	FindingsFixed int `json:"findingsFixed"`
	// DownloadSize is the sum of the .deb sizes; InstalledSize the sum of
	// their Installed-Size, what the new layer holds at most (uncompressed).
	DownloadSize  int64 `json:"downloadSize"`
	InstalledSize int64 `json:"installedSize"`
	// Layer is set by Apply.
	Layer *LayerInfo `json:"layer,omitempty"`
	// Notes say what maintainer scripts would have done that the layer does
	// not, and what was done instead (set by Apply).
	Notes []Note `json:"notes,omitempty"`

	db *db
}

// Empty reports whether there is nothing to update.
func (r *Result) Empty() bool { return len(r.Updates) == 0 }

// Plan reads the image's package database from x (built with Wants), picks
// the packages req asks for and resolves them against ix with the image's
// packages as installed: a dependency the image meets brings nothing; one it
// does not brings a newer version or a new package. It never downgrades.
func Plan(x *fsindex.Index, ix *debian.Index, req Request) (*Result, error) {
	d, err := readDB(x)
	if err != nil {
		return nil, err
	}
	r := &Result{Distroless: d.distroless, db: d}
	want := map[string][]string{} // package -> findings it fixes
	reasons := map[string]string{}
	r.pickFindings(d, ix, req.Findings, want, reasons)
	for _, name := range req.Packages {
		in, ok := d.pkgs[name]
		if !ok {
			return nil, fmt.Errorf("package %s is not installed in the image (patch updates the image's packages)", name)
		}
		if c := newest(ix, in); c == nil {
			r.Skipped = append(r.Skipped, Skipped{name, "already the newest version in the repositories (" + in.pkg.Version.String() + ")"})
		} else if reasons[name] == "" {
			reasons[name] = "requested"
		}
	}
	if req.All {
		for _, name := range d.names() {
			if newest(ix, d.pkgs[name]) != nil && reasons[name] == "" {
				reasons[name] = "all"
			}
		}
	}
	if len(reasons) == 0 {
		return r, nil
	}
	var requests []string
	for name := range reasons {
		requests = append(requests, name+"="+newest(ix, d.pkgs[name]).Version.String())
	}
	sort.Strings(requests)
	res, err := ix.Resolve(requests, debian.WithInstalled(d.packages()...))
	if err != nil {
		return nil, fmt.Errorf("resolving the updates: %w", err)
	}
	for _, p := range res.Packages {
		u := Update{Name: p.Name, Arch: p.Architecture, To: p.Version.String(), Size: p.Size, pkg: p, Reason: reasons[p.Name], Findings: want[p.Name]}
		if in, ok := d.pkgs[p.Name]; ok {
			if version.Compare(p.Version, in.pkg.Version) <= 0 {
				return nil, fmt.Errorf("resolving the updates: %s would go from %s to %s, not newer", p.Name, in.pkg.Version, p.Version)
			}
			u.From = in.pkg.Version.String()
		} else if d.distroless {
			r.Skipped = append(r.Skipped, Skipped{p.Name, "not in the image, which was minified or is distroless: a new package is not added (" + res.Reasons[p.Name] + ")"})
			continue
		}
		if u.Reason == "" {
			u.Reason = res.Reasons[p.Name]
		}
		if len(u.Findings) > 0 {
			u.Reason = fmt.Sprintf("fixes %d findings", len(u.Findings))
		}
		r.Updates = append(r.Updates, u)
		r.DownloadSize += p.Size
		r.InstalledSize += p.InstalledSize
	}
	return r, nil
}

// pickFindings marks the packages whose findings the repositories fix.
func (r *Result) pickFindings(d *db, ix *debian.Index, findings []vuln.Finding, want map[string][]string, reasons map[string]string) {
	for _, f := range findings {
		if f.Fixed == "" || f.Package.Type != "deb" {
			continue
		}
		in, ok := d.pkgs[f.Package.Name]
		if !ok {
			continue
		}
		fs := FindingStatus{ID: f.ID, Package: f.Package.Name, Installed: in.pkg.Version.String(), Fixed: f.Fixed}
		fixed, err := version.Parse(f.Fixed)
		c := newest(ix, in)
		switch {
		case len(ix.Versions(in.pkg.Name)) == 0:
			fs.Status = StatusNoCandidate
		case err != nil || c == nil:
			fs.Status = StatusUnavailable
			if vs := ix.Versions(in.pkg.Name); err == nil {
				fs.Candidate = vs[0].Version.String()
				_, fs.CandidateSource = sourceOf(vs[0])
			}
		default:
			_, srcVer := sourceOf(c)
			fs.Candidate, fs.CandidateSource = c.Version.String(), srcVer
			if sv, err := version.Parse(srcVer); err == nil && version.Compare(sv, fixed) >= 0 {
				fs.Status = StatusFixed
				want[in.pkg.Name] = append(want[in.pkg.Name], f.ID)
				reasons[in.pkg.Name] = "fixes findings"
				r.FindingsFixed++
			} else {
				fs.Status = StatusUnavailable
			}
		}
		r.Findings = append(r.Findings, fs)
	}
	sort.SliceStable(r.Findings, func(i, j int) bool {
		a, b := r.Findings[i], r.Findings[j]
		if a.Package != b.Package {
			return a.Package < b.Package
		}
		return a.ID < b.ID
	})
}

// newest returns the repositories' newest version of an installed package
// when it is newer than the installed one.
func newest(ix *debian.Index, in *installed) *debian.Package {
	for _, p := range ix.Versions(in.pkg.Name) {
		if in.pkg.Architecture != "" && p.Architecture != in.pkg.Architecture && p.Architecture != "all" {
			continue
		}
		if version.Compare(p.Version, in.pkg.Version) > 0 {
			return p
		}
		return nil
	}
	return nil
}

// summary lists the updates as "name from→to".
func (r *Result) summary() string {
	var parts []string
	for _, u := range r.Updates {
		parts = append(parts, u.Name+"="+u.To)
	}
	return strings.Join(parts, " ")
}
