package audit

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/harden-dev/harden/fsindex"
	tu "github.com/harden-dev/harden/internal/testutil"
	"github.com/harden-dev/harden/report"
)

// panicky is a check with a bug: it panics on every image.
type panicky struct{}

func (panicky) ID() string { return "panicky" }
func (panicky) Rule() Rule {
	return Rule{ID: "panicky", Title: "panics", Severity: report.High, Weight: 50, Cap: 50}
}
func (panicky) Wants() []fsindex.Want                                 { return nil }
func (panicky) Run(context.Context, *Input) ([]report.Finding, error) { panic("index out of range") }

// TestIncompleteAudit: a check that fails must not pass for one that found
// nothing. A file that looks like ELF but does not parse makes the real
// elf-hardening check fail; a panicking check fails too. The summary names
// both and the score text says it is incomplete.
func TestIncompleteAudit(t *testing.T) {
	img := tu.Image(t, nil, []tu.File{tu.Dir("bin/"), tu.Reg("bin/broken", "\x7fELF not really an ELF file")})
	checks := append(All(), panicky{})
	res := auditImage(t, img, WithChecks(checks...))
	want := []string{"elf-hardening", "panicky"}
	if !slices.Equal(res.Summary.Incomplete, want) {
		t.Fatalf("Incomplete = %v, want %v (checks: %+v)", res.Summary.Incomplete, want, res.Checks)
	}
	if got := res.Summary.ScoreText(); !strings.Contains(got, "incomplete: elf-hardening, panicky did not run") {
		t.Errorf("ScoreText = %q, want the incomplete mark", got)
	}

	// the same image with every check running is complete
	img = tu.Image(t, nil, []tu.File{tu.Dir("bin/"), tu.Reg("bin/script", "#!/bin/sh\necho hi\n")})
	res = auditImage(t, img)
	if len(res.Summary.Incomplete) != 0 || strings.Contains(res.Summary.ScoreText(), "incomplete") {
		t.Errorf("a complete audit is marked incomplete: %v %q", res.Summary.Incomplete, res.Summary.ScoreText())
	}
}
