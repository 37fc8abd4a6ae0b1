package vuln

import (
	"cmp"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/harden-dev/harden/policy"
	"github.com/harden-dev/harden/report"
	"github.com/openvex/go-vex/pkg/vex"
)

// Gate is scan's --fail-on verdict: failOn is a severity (below
// report.Unknown: none), onKEV fails on a known exploited finding, and an
// incomplete result fails a severity gate unless allowIncomplete. It returns
// "" when the result passes, else why it fails.
func (r *Result) Gate(failOn report.Severity, onKEV, allowIncomplete bool) string {
	if onKEV && r.Summary.KEV > 0 {
		return fmt.Sprintf("scan: %d findings, %d known exploited (CISA KEV)", len(r.Findings), r.Summary.KEV)
	}
	if failOn >= report.Unknown {
		for i := range r.Findings {
			if r.Findings[i].Severity >= failOn {
				return fmt.Sprintf("scan: %d findings, at least one %s or worse", len(r.Findings), failOn)
			}
		}
		if r.Incomplete() && !allowIncomplete {
			return fmt.Sprintf("scan: the result is incomplete (%d packages could not be matched); --allow-incomplete accepts it", len(r.Unmatched))
		}
	}
	return ""
}

// Settings are scan's own settings beside the policy file (its flags):
// FailOn is a severity or "kev"; MaxAge, when MaxAgeSet, replaces the
// file's maxDBAge.
type Settings struct {
	FailOn             string
	OnlyFixed, OSOwned bool
	VEX                []string
	MaxAge             string
	MaxAgeSet          bool
}

// Gates are what fails a scan: findings at FailOn or worse (below
// report.Unknown: none), a known exploited finding (KEV), and, with
// EnforceAge, data older than the maximum age.
type Gates struct {
	FailOn     report.Severity
	KEV        bool
	EnforceAge bool
}

// FromPolicy is the Match options and the gates of a policy file and
// scan's settings.
func FromPolicy(cfg *policy.Config, s Settings) ([]Option, Gates, error) {
	g := Gates{FailOn: -1}
	if f := cmp.Or(s.FailOn, cfg.FailOn); strings.EqualFold(f, "kev") {
		g.KEV = true
	} else if f != "" {
		var err error
		if g.FailOn, err = report.ParseSeverity(f); err != nil {
			return nil, g, fmt.Errorf("--fail-on: %w (or kev)", err)
		}
	}
	opts, err := PolicyOptions(cfg, s.OnlyFixed, s.OSOwned, s.VEX)
	if err != nil {
		return nil, g, err
	}
	maxAge, enforce := cfg.Scan.MaxAge(), cfg.Scan.MaxDBAge != ""
	if s.MaxAgeSet {
		if maxAge, err = policy.ParseAge(s.MaxAge); err != nil {
			return nil, g, fmt.Errorf("--max-db-age: %w", err)
		}
		enforce = true
	}
	g.EnforceAge = enforce
	return append(opts, WithMaxAge(maxAge)), g, nil
}

// PolicyOptions are the Match options of a policy file: its ignore entries
// as a suppressor, only-fixed, and its VEX documents plus vexFiles.
func PolicyOptions(cfg *policy.Config, onlyFixed, osOwned bool, vexFiles []string) ([]Option, error) {
	opts := []Option{WithSuppressor(func(fd report.Finding, now time.Time) (string, bool) {
		ig, ok := cfg.Suppressed(fd, now)
		if !ok {
			return "", false
		}
		reason := "ignored by " + policy.FileName + " (" + ig.ID + ")"
		if ig.Reason != "" {
			reason += ": " + ig.Reason
		}
		return reason, true
	})}
	if osOwned {
		opts = append(opts, WithOSOwned())
	}
	if onlyFixed || cfg.Scan.OnlyFixed {
		opts = append(opts, WithOnlyFixed())
	}
	var docs []*vex.VEX
	for _, p := range append(append([]string(nil), cfg.Scan.VEX...), vexFiles...) {
		file, err := os.Open(p)
		if err != nil {
			return nil, fmt.Errorf("--vex: %w", err)
		}
		doc, err := ReadVEX(file)
		file.Close()
		if err != nil {
			return nil, fmt.Errorf("--vex %s: %w", p, err)
		}
		docs = append(docs, doc)
	}
	if len(docs) > 0 {
		opts = append(opts, WithVEX(docs...))
	}
	return opts, nil
}
