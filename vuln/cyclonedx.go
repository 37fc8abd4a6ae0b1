package vuln

import (
	"strconv"

	cdx "github.com/CycloneDX/cyclonedx-go"
	"github.com/harden-dev/harden/report"
	"github.com/harden-dev/harden/sbom"
)

// CycloneDX builds a CycloneDX 1.6 BOM of s with the findings of r as
// vulnerabilities, each affecting its package's component. Suppressed
// findings are included with their analysis (not_affected or resolved,
// from VEX; an ignore entry is marked as accepted risk).
func CycloneDX(s *sbom.SBOM, r *Result) *cdx.BOM {
	bom := sbom.CycloneDX(s)
	refs := map[string]string{}
	for i := range s.Packages {
		p := &s.Packages[i]
		refs[pkgKey(p.Type, p.Name, p.Version)] = sbom.BOMRef(i)
	}
	vulns := []cdx.Vulnerability{}
	add := func(f *Finding, analysis *cdx.VulnerabilityAnalysis) {
		v := cdx.Vulnerability{
			BOMRef:      "vuln:" + strconv.Itoa(len(vulns)),
			ID:          f.ID,
			Source:      &cdx.Source{Name: "OSV", URL: f.URL},
			Description: f.Summary,
			Ratings:     ratings(f),
			Analysis:    analysis,
		}
		if f.Fixed != "" {
			v.Recommendation = "Upgrade " + f.Package.Name + " to " + f.Fixed + " or later."
		}
		if len(f.Aliases) > 0 {
			rs := make([]cdx.VulnerabilityReference, 0, len(f.Aliases))
			for _, a := range f.Aliases {
				rs = append(rs, cdx.VulnerabilityReference{ID: a, Source: &cdx.Source{Name: "OSV"}})
			}
			v.References = &rs
		}
		if ref, ok := refs[pkgKey(f.Package.Type, f.Package.Name, f.Package.Version)]; ok {
			v.Affects = &[]cdx.Affects{{Ref: ref, Range: &[]cdx.AffectedVersions{{Version: f.Package.Version, Status: cdx.VulnerabilityStatusAffected}}}}
		}
		vulns = append(vulns, v)
	}
	for i := range r.Findings {
		add(&r.Findings[i], nil)
	}
	for i := range r.Suppressed {
		sp := &r.Suppressed[i]
		a := &cdx.VulnerabilityAnalysis{State: cdx.IASFalsePositive, Detail: sp.Reason}
		switch {
		case sp.By == "vex" && sp.Reason == "VEX: fixed":
			a.State = cdx.IASResolved
		case sp.By == "vex":
			a.State = cdx.IASNotAffected
		default:
			a.State = cdx.IASExploitable
			a.Response = &[]cdx.ImpactAnalysisResponse{cdx.IARWillNotFix}
		}
		add(&sp.Finding, a)
	}
	bom.Vulnerabilities = &vulns
	return bom
}

func pkgKey(typ, name, version string) string { return typ + "\x00" + name + "\x00" + version }

// ratings turns a finding's ratings into CycloneDX ratings, the resolved
// one first, each naming its source.
func ratings(f *Finding) *[]cdx.VulnerabilityRating {
	out := []cdx.VulnerabilityRating{rating(Rating{Source: f.SeveritySource, Severity: f.Severity, CVSS: f.CVSS})}
	for _, r := range f.Ratings {
		if r.Source == f.SeveritySource && r.Severity == f.Severity {
			continue
		}
		out = append(out, rating(r))
	}
	return &out
}

// rating turns one rating into a CycloneDX rating.
func rating(rt Rating) cdx.VulnerabilityRating {
	sev := map[report.Severity]cdx.Severity{
		report.Critical: cdx.SeverityCritical, report.High: cdx.SeverityHigh, report.Medium: cdx.SeverityMedium,
		report.Low: cdx.SeverityLow, report.Info: cdx.SeverityInfo, report.Unknown: cdx.SeverityUnknown,
	}[rt.Severity]
	r := cdx.VulnerabilityRating{Severity: sev, Method: cdx.ScoringMethodOther}
	if rt.Source != "" {
		r.Source = &cdx.Source{Name: rt.Source}
	}
	if c := rt.CVSS; c != nil {
		switch c.Version {
		case "3.1":
			r.Method = cdx.ScoringMethodCVSSv31
		case "3.0":
			r.Method = cdx.ScoringMethodCVSSv3
		case "4.0":
			r.Method = cdx.ScoringMethodCVSSv4
		case "2.0":
			r.Method = cdx.ScoringMethodCVSSv2
		}
		if c.Score > 0 {
			score := c.Score
			r.Score = &score
			r.Vector = c.Vector
		}
	}
	return r
}
