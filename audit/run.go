package audit

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/harden-dev/harden/facts"
	"github.com/harden-dev/harden/fsindex"
	"github.com/harden-dev/harden/report"
)

// Check statuses.
const (
	StatusPass    = "pass"    // ran, found nothing
	StatusFail    = "fail"    // ran, found something
	StatusSkipped = "skipped" // nothing to check (no /etc/shadow, no reference)
	StatusError   = "error"   // the check failed; the audit went on
)

// CheckStatus says how one check went.
type CheckStatus struct {
	ID         string `json:"id"`
	Status     string `json:"status"`
	Findings   int    `json:"findings"`
	Suppressed int    `json:"suppressed,omitempty"`
	Message    string `json:"message,omitempty"`
}

// Result is the outcome of an audit.
type Result struct {
	// Summary is self-contained: compare prints it for several images.
	Summary Summary `json:"summary"`
	// Findings are sorted by severity (highest first), then ID and path.
	Findings []report.Finding `json:"findings"`
	// Suppressed lists the findings WithIgnore dropped.
	Suppressed []report.Finding `json:"suppressed,omitempty"`
	// Checks lists every check run and its status.
	Checks []CheckStatus `json:"checks"`
}

// Wants returns what the checks need the walker to keep: the account
// files and package databases (parsed facts), the first line of scripts,
// and each check's own wants (ELF summaries and secret matches, parsed at
// walk time so no file body is kept). Build the index with these, then
// call Run.
func Wants(opts ...Option) []fsindex.Want {
	o, err := makeOptions(opts...)
	if err != nil {
		o, _ = makeOptions()
	}
	lists := [][]fsindex.Want{accountWants(), pkgdbWants(), {facts.Shebang.Want()}}
	for _, c := range o.checks {
		lists = append(lists, c.Wants())
	}
	return fsindex.Merge(lists...)
}

// Run runs every check (All, or WithChecks) on an index built with the
// wants from Wants and the same options. A check that fails becomes a
// status; Run itself fails only on bad options or a cancelled context.
func Run(ctx context.Context, x *fsindex.Index, opts ...Option) (*Result, error) {
	o, err := makeOptions(opts...)
	if err != nil {
		return nil, err
	}
	in := newInput(x, o)
	res := &Result{Findings: []report.Finding{}, Checks: []CheckStatus{}}
	rules := map[string]Rule{}
	for _, c := range o.checks {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		rules[c.ID()] = c.Rule()
		fs, err := runCheck(ctx, c, in)
		st := CheckStatus{ID: c.ID(), Status: StatusPass}
		switch {
		case errors.Is(err, ErrSkipped):
			st.Status, st.Message = StatusSkipped, strings.TrimPrefix(strings.TrimPrefix(err.Error(), ErrSkipped.Error()), ": ")
		case err != nil:
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			st.Status, st.Message = StatusError, err.Error()
		}
		for _, f := range fs {
			f = scrub(in, f)
			if o.ignore != nil && o.ignore(f) {
				res.Suppressed = append(res.Suppressed, f)
				st.Suppressed++
				continue
			}
			res.Findings = append(res.Findings, f)
			st.Findings++
		}
		if st.Findings > 0 && st.Status == StatusPass {
			st.Status = StatusFail
		}
		res.Checks = append(res.Checks, st)
	}
	sortFindings(res.Findings)
	sortFindings(res.Suppressed)
	res.Summary = summarize(in, res.Findings, rules)
	for _, c := range res.Checks {
		if c.Status == StatusError {
			res.Summary.Incomplete = append(res.Summary.Incomplete, c.ID)
		}
	}
	return res, nil
}

// runCheck runs one check and turns a panic into an error: a check bug
// must not crash the audit of a hostile image.
func runCheck(ctx context.Context, c Check, in *Input) (fs []report.Finding, err error) {
	defer func() {
		if r := recover(); r != nil {
			fs, err = nil, fmt.Errorf("check %s panicked: %v", c.ID(), r)
		}
	}()
	return c.Run(ctx, in)
}

// scrub redacts, in every text field of a finding, the secrets the
// history and config hold (defence in depth: evidence is built from the
// redacted history already).
func scrub(in *Input, f report.Finding) report.Finding {
	vals := in.configSecretValues()
	if len(vals) == 0 {
		return f
	}
	clean := func(s string) string {
		for _, v := range vals {
			if strings.Contains(s, v) {
				s = strings.ReplaceAll(s, v, "****")
			}
		}
		return s
	}
	f.Message = clean(f.Message)
	f.Title = clean(f.Title)
	f.Fix = clean(f.Fix)
	ev := make([]report.Evidence, len(f.Evidence))
	for i, e := range f.Evidence {
		e.CreatedBy, e.Value, e.Path, e.ConfigKey = clean(e.CreatedBy), clean(e.Value), clean(e.Path), clean(e.ConfigKey)
		ev[i] = e
	}
	f.Evidence = ev
	return f
}

// sortFindings orders by severity (highest first), ID, first path.
func sortFindings(fs []report.Finding) {
	first := func(f report.Finding) string {
		if len(f.Evidence) > 0 {
			return f.Evidence[0].Path + f.Evidence[0].ConfigKey
		}
		return ""
	}
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if a.Severity != b.Severity {
			return a.Severity > b.Severity
		}
		if a.ID != b.ID {
			return a.ID < b.ID
		}
		return first(a) < first(b)
	})
}

// Rules returns the metadata of every check in All, for SARIF and docs.
func Rules() []Rule {
	var out []Rule
	for _, c := range All() {
		out = append(out, c.Rule())
	}
	return out
}

// ReportRules converts Rules for report.WriteSARIF.
func ReportRules() []report.Rule {
	var out []report.Rule
	for _, r := range Rules() {
		out = append(out, r.ReportRule())
	}
	return out
}
