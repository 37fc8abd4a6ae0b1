package compare

import (
	"context"
	"fmt"
	"path"
	"sort"

	"github.com/harden-dev/harden/audit"
	"github.com/harden-dev/harden/fsindex"
	"github.com/harden-dev/harden/layers"
	"github.com/harden-dev/harden/report"
)

// Profile is everything harden measured about one image.
type Profile struct {
	// Name labels the column (the reference, or a name the user gave).
	Name string `json:"name"`
	// Ref is the image reference as read.
	Ref string `json:"ref"`
	// Layers is the layer accounting; Audit the audit result.
	Layers *layers.Report `json:"layers"`
	Audit  *audit.Result  `json:"audit"`
	// Packages counts installed packages by type (from the SBOM when one
	// was made, else from the package databases audit reads).
	Packages map[string]int `json:"packages"`
	// Vulns, when a database was given, counts known vulnerabilities.
	Vulns *VulnCounts `json:"vulns,omitempty"`
	// Lint, when a Dockerfile was given, counts its findings.
	Lint *LintCounts `json:"lint,omitempty"`
	// PackageNames lists installed packages as "type/name" when an SBOM
	// was made; PackagesRemoved those of the first image missing here.
	PackageNames    []string `json:"-"`
	PackagesRemoved []string `json:"packagesRemoved,omitempty"`
	// TopDirs lists the largest directories (by regular-file bytes).
	TopDirs []DirSize `json:"topDirs"`
	// Extra carries detail sections for the HTML report (vulnerability
	// list, what minify kept), filled by the caller's measurers.
	Extra []Section `json:"-"`
}

// VulnCounts counts known vulnerabilities by severity name, with a list
// for the report.
type VulnCounts struct {
	Total      int            `json:"total"`
	BySeverity map[string]int `json:"bySeverity"`
	Fixable    int            `json:"fixable"`
	// KEV counts the known exploited ones (CISA's catalog).
	KEV int `json:"kev"`
	// BySeveritySource counts where the severities came from (nvd, osv,
	// cna, debian-urgency, unknown...).
	BySeveritySource map[string]int `json:"bySeveritySource,omitempty"`
	// Rows lists the vulnerabilities for the HTML report in priority
	// order (id, package, installed, fixed, severity, severity source,
	// exploited).
	Rows [][]string `json:"-"`
}

// LintCounts counts a Dockerfile's lint findings by level.
type LintCounts struct {
	File    string         `json:"file"`
	Total   int            `json:"total"`
	ByLevel map[string]int `json:"byLevel"`
}

// DirSize is a directory and the bytes of regular files below it.
type DirSize struct {
	Path  string `json:"path"`
	Bytes int64  `json:"bytes"`
}

// Section is an extra block of the HTML report: a title and a table.
type Section struct {
	Title string
	Note  string
	Table *report.Table
}

// Measurer adds to a profile from the shared index: the SBOM and scan,
// the lint of a Dockerfile. Its Wants (fsindex.Wanter) says what it needs
// kept during the walk.
type Measurer interface {
	fsindex.Wanter
	// Measure runs on the index built with the wants and fills in p.
	Measure(ctx context.Context, x *fsindex.Index, p *Profile) error
}

// Wants is what Measure needs from the walk: audit's wants plus each
// measurer's, each once. Build the index once with these.
func Wants(ms ...Measurer) []fsindex.Want {
	lists := [][]fsindex.Want{audit.Wants()}
	for _, m := range ms {
		lists = append(lists, m.Wants())
	}
	return fsindex.Merge(lists...)
}

// Measure runs every analysis on one index and returns the profile.
func Measure(ctx context.Context, name, ref string, tags []string, x *fsindex.Index, ms ...Measurer) (*Profile, error) {
	res, err := audit.Run(ctx, x, audit.WithReference(ref, tags...))
	if err != nil {
		return nil, fmt.Errorf("audit of %s: %w", ref, err)
	}
	p := &Profile{
		Name: name, Ref: ref,
		Layers:   layers.Analyze(x),
		Audit:    res,
		TopDirs:  topDirs(x, 8),
		Packages: map[string]int{},
	}
	if n := res.Summary.Packages.Dpkg; n > 0 {
		p.Packages["deb"] = n
	}
	if n := res.Summary.Packages.Apk; n > 0 {
		p.Packages["apk"] = n
	}
	for _, m := range ms {
		if err := m.Measure(ctx, x, p); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// PackageTotal sums the package counts.
func (p *Profile) PackageTotal() int {
	n := 0
	for _, c := range p.Packages {
		n += c
	}
	return n
}

// topDirs returns the n largest directories one or two levels deep
// (/usr/lib, /usr/share, /app, ...), by the regular-file bytes below them.
func topDirs(x *fsindex.Index, n int) []DirSize {
	sizes := map[string]int64{}
	for _, e := range x.Entries() {
		if e.Type != fsindex.TypeRegular {
			continue
		}
		d := path.Dir(e.Path)
		for d != "/" && depth(d) > 2 {
			d = path.Dir(d)
		}
		sizes[d] += e.Size
	}
	out := make([]DirSize, 0, len(sizes))
	for d, b := range sizes {
		out = append(out, DirSize{d, b})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Bytes != out[j].Bytes {
			return out[i].Bytes > out[j].Bytes
		}
		return out[i].Path < out[j].Path
	})
	if len(out) > n {
		out = out[:n]
	}
	return out
}

func depth(p string) int {
	n := 0
	for _, c := range p {
		if c == '/' {
			n++
		}
	}
	return n
}
