package report

import (
	"fmt"
	"strings"
	"time"
)

// Truncate collapses white space and cuts s to n runes, ending in … when cut.
func Truncate(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len([]rune(s)) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}

// Age prints a duration in days or hours (minutes under an hour).
func Age(d time.Duration) string {
	switch {
	case d >= 48*time.Hour:
		return fmt.Sprintf("%d days", int(d.Hours()/24))
	case d >= time.Hour:
		return fmt.Sprintf("%d hours", int(d.Hours()))
	case d < 0:
		return "0 minutes"
	}
	return fmt.Sprintf("%d minutes", int(d.Minutes()))
}

// Or is s, or def when s is empty.
func Or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
