package cli

import (
	"context"
	"io"

	"github.com/harden-dev/harden/layers"
	"github.com/harden-dev/harden/redact"
	"github.com/spf13/cobra"
)

type layersFlags struct {
	image                                                imageFlags
	many                                                 manyFlags
	ci                                                   bool
	ciConfig, lowestEff, highestWasted, highestUserWaste string
	top                                                  int
}

func newLayersCmd(g *globals) *cobra.Command {
	f := &layersFlags{}
	cmd := &cobra.Command{
		Use:     "layers IMAGE...",
		Short:   "Per-layer sizes, wasted bytes and Dive's efficiency score, without a TUI",
		Args:    imageArgs("IMAGE"),
		PreRunE: g.formats("table", "json", "jsonl"),
		RunE: func(cmd *cobra.Command, args []string) error {
			// Dive's defaults, then the .dive-ci file, then the flags given
			thresholds, err := layers.LoadThresholds(f.ciConfig, cmd.Flags().Changed("ci-config"))
			if err == nil {
				err = thresholds.Override(changed(cmd, "lowest-efficiency", &f.lowestEff), changed(cmd, "highest-wasted-bytes", &f.highestWasted),
					changed(cmd, "highest-user-wasted-percent", &f.highestUserWaste))
			}
			if err != nil {
				return usageError{err}
			}
			return runImages(cmd, g, &f.many, args, imageRun[*layers.Output]{
				analyze: func(ctx context.Context, ref string) (*layers.Output, error) {
					img, x, err := g.indexImage(ctx, ref, &f.image)
					if err != nil {
						return nil, err
					}
					defer img.Close()
					o := &layers.Output{Image: img.Ref.String(), Report: layers.Analyze(x)}
					redact.Value(o.Report) // before the table cuts a command
					if f.ci {
						o.CI = o.Check(thresholds)
					}
					return o, nil
				},
				render:  func(w io.Writer, format string, o *layers.Output) error { return o.Write(w, format, f.top) },
				verdict: (*layers.Output).Verdict,
			})
		},
	}
	addImageFlags(cmd, &f.image)
	addManyFlags(cmd, &f.many, &f.image, "")
	fl := cmd.Flags()
	fl.BoolVar(&f.ci, "ci", false, "check Dive's CI rules and exit 1 when one fails")
	fl.StringVar(&f.ciConfig, "ci-config", ".dive-ci", "Dive CI rules file (read when it exists)")
	fl.StringVar(&f.lowestEff, "lowest-efficiency", "", "fail when efficiency is below this ratio (0-1), or 'disabled'")
	fl.StringVar(&f.highestWasted, "highest-wasted-bytes", "", "fail when more bytes are wasted (e.g. 20MB), or 'disabled'")
	fl.StringVar(&f.highestUserWaste, "highest-user-wasted-percent", "", "fail when wasted/user bytes is above this ratio (0-1), or 'disabled'")
	fl.IntVar(&f.top, "top", 10, "how many of the most wasteful files to list")
	return cmd
}
