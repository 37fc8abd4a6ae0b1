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
			Ratings:     &[]cdx.VulnerabilityRating{rating(f.Rating)},
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

// rating turns a severity into a CycloneDX rating.
func rating(rt Rating) cdx.VulnerabilityRating {
	sev := map[report.Severity]cdx.Severity{
		report.Critical: cdx.SeverityCritical, report.High: cdx.SeverityHigh, report.Medium: cdx.SeverityMedium,
		report.Low: cdx.SeverityLow, report.Info: cdx.SeverityInfo, report.Unknown: cdx.SeverityUnknown,
	}[rt.Severity]
	r := cdx.VulnerabilityRating{Severity: sev}
	switch rt.Source {
	case "CVSS_V3":
		r.Method = cdx.ScoringMethodCVSSv31
		if len(rt.Vector) > 8 && rt.Vector[:8] == "CVSS:3.0" {
			r.Method = cdx.ScoringMethodCVSSv3
		}
	case "CVSS_V4":
		r.Method = cdx.ScoringMethodCVSSv4
	case "CVSS_V2":
		r.Method = cdx.ScoringMethodCVSSv2
	default:
		r.Method = cdx.ScoringMethodOther
	}
	if rt.Score > 0 {
		score := rt.Score
		r.Score = &score
		r.Vector = rt.Vector
	}
	return r
}
