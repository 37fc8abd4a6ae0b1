package cli

import "github.com/harden-dev/harden/internal/progress"

// progress returns a progress bar for label, or nil when stderr is not a
// terminal or --quiet is set.
func (g *globals) progress(label string) *progress.Bar {
	if g.quiet || !progress.IsTerminal(g.stderr) {
		return nil
	}
	return progress.New(g.stderr, label)
}
