package vuln

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/harden-dev/harden/report"
)

// WriteTable prints the summary, then the findings in priority order.
func WriteTable(w io.Writer, res *Result) error {
	sum := res.Summary
	fmt.Fprintf(w, "%s: %d vulnerabilities in %d of %d packages", report.Or(res.Source.Name, "input"), sum.Findings, sum.Packages, sum.Scanned)
	var parts []string
	for _, s := range report.Severities() {
		if n := sum.BySeverity[s.String()]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, s))
		}
	}
	if len(parts) > 0 {
		fmt.Fprintf(w, " (%s)", strings.Join(parts, ", "))
	}
	fmt.Fprintf(w, "; %d known exploited (KEV)\n", sum.KEV)
	fmt.Fprintf(w, "by origin: %d in base-image layers, %d in your own layers, %d unknown; %d fixable", sum.Base, sum.Own, sum.UnknownOrigin, sum.Fixable)
	if sum.Suppressed > 0 {
		fmt.Fprintf(w, "; %d suppressed", sum.Suppressed)
	}
	if sum.OSOwned > 0 {
		fmt.Fprintf(w, "; %d language packages left to their OS package (--include-os-owned)", sum.OSOwned)
	}
	fmt.Fprintln(w)
	if line := unmatchedLine(res.Unmatched); line != "" {
		fmt.Fprintln(w, line)
	}
	if len(sum.BySeveritySource) > 0 {
		fmt.Fprintf(w, "severity from: %s\n", report.CountList(sum.BySeveritySource))
	}
	if len(res.Findings) > 0 {
		fmt.Fprintln(w)
		t := report.NewTable("PRIORITY", "SEVERITY", "SOURCE", "PACKAGE", "INSTALLED", "FIXED", "ID", "EXPLOITED", "LAYER", "ORIGIN", "SUMMARY").AlignRight(0, 8)
		for i := range res.Findings {
			f := &res.Findings[i]
			layer, origin := "", ""
			if len(f.Locations) > 0 {
				if l := f.Locations[0].Layer; l != nil {
					layer = fmt.Sprint(*l)
				}
				origin = f.Locations[0].Origin
			}
			name := f.Package.Name
			if f.Package.SourceName != "" {
				name += " (" + f.Package.SourceName + ")"
			}
			sev := f.Severity.String()
			if f.CVSS != nil && f.CVSS.Score > 0 {
				sev += fmt.Sprintf(" %.1f", f.CVSS.Score)
			}
			t.Add(fmt.Sprint(f.Priority), sev, f.SeveritySource, name, f.Installed, f.Fixed, f.ID, exploited(f), layer, origin, report.Truncate(f.Summary, 50))
		}
		if err := t.WriteText(w); err != nil {
			return err
		}
	}
	if len(res.Suppressed) > 0 {
		fmt.Fprintf(w, "\nSUPPRESSED (%d)\n", len(res.Suppressed))
		t := report.NewTable("PACKAGE", "ID", "BY", "REASON")
		for _, s := range res.Suppressed {
			t.Add(s.Finding.Package.Name, s.Finding.ID, s.By, report.Truncate(s.Reason, 80))
		}
		return t.WriteText(w)
	}
	return nil
}

// exploited says briefly what is known of a finding's exploitation.
func exploited(f *Finding) string {
	var parts []string
	if f.KEV != nil {
		parts = append(parts, "KEV")
	}
	if f.SSVC != nil && f.SSVC.Exploitation != "" && f.SSVC.Exploitation != "none" {
		parts = append(parts, f.SSVC.Exploitation)
	}
	if f.EPSS != nil {
		parts = append(parts, fmt.Sprintf("EPSS %.1f%%", f.EPSS.Score*100))
	}
	return strings.Join(parts, " ")
}

// SourceAges prints each data source with its date and age.
func SourceAges(us []UsedSource) string {
	parts := make([]string, 0, len(us))
	for _, u := range us {
		t := u.Newest
		if t.IsZero() {
			t = u.Imported
		}
		parts = append(parts, fmt.Sprintf("%s as of %s (%s old, %d records)", u.Name, t.Format(time.DateOnly), report.Age(time.Duration(u.Age*float64(time.Second))), u.Records))
	}
	return strings.Join(parts, "; ")
}

// unmatchedLine is the table's incomplete mark: how many packages could not
// be matched and the first few of them ("" when every package was).
func unmatchedLine(us []Unmatched) string {
	if len(us) == 0 {
		return ""
	}
	const shown = 5
	var parts []string
	for i, u := range us {
		if i == shown {
			parts = append(parts, fmt.Sprintf("and %d more (--format json lists them)", len(us)-shown))
			break
		}
		parts = append(parts, u.Package+" ("+u.Reason+")")
	}
	return fmt.Sprintf("incomplete: %d packages could not be matched: %s", len(us), strings.Join(parts, "; "))
}

// WriteSARIF writes findings as SARIF 2.1.0, one rule per vulnerability;
// version is harden's.
func WriteSARIF(w io.Writer, res *Result, version string) error {
	var rules []report.Rule
	var findings []report.Finding
	seen := map[string]bool{}
	for i := range res.Findings {
		f := &res.Findings[i]
		rf := f.Report()
		findings = append(findings, rf)
		if !seen[f.ID] {
			seen[f.ID] = true
			rules = append(rules, report.Rule{ID: f.ID, Aliases: f.Aliases, Title: rf.Title, Help: rf.Fix, HelpURI: f.URL, Severity: f.Severity})
		}
	}
	var opts []report.SARIFOption
	if res.Incomplete() {
		opts = append(opts, report.WithRunProperties(map[string]any{"incomplete": true, "unmatched": res.Unmatched}))
	}
	return report.WriteSARIF(w, report.SARIFTool{Name: "harden", Version: version, InformationURI: "https://github.com/harden-dev/harden"}, res.Source.Name, rules, findings, opts...)
}
