package policy

import "time"

// DefaultMaxDBAge is how old the vulnerability data may be before `harden
// scan` warns: a week, since osv.dev exports change every day.
const DefaultMaxDBAge = 7 * 24 * time.Hour

// MaxAge returns scan.maxDBAge, or DefaultMaxDBAge when it is not set. Load
// has checked the value parses.
func (s Scan) MaxAge() time.Duration {
	if s.MaxDBAge == "" {
		return DefaultMaxDBAge
	}
	d, err := time.ParseDuration(s.MaxDBAge)
	if err != nil || d < 0 {
		return DefaultMaxDBAge
	}
	return d
}
