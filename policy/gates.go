package policy

import (
	"fmt"
	"strings"

	"github.com/harden-dev/harden/report"
)

// AuditGates are audit's pass marks beside the policy file: suppressed
// IDs, the severity that fails (FailOn, when FailOnSet, replaces the
// file's failOn) and the minimum score.
type AuditGates struct {
	Ignore    []string
	FailOn    string
	FailOnSet bool
	MinScore  int
}

// LoadAudit reads the policy file name (""  : ./.harden.yaml when it exists),
// checks its audit section, adds the gates' ignores, and works out the
// failing severity (report.Unknown: none).
func LoadAudit(name string, g AuditGates) (*Config, report.Severity, error) {
	optional := name == ""
	if optional {
		name = FileName
	}
	cfg, err := LoadFile(name, optional)
	if err != nil {
		return nil, 0, err
	}
	if err := cfg.Audit.Validate(); err != nil {
		return nil, 0, fmt.Errorf("%s: %w", name, err)
	}
	for _, id := range g.Ignore {
		if strings.TrimSpace(id) == "" {
			return nil, 0, fmt.Errorf("--ignore needs an ID")
		}
		cfg.Ignore = append(cfg.Ignore, Ignore{ID: id, Reason: "--ignore"})
	}
	if g.MinScore < 0 || g.MinScore > 100 {
		return nil, 0, fmt.Errorf("--min-score %d is not between 0 and 100", g.MinScore)
	}
	failOn := cfg.FailOn
	if g.FailOnSet {
		failOn = g.FailOn
	}
	var threshold report.Severity
	if failOn != "" && failOn != "none" {
		if threshold, err = report.ParseSeverity(failOn); err != nil || threshold == report.Unknown {
			return nil, 0, fmt.Errorf("--fail-on: unknown severity %q (want low, medium, high or critical)", failOn)
		}
	}
	return cfg, threshold, nil
}
