package report

import (
	"fmt"
	"io"
	"strings"
)

// Location formats where a piece of evidence points: "path:line", the
// config key, or both.
func Location(ev Evidence) string {
	loc := ev.Path
	if ev.Line > 0 && loc != "" {
		loc = fmt.Sprintf("%s:%d", loc, ev.Line)
	}
	if ev.ConfigKey != "" && !strings.HasPrefix(ev.ConfigKey, "history[") {
		if loc != "" {
			loc += " "
		}
		loc += ev.ConfigKey
	}
	return loc
}

// LayerText formats the layer of a piece of evidence: "3 own: RUN npm
// install", cut to width runes (0: no limit); "" when no layer is known.
func LayerText(ev Evidence, width int) string {
	if ev.Layer == nil {
		return ""
	}
	s := fmt.Sprint(*ev.Layer)
	if ev.Origin != "" {
		s += " " + ev.Origin
	}
	if ev.CreatedBy != "" {
		s += ": " + strings.Join(strings.Fields(ev.CreatedBy), " ")
	}
	if r := []rune(s); width > 0 && len(r) > width {
		s = string(r[:width-1]) + "…"
	}
	return s
}

// WriteMarkdownFindings writes findings as a GitHub-flavoured Markdown
// table (severity, ID with aliases, message, location, layer), one row per
// finding at its first evidence, ready for a pull-request comment. Values
// are printed as the findings hold them: checks redact secrets first.
func WriteMarkdownFindings(w io.Writer, findings []Finding) error {
	if len(findings) == 0 {
		_, err := io.WriteString(w, "No findings.\n")
		return err
	}
	t := NewTable("Severity", "ID", "Finding", "Location", "Layer")
	for _, f := range findings {
		id := "`" + f.ID + "`"
		if len(f.Aliases) > 0 {
			id += " (" + strings.Join(f.Aliases, ", ") + ")"
		}
		msg := f.Message
		if msg == "" {
			msg = f.Title
		}
		var ev Evidence
		if len(f.Evidence) > 0 {
			ev = f.Evidence[0]
		}
		loc := Location(ev)
		if loc != "" {
			loc = "`" + strings.ReplaceAll(loc, "`", "'") + "`"
		}
		if n := len(f.Evidence); n > 1 {
			loc += fmt.Sprintf(" (+%d)", n-1)
		}
		t.Add(f.Severity.String(), id, msg, loc, LayerText(ev, 80))
	}
	return t.WriteMarkdown(w)
}
