package audit

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/harden-dev/harden/report"
)

// Output is the stable JSON shape of `harden audit`: the result and the
// image it is of.
type Output struct {
	Image string `json:"image"`
	*Result
}

// WriteSARIF writes the findings as SARIF 2.1.0 with the score, grade and
// incomplete checks as run properties; version is harden's.
func WriteSARIF(w io.Writer, ref string, res *Result, version string) error {
	return report.WriteSARIF(w, report.SARIFTool{Name: "harden", Version: version,
		InformationURI: "https://github.com/harden-dev/harden"}, ref, ReportRules(), res.Findings,
		report.WithRunProperties(runProperties(res.Summary)))
}

// runProperties are the SARIF run's score, grade and, when some checks did
// not run, their IDs under "incomplete".
func runProperties(s Summary) map[string]any {
	p := map[string]any{"score": s.Score, "grade": s.Grade}
	if len(s.Incomplete) > 0 {
		p["incomplete"] = s.Incomplete
	}
	return p
}

// summaryTable is the summary block every format but JSON and SARIF prints.
func summaryTable(s Summary) *report.Table {
	t := report.NewTable("PROPERTY", "VALUE")
	t.Add("Score", s.ScoreText())
	for _, r := range s.Rows {
		t.Add(r.Property, r.Value)
	}
	user := s.User
	if user == "" {
		user = "(none: root)"
	}
	if s.RunsAsRoot {
		user += ", runs as root"
	}
	t.Add("User", user)
	pk := fmt.Sprintf("%d", s.Packages.Total)
	if s.Packages.Total > 0 {
		pk += fmt.Sprintf(" (dpkg %d, apk %d)", s.Packages.Dpkg, s.Packages.Apk)
	}
	t.Add("Packages", pk)
	t.Add("Files", fmt.Sprintf("%d (%d executable), %d layers", s.Files, s.Executables, s.Layers))
	t.Add("Setuid/setgid files", s.SetuidFiles)
	t.Add("Secrets", s.Secrets)
	return t
}

func countLine(s Summary) string {
	var parts []string
	for _, sev := range report.Severities() {
		if n := s.Findings[sev.String()]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, sev))
		}
	}
	if len(parts) == 0 {
		return "no findings"
	}
	return strings.Join(parts, ", ")
}

// WriteTable prints the summary and the findings; all lists info findings
// and every piece of evidence too.
func WriteTable(w io.Writer, ref string, res *Result, all bool) error {
	fmt.Fprintf(w, "%s\n\n", ref)
	if err := summaryTable(res.Summary).WriteText(w); err != nil {
		return err
	}
	fmt.Fprintf(w, "\nFindings: %s\n", countLine(res.Summary))
	if len(res.Findings) == 0 {
		return nil
	}
	fmt.Fprintln(w)
	t := report.NewTable("SEVERITY", "ID", "FINDING", "LAYER")
	hidden := map[string]int{}
	for _, fd := range res.Findings {
		if fd.Severity <= report.Info && !all {
			hidden[fd.ID]++
			continue
		}
		evs := fd.Evidence
		if len(evs) == 0 {
			evs = []report.Evidence{{}}
		}
		t.Add(fd.Severity, fd.ID, report.Truncate(fd.Message, 100), report.LayerText(evs[0], 60))
		if all {
			for _, ev := range evs[1:] {
				loc := report.Location(ev)
				if ev.Value != "" {
					loc += " " + ev.Value
				}
				t.Add("", "", "  "+report.Truncate(loc, 98), report.LayerText(ev, 60))
			}
		}
	}
	if err := t.WriteText(w); err != nil {
		return err
	}
	if len(hidden) > 0 {
		ids := make([]string, 0, len(hidden))
		for id := range hidden {
			ids = append(ids, fmt.Sprintf("%s %d", id, hidden[id]))
		}
		sort.Strings(ids)
		fmt.Fprintf(w, "\nInfo findings not listed (--all lists them): %s\n", strings.Join(ids, ", "))
	}
	if len(res.Suppressed) > 0 {
		fmt.Fprintf(w, "Suppressed by policy: %d\n", len(res.Suppressed))
	}
	return nil
}

// WriteMarkdown writes the result as a pull-request comment.
func WriteMarkdown(w io.Writer, ref string, res *Result) error {
	fmt.Fprintf(w, "## harden audit: `%s`\n\n", strings.ReplaceAll(ref, "`", "'"))
	grade := fmt.Sprintf("Score %d/100, grade %s", res.Summary.Score, res.Summary.Grade)
	if inc := res.Summary.IncompleteText(); inc != "" {
		grade += ", " + inc
	}
	fmt.Fprintf(w, "**%s** — %s\n\n", grade, countLine(res.Summary))
	if err := summaryTable(res.Summary).WriteMarkdown(w); err != nil {
		return err
	}
	fmt.Fprintf(w, "\n### Findings\n\n")
	if err := report.WriteMarkdownFindings(w, res.Findings); err != nil {
		return err
	}
	if len(res.Suppressed) > 0 {
		fmt.Fprintf(w, "\n%d findings suppressed by policy.\n", len(res.Suppressed))
	}
	return nil
}

// Write writes the output in a --format: json, sarif (version is
// harden's), markdown, else a table (all lists info findings and every
// piece of evidence).
func (o *Output) Write(w io.Writer, format, version string, all bool) error {
	switch format {
	case "json":
		return report.WriteJSON(w, o)
	case "sarif":
		return WriteSARIF(w, o.Image, o.Result, version)
	case "markdown":
		return WriteMarkdown(w, o.Image, o.Result)
	}
	return WriteTable(w, o.Image, o.Result, all)
}
