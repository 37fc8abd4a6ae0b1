package report

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
)

// gitlabSeverity maps a severity to GitLab Code Quality's scale.
func gitlabSeverity(s Severity) string {
	switch s {
	case Critical:
		return "blocker"
	case High:
		return "critical"
	case Medium:
		return "major"
	case Low:
		return "minor"
	default:
		return "info"
	}
}

type gitlabIssue struct {
	Description string         `json:"description"`
	CheckName   string         `json:"check_name"`
	Fingerprint string         `json:"fingerprint"`
	Severity    string         `json:"severity"`
	Location    gitlabLocation `json:"location"`
}

type gitlabLocation struct {
	Path  string      `json:"path"`
	Lines gitlabLines `json:"lines"`
}

type gitlabLines struct {
	Begin int `json:"begin"`
	End   int `json:"end,omitempty"`
}

// WriteGitLab writes findings as a GitLab Code Quality report (a JSON
// array), which merge requests show inline. The fingerprint is a hash of
// the rule, path, line and message, stable across runs. Findings without a
// path are reported against target.
func WriteGitLab(w io.Writer, target string, findings []Finding) error {
	issues := make([]gitlabIssue, 0, len(findings))
	for _, f := range findings {
		ev, path, msg := located(f, target)
		line := max(ev.Line, 1)
		sum := sha256.Sum256([]byte(fmt.Sprintf("%s\x00%s\x00%d\x00%s", f.ID, path, line, msg)))
		issue := gitlabIssue{
			Description: fmt.Sprintf("%s: %s", f.ID, msg),
			CheckName:   f.ID,
			Fingerprint: hex.EncodeToString(sum[:16]),
			Severity:    gitlabSeverity(f.Severity),
			Location:    gitlabLocation{Path: path, Lines: gitlabLines{Begin: line}},
		}
		if ev.EndLine > line {
			issue.Location.Lines.End = ev.EndLine
		}
		issues = append(issues, issue)
	}
	return WriteJSON(w, issues)
}
