package report

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Severity orders findings from Info (nothing to fix) to Critical. The zero
// value is Unknown: a vulnerability record without a score, for example.
type Severity int

// The severities, lowest first, so thresholds compare with >=.
const (
	Unknown Severity = iota
	Info
	Low
	Medium
	High
	Critical
)

var severityNames = [...]string{"unknown", "info", "low", "medium", "high", "critical"}

// Severities lists every severity from Critical down to Unknown, the order
// tables and summaries print them in.
func Severities() []Severity {
	return []Severity{Critical, High, Medium, Low, Info, Unknown}
}

// String returns the lowercase name used in every output format.
func (s Severity) String() string {
	if s < Unknown || s > Critical {
		return fmt.Sprintf("severity(%d)", int(s))
	}
	return severityNames[s]
}

// ParseSeverity reads a severity name, case-insensitively. It also accepts
// the words other tools use: hadolint's error/warning/style, SARIF's
// note/none and "negligible" from Debian and Grype.
func ParseSeverity(s string) (Severity, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "unknown", "":
		return Unknown, nil
	case "info", "informational", "note", "none", "style", "negligible", "unimportant":
		return Info, nil
	case "low":
		return Low, nil
	case "medium", "moderate", "warning", "warn":
		return Medium, nil
	case "high", "error", "important":
		return High, nil
	case "critical":
		return Critical, nil
	}
	return Unknown, fmt.Errorf("unknown severity %q (want info, low, medium, high or critical)", s)
}

// MarshalText writes the lowercase name.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText reads a name ParseSeverity accepts.
func (s *Severity) UnmarshalText(b []byte) error {
	v, err := ParseSeverity(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

var _ json.Marshaler = Severity(0)

// MarshalJSON writes the severity as a JSON string.
func (s Severity) MarshalJSON() ([]byte, error) { return json.Marshal(s.String()) }

// SARIFLevel maps a severity to the SARIF result level GitHub code scanning
// shows: error for high and critical, warning for medium, note below.
func (s Severity) SARIFLevel() string {
	switch {
	case s >= High:
		return "error"
	case s == Medium:
		return "warning"
	default:
		return "note"
	}
}
