package vuln

import (
	"fmt"
	"os"
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
