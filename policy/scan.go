package policy

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// DefaultMaxDBAge is how old the vulnerability data may be before `harden
// scan` warns: a week, since osv.dev exports change every day.
const DefaultMaxDBAge = 7 * 24 * time.Hour

// MaxAge returns scan.maxDBAge, or DefaultMaxDBAge when it is not set. Load
// has checked the value parses.
func (s Scan) MaxAge() time.Duration {
	if s.MaxDBAge == "" {
		return DefaultMaxDBAge
	}
	d, err := ParseAge(s.MaxDBAge)
	if err != nil {
		return DefaultMaxDBAge
	}
	return d
}

// ParseAge reads an age: a Go duration ("36h", "90m") or a whole number of
// days or weeks ("5d", "2w"), as Grype's and Trivy's options take them.
func ParseAge(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	for suffix, unit := range map[string]time.Duration{"d": 24 * time.Hour, "w": 7 * 24 * time.Hour} {
		if n, ok := strings.CutSuffix(s, suffix); ok {
			v, err := strconv.Atoi(n)
			if err != nil || v < 0 {
				return 0, fmt.Errorf("age %q: want a whole number of days (5d), weeks (2w) or a duration (36h)", s)
			}
			return time.Duration(v) * unit, nil
		}
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("age %q: want a whole number of days (5d), weeks (2w) or a duration (36h)", s)
	}
	return d, nil
}
