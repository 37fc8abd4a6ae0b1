package dockerfile

import (
	"fmt"
	"strings"

	"github.com/harden-dev/harden/report"
)

// Level is a lint rule's severity on hadolint's four-step scale. Lint keeps
// its own scale because users know it from hadolint, and maps it to
// report.Severity for the renderers every command shares (see Severity).
type Level int

// The levels, lowest first, so thresholds compare with >=. Off means the rule
// does not report (hadolint's "ignore"); it is below every other level.
const (
	Off Level = iota
	Style
	Info
	Warning
	Error
)

var levelNames = [...]string{"off", "style", "info", "warning", "error"}

// Levels lists the reporting levels from Error down to Style.
func Levels() []Level { return []Level{Error, Warning, Info, Style} }

// String returns the lowercase name used in every output format.
func (l Level) String() string {
	if l < Off || l > Error {
		return fmt.Sprintf("level(%d)", int(l))
	}
	return levelNames[l]
}

// ParseLevel reads a level name case-insensitively. It accepts hadolint's
// words (error, warning, info, style, ignore, none) and harden's severity
// words (critical and high mean error, medium warning, low info).
func ParseLevel(s string) (Level, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "error", "critical", "high":
		return Error, nil
	case "warning", "warn", "medium":
		return Warning, nil
	case "info", "low":
		return Info, nil
	case "style":
		return Style, nil
	case "off", "ignore", "none":
		return Off, nil
	}
	return Off, fmt.Errorf("unknown level %q (want error, warning, info, style or ignore)", s)
}

// MarshalText writes the lowercase name.
func (l Level) MarshalText() ([]byte, error) { return []byte(l.String()), nil }

// UnmarshalText reads a name ParseLevel accepts.
func (l *Level) UnmarshalText(b []byte) error {
	v, err := ParseLevel(string(b))
	if err != nil {
		return err
	}
	*l = v
	return nil
}

// Severity maps a level to the severity every harden report uses:
// error is high, warning medium, info low and style info. Off maps to Unknown.
func (l Level) Severity() report.Severity {
	switch l {
	case Error:
		return report.High
	case Warning:
		return report.Medium
	case Info:
		return report.Low
	case Style:
		return report.Info
	}
	return report.Unknown
}

// LevelOf is the inverse of Level.Severity: high and critical are error,
// medium warning, low info, info style, and unknown off.
func LevelOf(s report.Severity) Level {
	switch {
	case s >= report.High:
		return Error
	case s == report.Medium:
		return Warning
	case s == report.Low:
		return Info
	case s == report.Info:
		return Style
	}
	return Off
}
