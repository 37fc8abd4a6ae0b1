package audit

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/harden-dev/harden/fsindex"
	"github.com/harden-dev/harden/report"
)

// Check is one attack-surface or configuration check. A check is a small
// stateless type in its own file; All lists them.
type Check interface {
	// ID is stable and kebab-case, e.g. "shell-present"; never reused.
	ID() string
	// Rule describes the check: title, default severity, aliases in other
	// tools (Dockle, CIS), fix hint and score weight.
	Rule() Rule
	// Wants lists the file contents and facts (fsindex keys) the check
	// reads from the walk beyond the shared ones (accounts, package
	// databases, shebangs); most checks need none.
	fsindex.Wanter
	// Run inspects the index and returns findings. An error makes the
	// check's status "error" without stopping the audit; an error wrapping
	// ErrSkipped makes it "skipped" (nothing to check).
	Run(ctx context.Context, in *Input) ([]report.Finding, error)
}

// ErrSkipped marks a check that had nothing to look at (no /etc/shadow, no
// image reference); wrap it with the reason.
var ErrSkipped = errors.New("skipped")

// skip returns an ErrSkipped error with a reason.
func skip(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrSkipped}, args...)...)
}

// Rule is a check's metadata, shown in SARIF rules and in docs/audit.md.
type Rule struct {
	// ID equals Check.ID.
	ID string `json:"id"`
	// Aliases are the IDs of the same check in Dockle and the CIS benchmark.
	Aliases []string `json:"aliases,omitempty"`
	// Title is the one-line name.
	Title string `json:"title"`
	// Severity is the default severity of the check's findings.
	Severity report.Severity `json:"severity"`
	// Fix is a short hint on how to remove a finding.
	Fix string `json:"fix"`
	// Weight is the score penalty of one finding, and Cap the most the
	// check can take off the score (see Score).
	Weight int `json:"weight"`
	Cap    int `json:"cap"`
}

// ReportRule converts the metadata for report.WriteSARIF.
func (r Rule) ReportRule() report.Rule {
	return report.Rule{ID: r.ID, Aliases: r.Aliases, Title: r.Title, Help: r.Fix, Severity: r.Severity,
		HelpURI: "https://github.com/harden-dev/harden/blob/main/docs/audit.md#" + r.ID}
}

// finding starts a finding with the rule's fields filled in.
func (r Rule) finding(msg string, ev ...report.Evidence) report.Finding {
	return report.Finding{ID: r.ID, Aliases: r.Aliases, Severity: r.Severity, Title: r.Title, Message: msg, Fix: r.Fix, Evidence: ev}
}

// Input is what a check runs on: the index, facts about the image that
// the index does not hold, and the options. Derived views (accounts,
// the tool inventory, the entrypoint) are computed once and shared.
type Input struct {
	// Index is the image's filesystem, built with the wants from Wants.
	Index *fsindex.Index
	// Reference is the image reference as the user wrote it ("" if none);
	// Tags are the names the image source knows it by.
	Reference string
	Tags      []string

	opts *options

	once struct {
		accounts, surface, entry, history, config, values sync.Once
	}
	accounts *Accounts
	surface  *Surface
	entry    *Entrypoint
	history  []historyLine
	config   []configSecret
	values   []string
}

// NewInput makes the input checks run on.
func NewInput(x *fsindex.Index, opts ...Option) (*Input, error) {
	o, err := makeOptions(opts...)
	if err != nil {
		return nil, err
	}
	return newInput(x, o), nil
}

func newInput(x *fsindex.Index, o *options) *Input {
	return &Input{Index: x, Reference: o.reference, Tags: o.tags, opts: o}
}

// Accounts returns the users and groups of /etc/passwd, /etc/group and
// /etc/shadow.
func (in *Input) Accounts() *Accounts {
	in.once.accounts.Do(func() { in.accounts = accountsOf(in.Index) })
	return in.accounts
}

// Surface returns the shells, package managers and tools the image holds.
func (in *Input) Surface() *Surface {
	in.once.surface.Do(func() { in.surface = Inventory(in.Index) })
	return in.surface
}

// Entrypoint returns what the container runs.
func (in *Input) Entrypoint() *Entrypoint {
	in.once.entry.Do(func() { in.entry = entrypointOf(in.Index) })
	return in.entry
}

// acceptedFile reports whether --accept-file covers the path.
func (in *Input) acceptedFile(p string) bool { return in.opts.acceptFile(p) }

// acceptedKey reports whether --accept-key covers an env, label or arg name.
func (in *Input) acceptedKey(k string) bool { return in.opts.acceptKey(k) }
