package vuln

import (
	"strings"
	"time"

	"github.com/harden-dev/harden/report"
	"github.com/harden-dev/harden/sbom"
)

// Result is what Match found.
type Result struct {
	// Source and OS come from the SBOM.
	Source sbom.Source `json:"source"`
	OS     *sbom.OS    `json:"os,omitempty"`
	// DB describes the database used.
	DB DBState `json:"db"`
	// Findings are sorted by severity (highest first), package, ID.
	Findings []Finding `json:"findings"`
	// Suppressed are findings an ignore entry or a VEX statement removed.
	Suppressed []Suppressed `json:"suppressed,omitempty"`
	// Unmatched lists the packages that could not be matched (unknown
	// ecosystem, a version that does not parse): the scan is incomplete.
	Unmatched []Unmatched `json:"unmatched,omitempty"`
	// Problems lists records that could not be evaluated for a package.
	Problems []MatchProblem `json:"problems,omitempty"`
	// Summary counts the findings.
	Summary Summary `json:"summary"`
}

// DBState is the database's age as a scan reports it.
type DBState struct {
	Path     string    `json:"path"`
	Imported time.Time `json:"imported"`
	Newest   time.Time `json:"newest"`
	// Age is the data's age in seconds.
	Age float64 `json:"ageSeconds"`
	// Stale is set when Age is past the limit given with WithMaxAge.
	Stale bool `json:"stale,omitempty"`
	// Sources are the data sources the database holds (OSV first, then
	// the enrichment sources), each with its dates.
	Sources []UsedSource `json:"sources,omitempty"`
	// StaleSources names the sources older than the limit.
	StaleSources []string `json:"staleSources,omitempty"`
}

// Finding is one vulnerability of one package. Records that name the same
// CVE (a GHSA and its CVE, a DEBIAN-CVE record and a DSA that fixes it)
// are one finding.
type Finding struct {
	// ID is the CVE when the finding has exactly one, else the first record ID.
	ID string `json:"id"`
	// Aliases are the other IDs: the records matched and the IDs they alias.
	Aliases []string `json:"aliases,omitempty"`
	// Records are the IDs of the OSV records that matched.
	Records []string `json:"records"`
	// Related are CVEs the records name as closely related.
	Related []string `json:"related,omitempty"`
	Package Package  `json:"package"`
	// Installed is the version compared (a Debian binary is compared by its
	// source package's version); Fixed the lowest version that fixes every
	// matched record, empty when there is none.
	Installed string `json:"installed"`
	Fixed     string `json:"fixed,omitempty"`
	// Severity is the resolved severity, SeveritySource the source it came
	// from (see resolve), CVSS that source's score (or the first score
	// known, beside a severity word).
	Severity       report.Severity `json:"severity"`
	SeveritySource string          `json:"severitySource,omitempty"`
	CVSS           *CVSS           `json:"cvss,omitempty"`
	// Ratings are every source's view, in precedence order.
	Ratings []Rating `json:"ratings,omitempty"`
	// KEV, SSVC and EPSS say whether and how likely it is exploited.
	KEV  *KEV  `json:"kev,omitempty"`
	SSVC *SSVC `json:"ssvc,omitempty"`
	EPSS *EPSS `json:"epss,omitempty"`
	// Priority is the finding's place in the fix-first order (1 first),
	// PriorityReason the reason it is there.
	Priority       int    `json:"priority"`
	PriorityReason string `json:"priorityReason,omitempty"`
	Summary        string `json:"summary,omitempty"`
	// URL is an advisory link.
	URL string `json:"url,omitempty"`
	// Locations say where the package was found.
	Locations []Where `json:"locations"`
}

// Package identifies the package of a finding.
type Package struct {
	Name      string `json:"name"`
	Version   string `json:"version"`
	Type      string `json:"type"`
	Ecosystem string `json:"ecosystem"`
	PURL      string `json:"purl,omitempty"`
	// SourceName is the source package the advisory names, when it is not Name.
	SourceName string `json:"sourceName,omitempty"`
}

// Where is a file that proves the package, with its layer.
type Where struct {
	Path        string `json:"path"`
	Layer       *int   `json:"layer,omitempty"`
	LayerDigest string `json:"layerDigest,omitempty"`
	Instruction string `json:"instruction,omitempty"`
	// Origin is "base" for the base image's layers, "own" for yours.
	Origin string `json:"origin,omitempty"`
}

