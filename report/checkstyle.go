package report

import (
	"encoding/xml"
	"fmt"
	"io"
)

// checkstyleLevel maps a severity to Checkstyle's error, warning and info.
func checkstyleLevel(s Severity) string {
	switch {
	case s >= High:
		return "error"
	case s == Medium:
		return "warning"
	default:
		return "info"
	}
}

type checkstyleError struct {
	Line     int    `xml:"line,attr"`
	Column   int    `xml:"column,attr,omitempty"`
	Severity string `xml:"severity,attr"`
	Message  string `xml:"message,attr"`
	Source   string `xml:"source,attr"`
}

type checkstyleFile struct {
	Name   string            `xml:"name,attr"`
	Errors []checkstyleError `xml:"error"`
}

type checkstyleDoc struct {
	XMLName xml.Name         `xml:"checkstyle"`
	Version string           `xml:"version,attr"`
	Files   []checkstyleFile `xml:"file"`
}

// WriteCheckstyle writes findings as a Checkstyle XML report, the format
// Jenkins, reviewdog and many CI systems read. Each finding is reported at
// its first evidence; findings without a path go under target. Files
// appear in the order of their first finding.
func WriteCheckstyle(w io.Writer, target string, findings []Finding) error {
	doc := checkstyleDoc{Version: "4.3"}
	index := map[string]int{}
	for _, f := range findings {
		ev, name, msg := located(f, target)
		i, ok := index[name]
		if !ok {
			i = len(doc.Files)
			index[name] = i
			doc.Files = append(doc.Files, checkstyleFile{Name: name})
		}
		doc.Files[i].Errors = append(doc.Files[i].Errors, checkstyleError{
			Line: ev.Line, Column: ev.Column, Severity: checkstyleLevel(f.Severity), Message: msg, Source: f.ID,
		})
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("writing checkstyle: %w", err)
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// located returns a finding's first evidence, its path (target when it has
// none) and its message (the title when it has none), for the formats that
// report one place per finding.
func located(f Finding, target string) (Evidence, string, string) {
	ev := Evidence{}
	if len(f.Evidence) > 0 {
		ev = f.Evidence[0]
	}
	path := ev.Path
	if path == "" {
		path = target
	}
	msg := f.Message
	if msg == "" {
		msg = f.Title
	}
	return ev, path, msg
}
