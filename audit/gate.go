package audit

import (
	"fmt"
	"strings"
	"time"

	"github.com/harden-dev/harden/policy"
	"github.com/harden-dev/harden/report"
)

// PolicyOptions are the audit options of a policy file plus the flags'
// accepted files and keys and ELF hardening demand.
func PolicyOptions(cfg *policy.Config, acceptFiles, acceptKeys []string, requireELF bool) []Option {
	return []Option{
		WithAcceptFiles(append(cfg.Audit.AcceptFiles, acceptFiles...)...),
		WithAcceptKeys(append(cfg.Audit.AcceptKeys, acceptKeys...)...),
		WithRequireELFHardening(requireELF || cfg.Audit.RequireELFHardening),
		WithIgnore(func(fd report.Finding) bool { _, ok := cfg.Suppressed(fd, time.Now()); return ok }),
	}
}

// Gate is the verdict of a severity threshold (report.Unknown or below:
// none) and a minimum score (0: none): "" when the result passes, else why
// it fails. An incomplete result fails either gate unless allowIncomplete.
func (r *Result) Gate(threshold report.Severity, minScore int, allowIncomplete bool) string {
	if threshold > report.Unknown && report.AtLeast(r.Findings, threshold) {
		n := 0
		for _, fd := range r.Findings {
			if fd.Severity >= threshold {
				n++
			}
		}
		return fmt.Sprintf("audit: %d findings at or above %s", n, threshold)
	}
	if minScore > 0 && r.Summary.Score < minScore {
		return fmt.Sprintf("audit: score %d is below the minimum %d", r.Summary.Score, minScore)
	}
	if (threshold > report.Unknown || minScore > 0) && len(r.Summary.Incomplete) > 0 && !allowIncomplete {
		return fmt.Sprintf("audit: the result is incomplete (%s did not run); --allow-incomplete accepts it", strings.Join(r.Summary.Incomplete, ", "))
	}
	return ""
}