// Suppressed is a finding left out, and why.
type Suppressed struct {
	Finding Finding `json:"finding"`
	// By is "ignore" (an ignore entry) or "vex".
	By     string `json:"by"`
	Reason string `json:"reason,omitempty"`
}

// MatchProblem is a package or record Match skipped.
type MatchProblem struct {
	Package string `json:"package,omitempty"`
	Record  string `json:"record,omitempty"`
	Error   string `json:"error"`
}

// Summary counts findings.
type Summary struct {
	// Findings is the number of findings; Packages the number of packages
	// with at least one; Scanned the packages looked up.
	Findings int `json:"findings"`
	Packages int `json:"packages"`
	Scanned  int `json:"scanned"`
	// BySeverity counts findings per severity name.
	BySeverity map[string]int `json:"bySeverity"`
	// Base, Own and UnknownOrigin split findings by the layer that brought
	// the package: the base image's, your own, or not known.
	Base          int `json:"base"`
	Own           int `json:"own"`
	UnknownOrigin int `json:"unknownOrigin"`
	// Fixable counts findings with a fixed version.
	Fixable int `json:"fixable"`
	// KEV counts the known exploited findings (CISA's KEV catalog).
	KEV int `json:"kev"`
	// BySeveritySource counts findings per source of their severity
	// ("unknown" for none).
	BySeveritySource map[string]int `json:"bySeveritySource"`
	// Suppressed counts findings left out by ignore entries and VEX.
	Suppressed int `json:"suppressed"`
	// OSOwned counts language packages not matched because an OS package
	// installed them (see WithOSOwned).
	OSOwned int `json:"osOwned,omitempty"`
	// Unmatched counts the packages that could not be matched (see
	// Result.Unmatched); more than 0 makes the scan incomplete.
	Unmatched int `json:"unmatched"`
}

// Origin is the origin of the finding's first location.
func (f *Finding) Origin() string {
	if len(f.Locations) == 0 {
		return ""
	}
	return f.Locations[0].Origin
}

// Report turns a finding into the shared report shape (for SARIF, policy
// ignores and the audit command).
func (f *Finding) Report() report.Finding {
	title := f.Summary
	if title == "" {
		title = f.ID
	}
	msg := f.Package.Name + " " + f.Installed + " is affected by " + f.ID
	if f.Summary != "" {
		msg += ": " + f.Summary
	}
	fix := ""
	if f.Fixed != "" {
		fix = "upgrade " + f.Package.Name + " to " + f.Fixed + " or later"
		msg += " (fixed in " + f.Fixed + ")"
	}
	rf := report.Finding{ID: f.ID, Aliases: f.Aliases, Severity: f.Severity, Title: title, Message: msg, Fix: fix}
	for _, w := range f.Locations {
		rf.Evidence = append(rf.Evidence, report.Evidence{Path: w.Path, Layer: w.Layer, LayerDigest: w.LayerDigest, CreatedBy: w.Instruction, Origin: w.Origin})
	}
	return rf
}

// summarize recomputes the summary.
func (r *Result) summarize(scanned int) {
	s := Summary{Findings: len(r.Findings), Scanned: scanned, BySeverity: map[string]int{}, BySeveritySource: map[string]int{}, Suppressed: len(r.Suppressed)}
	pkgs := map[string]bool{}
	for i := range r.Findings {
		f := &r.Findings[i]
		s.BySeverity[f.Severity.String()]++
		src := f.SeveritySource
		if src == "" {
			src = "unknown"
		} else if strings.HasPrefix(src, "cna:") {
			src = "cna"
		}
		s.BySeveritySource[src]++
		if f.KEV != nil {
			s.KEV++
		}
		pkgs[f.Package.Type+"\x00"+f.Package.Name+"\x00"+f.Package.Version] = true
		switch f.Origin() {
		case "base":
			s.Base++
		case "own":
			s.Own++
		default:
			s.UnknownOrigin++
		}
		if f.Fixed != "" {
			s.Fixable++
		}
	}
	s.Packages = len(pkgs)
	r.Summary = s
}
