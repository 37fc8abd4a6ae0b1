package compare

import (
	"context"

	"github.com/harden-dev/harden/dockerfile/lint"
	"github.com/harden-dev/harden/fsindex"
)

// Dockerfile counts the lint findings of the Dockerfile an image was built
// from, for the comparison's lint row.
type Dockerfile struct {
	// Path is the Dockerfile; Config the lint settings (zero: defaults).
	Path   string
	Config lint.Config
}

// Wants is empty: lint reads the Dockerfile, not the image.
func (d Dockerfile) Wants() []fsindex.Want { return nil }

// Measure lints the file and counts the findings by level.
func (d Dockerfile) Measure(_ context.Context, _ *fsindex.Index, p *Profile) error {
	res, err := lint.File(d.Path, d.Config)
	if err != nil {
		return err
	}
	lc := &LintCounts{File: d.Path, ByLevel: map[string]int{}}
	for _, f := range res.Findings {
		lc.Total++
		lc.ByLevel[f.Level.String()]++
	}
	p.Lint = lc
	return nil
}
