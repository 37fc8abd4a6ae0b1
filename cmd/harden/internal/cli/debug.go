package cli

import (
	"fmt"

	"github.com/harden-dev/harden/engine"
	"github.com/harden-dev/harden/internal/progress"
	"github.com/spf13/cobra"
)

func newDebugCmd(g *globals) *cobra.Command {
	var img string
	cmd := &cobra.Command{
		Use:     "debug CONTAINER [-- COMMAND [ARG...]]",
		Short:   "Debug a shell-less container from an ephemeral debug container that shares its processes and network",
		Args:    cobra.MinimumNArgs(1),
		PreRunE: g.formats("table"),
		// command runs in a new container joined to the target's
		// namespaces, wired to harden's own standard streams.
		RunE: func(cmd *cobra.Command, args []string) error {
			target, command := args[0], args[1:]
			if len(command) == 0 {
				command = []string{"sh"}
			}
			e := engine.New()
			if err := e.CheckRunning(cmd.Context(), target); err != nil {
				return err
			}
			g.info("debugging %s from %s: its processes and ports are shared, its filesystem is at /proc/1/root", target, img)
			code, err := e.Debug(cmd.Context(), target, img, command, progress.IsTerminal(g.stdout) && progress.IsTerminal(g.stdin), g.stdin, g.stdout, g.stderr)
			if err == nil && code != 0 {
				err = fmt.Errorf("debug: the command exited with code %d", code)
			}
			return err
		},
	}
	cmd.Flags().StringVar(&img, "image", "busybox:stable", "the debug image: any image with a shell and the tools you need")
	return cmd
}
