package vuln

import (
	"strings"

	gocvss20 "github.com/pandatix/go-cvss/20"
	gocvss30 "github.com/pandatix/go-cvss/30"
	gocvss31 "github.com/pandatix/go-cvss/31"
	gocvss40 "github.com/pandatix/go-cvss/40"

	"github.com/harden-dev/harden/report"
)

// Rating is a vulnerability's severity and where it came from.
type Rating struct {
	Severity report.Severity `json:"severity"`
	// Score is the CVSS base score (0 when there is none).
	Score float64 `json:"score,omitempty"`
	// Vector is the CVSS vector the score was computed from.
	Vector string `json:"vector,omitempty"`
	// Source says how the severity was found: "CVSS_V3", "CVSS_V4",
	// "CVSS_V2", "database" (a severity word of the record's database),
	// "debian-urgency" or "" (unknown).
	Source string `json:"source,omitempty"`
}

// rate finds a record's severity for one affected entry: a CVSS vector of
// the entry or the record (v3 preferred, then v4, then v2), else the
// database's own word, else Debian's urgency (see urgencySeverity), else
// unknown.
func rate(r *Record, a *Affected) Rating {
	for _, sevs := range [][]Severity{a.Severity, r.Severity} {
		if rt, ok := cvssRating(sevs); ok {
			return rt
		}
	}
	if r.DBSeverity != "" {
		if s, err := report.ParseSeverity(r.DBSeverity); err == nil && s != report.Unknown {
			return Rating{Severity: s, Source: "database"}
		}
	}
	if a.Urgency != "" {
		if s := urgencySeverity(a.Urgency); s != report.Unknown {
			return Rating{Severity: s, Source: "debian-urgency"}
		}
	}
	return Rating{}
}

// cvssRating scores the best CVSS vector of a list.
func cvssRating(sevs []Severity) (Rating, bool) {
	for _, want := range []string{"CVSS_V3", "CVSS_V4", "CVSS_V2"} {
		for _, s := range sevs {
			if s.Type != want {
				continue
			}
			score, ok := cvssScore(s.Type, s.Score)
			if !ok {
				continue
			}
			return Rating{Severity: scoreSeverity(score), Score: score, Vector: s.Score, Source: want}, true
		}
	}
	return Rating{}, false
}

// cvssScore computes the base score of a vector.
func cvssScore(typ, vector string) (float64, bool) {
	switch typ {
	case "CVSS_V3":
		switch {
		case strings.HasPrefix(vector, "CVSS:3.1/"):
			if c, err := gocvss31.ParseVector(vector); err == nil {
				return c.BaseScore(), true
			}
		case strings.HasPrefix(vector, "CVSS:3.0/"):
			if c, err := gocvss30.ParseVector(vector); err == nil {
				return c.BaseScore(), true
			}
		}
	case "CVSS_V4":
		if c, err := gocvss40.ParseVector(vector); err == nil {
			return c.Score(), true
		}
	case "CVSS_V2":
		if c, err := gocvss20.ParseVector(vector); err == nil {
			return c.BaseScore(), true
		}
	}
	return 0, false
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
