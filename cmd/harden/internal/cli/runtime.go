package cli

import (
	"fmt"
	"strings"

	"github.com/harden-dev/harden/audit"
	"github.com/harden-dev/harden/engine"
	"github.com/harden-dev/harden/minify"
	"github.com/harden-dev/harden/runconfig"
	"github.com/spf13/cobra"
)

type runtimeFlags struct {
	image  imageFlags
	verify bool
	probe  probeFlags
}

func newRuntimeCmd(g *globals) *cobra.Command {
	f := &runtimeFlags{}
	cmd := &cobra.Command{
		Use:     "runtime IMAGE",
		Short:   "How to run an image hardened: read-only root, no capabilities, no privilege gain, non-root",
		Args:    exactArgs(1, "IMAGE"),
		PreRunE: g.formats("table", "json", "docker", "compose", "kubernetes"),
		RunE: func(cmd *cobra.Command, args []string) error {
			probes, err := f.probe.Probes()
			if err != nil {
				return usageError{err}
			}
			if f.verify && probes.Empty() {
				return usageError{fmt.Errorf("--verify needs --probe-http PORT/PATH or --probe-tcp PORT")}
			}
			ctx := cmd.Context()
			img, x, err := g.indexImage(ctx, args[0], &f.image, audit.Wants()...)
			if err != nil {
				return err
			}
			defer img.Close()
			res, err := audit.Run(ctx, x, audit.WithReference(img.Ref.String(), img.Tags...))
			if err != nil {
				return err
			}
			s := runconfig.Recommend(img.RunName(), x, res)
			err = s.Write(g.stdout, g.format)
			if err != nil || !f.verify {
				return err
			}
			h, err := minify.VerifyHardened(ctx, engine.New(), img.EngineName(), img, s, probes)
			if err != nil {
				return err
			}
			for _, l := range h.Lines() {
				g.info("%s", l)
			}
			if len(h.Failed) > 0 {
				return errPolicy("runtime: %s does not work with these settings: %s", args[0], strings.Join(h.Failed, "; "))
			}
			return nil
		},
	}
	addImageFlags(cmd, &f.image)
	fl := cmd.Flags()
	fl.BoolVar(&f.verify, "verify", false, "run the image with the settings and check it answers the probes")
	f.probe.add(fl, false)
	cmd.AddCommand(newRuntimeCheckCmd(g))
	return cmd
}
