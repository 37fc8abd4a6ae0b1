package vuln

import (
	"strings"

	gocvss20 "github.com/pandatix/go-cvss/20"
	gocvss30 "github.com/pandatix/go-cvss/30"
	gocvss31 "github.com/pandatix/go-cvss/31"
	gocvss40 "github.com/pandatix/go-cvss/40"

	"github.com/harden-dev/harden/report"
)

// Rating is one source's view of a vulnerability's severity.
type Rating struct {
	// Source names who rated (see Resolve): "osv", a distribution
	// ("debian", "ubuntu", "alpine"), "cna:<org>", "nvd", "cisa-adp",
	// "debian-urgency".
	Source   string          `json:"source"`
	Severity report.Severity `json:"severity"`
	CVSS     *CVSS           `json:"cvss,omitempty"`
}

// recordRatings lists what an OSV record and one of its affected entries
// say of the severity: the record's CVSS vectors (source "osv"), the
// severity word its database wrote (a distribution's own rating, or the
// record's for GHSA and the like), and Debian's urgency.
func recordRatings(r *Record, a *Affected) []Rating {
	var out []Rating
	for _, sevs := range [][]Severity{a.Severity, r.Severity} {
		if c, ok := bestVector(sevs); ok {
			out = append(out, Rating{Source: SourceOSV, Severity: c.Severity, CVSS: &c})
			break
		}
	}
	// the database's word counts beside a vector only for a distribution
	// (a rating of its own); a GHSA's word restates its vector
	if r.DBSeverity != "" && (len(out) == 0 || dbRatingSource(a.Package.Ecosystem) != SourceOSV) {
		if s, err := report.ParseSeverity(r.DBSeverity); err == nil && s != report.Unknown {
			out = append(out, Rating{Source: dbRatingSource(a.Package.Ecosystem), Severity: s})
		}
	}
	if a.Urgency != "" {
		if s := urgencySeverity(a.Urgency); s != report.Unknown {
			out = append(out, Rating{Source: "debian-urgency", Severity: s})
		}
	}
	return out
}

// dbRatingSource names the source of a record's own severity word: the
// distribution for a distribution's advisory, else the OSV record.
func dbRatingSource(eco string) string {
	switch b := baseEcosystem(eco); b {
	case "Debian", "Ubuntu", "Alpine":
		return strings.ToLower(b)
	}
	return SourceOSV
}

// bestVector scores the best CVSS vector of a list: v3 (the version
// osv-scanner and Grype rate OSV records by), then v4, then v2.
func bestVector(sevs []Severity) (CVSS, bool) {
	for _, want := range []string{"CVSS_V3", "CVSS_V4", "CVSS_V2"} {
		for _, s := range sevs {
			if s.Type != want {
				continue
			}
			version, score, ok := cvssScore(s.Type, s.Score)
			if !ok {
				continue
			}
			return CVSS{Version: version, Vector: s.Score, Score: score, Severity: versionSeverity(version, score)}, true
		}
	}
	return CVSS{}, false
}

// cvssScore computes the base score of a vector and names its version.
func cvssScore(typ, vector string) (string, float64, bool) {
	switch typ {
	case "CVSS_V3":
		switch {
		case strings.HasPrefix(vector, "CVSS:3.1/"):
			if c, err := gocvss31.ParseVector(vector); err == nil {
				return "3.1", c.BaseScore(), true
			}
		case strings.HasPrefix(vector, "CVSS:3.0/"):
			if c, err := gocvss30.ParseVector(vector); err == nil {
				return "3.0", c.BaseScore(), true
			}
		}
	case "CVSS_V4":
		if c, err := gocvss40.ParseVector(vector); err == nil {
			return "4.0", c.Score(), true
		}
	case "CVSS_V2":
		if c, err := gocvss20.ParseVector(vector); err == nil {
			return "2.0", c.BaseScore(), true
		}
	}
	return "", 0, false
}

// scoreSeverity maps a CVSS score to the qualitative rating of CVSS v3.1
// (section 5): 0 none (info), 0.1–3.9 low, 4.0–6.9 medium, 7.0–8.9 high,
// 9.0–10 critical.
func scoreSeverity(score float64) report.Severity {
	switch {
	case score >= 9.0:
		return report.Critical
	case score >= 7.0:
		return report.High
	case score >= 4.0:
		return report.Medium
	case score > 0:
		return report.Low
	}
	return report.Info
}

// urgencySeverity maps Debian's security-tracker urgency to a severity, as
// Grype does for the same data: "unimportant" → info (Grype's
// "negligible"), "low" → low, "medium" → medium, "high" → high;
// "not yet assigned", "end-of-life" and anything else → unknown. The "*"
// and "**" marks the tracker adds to urgencies it derived from NVD are
// ignored.
func urgencySeverity(u string) report.Severity {
	switch strings.ToLower(strings.TrimRight(strings.TrimSpace(u), "*")) {
	case "unimportant":
		return report.Info
	case "low":
		return report.Low
	case "medium":
		return report.Medium
	case "high":
		return report.High
	}
	return report.Unknown
}
