package cli

import (
	"fmt"
	"github.com/harden-dev/harden/internal/atomicfile"
	"io"

	"github.com/harden-dev/harden/dockerfile"
	"github.com/harden-dev/harden/report"
	"github.com/spf13/cobra"
)

// fixOptions are the flags of harden fix.
type fixOptions struct {
	output, base string
}

func newFixCmd(g *globals) *cobra.Command {
	o := &fixOptions{}
	cmd := &cobra.Command{
		Use:     "fix [DOCKERFILE|-]",
		Short:   "Rewrite a single-stage Dockerfile into a multi-stage one with a distroless final stage",
		Args:    cobra.MaximumNArgs(1),
		PreRunE: g.formats("table", "json"),
		RunE: func(cmd *cobra.Command, args []string) error {
			res, err := dockerfile.RewriteFile(argOr(args, 0, "Dockerfile"), g.stdin, o.base)
			if err != nil {
				return err
			}
			if o.output != "" {
				if err := atomicfile.Write(o.output, []byte(res.Dockerfile)); err != nil {
					return err
				}
			}
			if g.format == "json" {
				return report.WriteJSON(g.stdout, res)
			}
			for _, c := range res.Changes {
				if c.Kind == "warning" {
					fmt.Fprintf(g.stderr, "harden: warning: %s\n", c.Message)
				}
			}
			if o.output != "" {
				g.info("harden: wrote %s (%s on %s, %d changes)", o.output, res.Runtime, res.Base, len(res.Changes))
				return nil
			}
			_, err = io.WriteString(g.stdout, res.Dockerfile)
			return err
		},
	}
	cmd.Flags().StringVarP(&o.output, "output", "o", "", "write the new Dockerfile to FILE (atomically) instead of standard output")
	cmd.Flags().StringVar(&o.base, "base", "", "final base image (default: the distroless image for the runtime, e.g. gcr.io/distroless/nodejs20-debian12)")
	return cmd
}
