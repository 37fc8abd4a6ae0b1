package compare

import (
	"context"
	"fmt"
	"sort"

	"github.com/harden-dev/harden/fsindex"
	"github.com/harden-dev/harden/sbom"
	"github.com/harden-dev/harden/vuln"
)

// Packages inventories the image's packages with the SBOM analysis and,
// when DB is set, matches them against the vulnerability database — on the
// same index as every other analysis.
type Packages struct {
	// DB is an opened vulnerability database, or nil for no scan.
	DB *vuln.DB
	// Scan holds options for the match (ignores, VEX, only fixed).
	Scan []vuln.Option
}

// Wants is what the SBOM extractors need from the walk.
func (m Packages) Wants() []fsindex.Want { return sbom.Wants() }

// Measure fills the package counts and names and, with a database, the
// vulnerability counts and list.
func (m Packages) Measure(ctx context.Context, x *fsindex.Index, p *Profile) error {
	s, err := sbom.Generate(ctx, x, sbom.WithSource(sbom.Source{Name: p.Ref}))
	if err != nil {
		return fmt.Errorf("packages of %s: %w", p.Ref, err)
	}
	p.Packages = map[string]int{}
	for t, n := range s.Summary.ByType {
		p.Packages[t] = n
	}
	p.PackageNames = p.PackageNames[:0]
	for _, pkg := range s.Packages {
		p.PackageNames = append(p.PackageNames, pkg.Type+"/"+pkg.Name)
	}
	sort.Strings(p.PackageNames)
	if m.DB == nil {
		return nil
	}
	res, err := vuln.Match(ctx, m.DB, s, m.Scan...)
	if err != nil {
		return fmt.Errorf("scan of %s: %w", p.Ref, err)
	}
	vc := &VulnCounts{Total: res.Summary.Findings, BySeverity: map[string]int{}, Fixable: res.Summary.Fixable,
		KEV: res.Summary.KEV, BySeveritySource: map[string]int{}}
	for k, v := range res.Summary.BySeverity {
		vc.BySeverity[k] = v
	}
	for k, v := range res.Summary.BySeveritySource {
		vc.BySeveritySource[k] = v
	}
	for _, f := range res.Findings {
		exploited := ""
		if f.KEV != nil {
			exploited = "KEV"
		} else if f.SSVC != nil && (f.SSVC.Exploitation == "active" || f.SSVC.Exploitation == "poc") {
			exploited = f.SSVC.Exploitation
		}
		vc.Rows = append(vc.Rows, []string{f.ID, f.Package.Name, f.Installed, f.Fixed, f.Severity.String(), f.SeveritySource, exploited})
	}
	p.Vulns = vc
	return nil
}
