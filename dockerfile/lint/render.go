package lint

import (
	"fmt"
	"io"
	"strings"

	"github.com/harden-dev/harden/dockerfile"
	"github.com/harden-dev/harden/dockerfile/rules"
	"github.com/harden-dev/harden/report"
)

// Formats lists the output formats Write knows.
func Formats() []string { return []string{"table", "json", "sarif", "checkstyle", "gitlab"} }

// RulesURI is where each rule's documentation lives; the rule ID in lower
// case is the anchor.
const RulesURI = "https://github.com/harden-dev/harden/blob/main/docs/lint-rules.md"

// Write renders results in one of Formats. version goes into SARIF's tool.
func Write(w io.Writer, format string, results []*Result, rs []rules.Rule, version string) error {
	var all []Finding
	for _, r := range results {
		all = append(all, r.Findings...)
	}
	switch format {
	case "table":
		return writeTable(w, results)
	case "json":
		if all == nil {
			all = []Finding{}
		}
		return report.WriteJSON(w, all)
	case "sarif":
		return report.WriteSARIF(w, report.SARIFTool{Name: "harden lint", Version: version, InformationURI: "https://github.com/harden-dev/harden"},
			target(results), SARIFRules(rs), toReport(all))
	case "checkstyle":
		return report.WriteCheckstyle(w, target(results), toReport(all))
	case "gitlab":
		return report.WriteGitLab(w, target(results), toReport(all))
	}
	return fmt.Errorf("unknown format %q (want %s)", format, strings.Join(Formats(), ", "))
}

func target(results []*Result) string {
	if len(results) == 1 {
		return results[0].File
	}
	return "Dockerfile"
}

func toReport(fs []Finding) []report.Finding {
	out := make([]report.Finding, len(fs))
	for i, f := range fs {
		out[i] = f.ToReport()
	}
	return out
}

// SARIFRules turns rule metadata into SARIF rule descriptions, with the
// parse-error pseudo-rule first.
func SARIFRules(rs []rules.Rule) []report.Rule {
	if rs == nil {
		rs = rules.All()
	}
	out := []report.Rule{{ID: ParseErrorID, Title: "Dockerfile does not parse", Help: "The file is not a Dockerfile BuildKit accepts; no other rule ran on it.", Severity: report.High}}
	for _, r := range rs {
		m := r.Meta()
		rr := m.Rule
		rr.HelpURI = RulesURI + "#" + strings.ToLower(m.ID)
		rr.Severity = max(m.Level(), dockerfile.Style).Severity()
		out = append(out, rr)
	}
	return out
}

// writeTable prints each finding as file:line:col, level, rule and
// message, followed by the offending line, then a summary.
func writeTable(w io.Writer, results []*Result) error {
	var b strings.Builder
	counts := map[dockerfile.Level]int{}
	total, files := 0, 0
	for _, r := range results {
		if len(r.Findings) > 0 {
			files++
		}
		t := report.NewTable()
		for _, f := range r.Findings {
			t.Add(fmt.Sprintf("%s:%d:%d", f.File, f.Line, f.Column), f.Level, f.Rule, f.Message)
			counts[f.Level]++
			total++
		}
		var tb strings.Builder
		_ = t.WriteText(&tb)
		rows := strings.Split(strings.TrimSuffix(tb.String(), "\n"), "\n")
		for i, f := range r.Findings {
			b.WriteString(rows[i] + "\n")
			if code := strings.TrimRight(f.Code, " \t"); code != "" {
				fmt.Fprintf(&b, "    %d | %s\n", f.Line, code)
			}
		}
	}
	if total == 0 {
		fmt.Fprintf(&b, "no findings in %d %s\n", len(results), plural(len(results), "file"))
	} else {
		var parts []string
		for _, l := range dockerfile.Levels() {
			if counts[l] > 0 {
				parts = append(parts, fmt.Sprintf("%d %s", counts[l], l))
			}
		}
		fmt.Fprintf(&b, "%d %s (%s) in %d of %d %s\n", total, plural(total, "finding"), strings.Join(parts, ", "), files, len(results), plural(len(results), "file"))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func plural(n int, s string) string {
	if n == 1 {
		return s
	}
	return s + "s"
}

// WriteRules prints the rule list for --list-rules: a table (or Markdown
// with markdown true) of ID, level, aliases and title.
func WriteRules(w io.Writer, rs []rules.Rule, markdown bool) error {
	t := report.NewTable("ID", "LEVEL", "ALIASES", "FIX", "TITLE")
	for _, r := range rs {
		m := r.Meta()
		fix := ""
		if m.Fixable {
			fix = "yes"
		}
		t.Add(m.ID, m.Level(), strings.Join(m.Aliases, ","), fix, m.Title)
	}
	if markdown {
		return t.WriteMarkdown(w)
	}
	return t.WriteText(w)
}
