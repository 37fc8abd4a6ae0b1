package policy

import (
	"fmt"
	"path"
	"strings"
)

// Validate checks the audit section: accept patterns must be valid globs
// and minScore within 0–100.
func (a Audit) Validate() error {
	for _, g := range a.AcceptFiles {
		if g == "" {
			return fmt.Errorf("audit.acceptFiles: empty pattern")
		}
		if _, err := path.Match(strings.TrimSuffix(g, "/**"), "x"); err != nil {
			return fmt.Errorf("audit.acceptFiles: bad pattern %q", g)
		}
	}
	for _, g := range a.AcceptKeys {
		if g == "" {
			return fmt.Errorf("audit.acceptKeys: empty pattern")
		}
		if _, err := path.Match(g, "x"); err != nil {
			return fmt.Errorf("audit.acceptKeys: bad pattern %q", g)
		}
	}
	if a.MinScore < 0 || a.MinScore > 100 {
		return fmt.Errorf("audit.minScore: %d is not between 0 and 100", a.MinScore)
	}
	return nil
}
