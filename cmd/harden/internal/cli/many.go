package cli

import (
	"context"
	"io"

	"github.com/spf13/cobra"
)

// imageRun is an image command cut in the halves every command that reads
// images has: analyze one reference into a result, render one result, and
// the result's verdict against the command's gates ("" passes).
type imageRun[R any] struct {
	analyze func(ctx context.Context, ref string) (R, error)
	render  func(w io.Writer, format string, r R) error
	verdict func(r R) string
}

// runImages analyzes and renders each reference.
func runImages[R any](cmd *cobra.Command, g *globals, refs []string, run imageRun[R]) error {
	r, err := run.analyze(cmd.Context(), refs[0])
	if err != nil {
		return err
	}
	if err := run.render(g.stdout, g.format, r); err != nil {
		return err
	}
	if run.verdict != nil {
		if msg := run.verdict(r); msg != "" {
			return errPolicy("%s", msg)
		}
	}
	return nil
}
