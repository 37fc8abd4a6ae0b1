package cli

import (
	"context"
	"fmt"

	"github.com/harden-dev/harden/engine"
	"github.com/harden-dev/harden/internal/progress"
	"github.com/spf13/cobra"
)

type debugFlags struct {
	image string
}

func newDebugCmd(g *globals) *cobra.Command {
	f := &debugFlags{}
	cmd := &cobra.Command{
		Use:     "debug CONTAINER [-- COMMAND [ARG...]]",
		Short:   "Debug a shell-less container from an ephemeral debug container that shares its processes and network",
		Args:    cobra.MinimumNArgs(1),
		PreRunE: g.formats("table"),
		RunE: func(cmd *cobra.Command, args []string) error {
			target, command := args[0], args[1:]
			if len(command) == 0 {
				command = []string{"sh"}
			}
			return g.debugContainer(cmd.Context(), target, f.image, command)
		},
	}
	cmd.Flags().StringVar(&f.image, "image", "busybox:stable", "the debug image: any image with a shell and the tools you need")
	return cmd
}

// debugContainer runs command in a new container joined to target's
// namespaces, wired to harden's own standard streams.
func (g *globals) debugContainer(ctx context.Context, target, img string, command []string) error {
	e := engine.New()
	if err := e.CheckRunning(ctx, target); err != nil {
		return err
	}
	g.info("debugging %s from %s: its processes and ports are shared, its filesystem is at /proc/1/root", target, img)
	code, err := e.Debug(ctx, target, img, command, progress.IsTerminal(g.stdout) && progress.IsTerminal(g.stdin), g.stdin, g.stdout, g.stderr)
	if err != nil {
		return err
	}
	if code != 0 {
		return fmt.Errorf("debug: the command exited with code %d", code)
	}
	return nil
}
