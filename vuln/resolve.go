package vuln

import (
	"sort"
	"strings"

	"github.com/harden-dev/harden/report"
)

// The precedence of severity sources, documented in docs/scan.md:
//
//  1. osv: the OSV record's own CVSS (GHSA, Go, PyPI… records carry one),
//     or its own severity word when it is not a distribution's;
//  2. the distribution's own rating (a Debian, Ubuntu or Alpine advisory's
//     severity word);
//  3. cna:<org>: the CVSS of the CNA that assigned the CVE (CVE JSON 5);
//  4. nvd: NVD's CVSS, its own (Primary) scores first, v4.0, v3.1, v3.0,
//     v2, then the scores it copied;
//  5. cisa-adp: CISA's ADP ("Vulnrichment") CVSS;
//  6. debian-urgency: the security tracker's urgency;
//  7. unknown.
//
// One override, Trivy's vendor-severity idea: when Debian's tracker says
// "unimportant" for the package, Debian has judged the issue not to be a
// security problem in its build, and the finding stays info whatever a CVSS
// says; every rating is still listed.
var precedence = []func(r Rating) bool{
	func(r Rating) bool { return r.Source == SourceOSV },
	func(r Rating) bool { return r.Source == "debian" || r.Source == "ubuntu" || r.Source == "alpine" },
	func(r Rating) bool { return strings.HasPrefix(r.Source, "cna:") },
	func(r Rating) bool { return r.Source == SourceNVD },
	func(r Rating) bool { return r.Source == "cisa-adp" },
	func(r Rating) bool { return r.Source == "debian-urgency" },
}

// enrichRatings lists the ratings enrichment data gives a CVE, each
// source's best score.
func enrichRatings(e *Enrichment) []Rating {
	if e == nil {
		return nil
	}
	var out []Rating
	add := func(src string, s *SourceCVSS) {
		if s == nil || len(s.Metrics) == 0 {
			return
		}
		c := s.Metrics[0]
		out = append(out, Rating{Source: src, Severity: c.Severity, CVSS: &c})
	}
	if e.CNA != nil {
		org := e.CNA.Org
		if org == "" {
			org = "unknown"
		}
		add("cna:"+org, e.CNA)
	}
	add(SourceNVD, e.NVD)
	add("cisa-adp", e.ADP)
	return out
}

// resolve picks a finding's severity from its ratings by precedence (the
// highest of several ratings of one source), applies Debian's
// "unimportant" override, and orders Ratings by precedence.
func resolve(f *Finding) {
	ratings := dedupeRatings(f.Ratings)
	sort.SliceStable(ratings, func(i, j int) bool { return rank(ratings[i]) < rank(ratings[j]) })
	f.Ratings = ratings
	f.Severity, f.CVSS, f.SeveritySource = report.Unknown, nil, ""
	for _, r := range ratings {
		if r.Source == "debian-urgency" && r.Severity == report.Info {
			f.Severity, f.SeveritySource = report.Info, r.Source
			break
		}
	}
	if f.SeveritySource == "" && len(ratings) > 0 {
		best := ratings[0]
		for _, r := range ratings[1:] {
			if rank(r) == rank(best) && r.Severity > best.Severity {
				best = r
			}
		}
		f.Severity, f.CVSS, f.SeveritySource = best.Severity, best.CVSS, best.Source
	}
	if f.CVSS == nil {
		for _, r := range ratings {
			if r.CVSS != nil { // the score beside a word-only severity
				f.CVSS = r.CVSS
				break
			}
		}
	}
	if len(f.Ratings) == 0 {
		f.Ratings = nil
	}
}

func rank(r Rating) int {
	for i, p := range precedence {
		if p(r) {
			return i
		}
	}
	return len(precedence)
}

// dedupeRatings keeps one rating per source and severity.
func dedupeRatings(rs []Rating) []Rating {
	seen := map[string]bool{}
	out := rs[:0:0]
	for _, r := range rs {
		k := r.Source + "\x00" + r.Severity.String()
		if r.CVSS != nil {
			k += "\x00" + r.CVSS.Vector
		}
		if !seen[k] {
			seen[k] = true
			out = append(out, r)
		}
	}
	return out
}
