package cli

import (
	"context"
	"fmt"

	"github.com/harden-dev/harden/engine"
	"github.com/spf13/cobra"
)

type debugFlags struct {
	image string
}

func newDebugCmd(g *globals) *cobra.Command {
	f := &debugFlags{}
	cmd := &cobra.Command{
		Use:   "debug CONTAINER [-- COMMAND [ARG...]]",
		Short: "Debug a shell-less container from an ephemeral debug container that shares its processes and network",
		Long: `A distroless container has no shell to exec into. debug starts a throwaway
container from a debug image (one with a shell and tools) in the target's
process and network namespaces, with CAP_SYS_PTRACE: its tools see the
target's processes (ps, strace, /proc/1/...) and talk to its ports on
localhost, and the target's filesystem is at /proc/1/root. The target is not
changed; the debug container is removed when the command ends.

Without COMMAND it opens sh. On Kubernetes, kubectl debug -it POD
--image=IMAGE --target=CONTAINER does the same.`,
		Example: `  harden debug app-1
  harden debug --image debian:bookworm-slim app-1 -- ls -l /proc/1/root/app
  harden debug app-1 -- sh -c 'cat /proc/1/cmdline | tr "\0" " "'`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := g.checkFormat("table"); err != nil {
				return err
			}
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
	st, err := e.State(ctx, target)
	if err != nil {
		return fmt.Errorf("debug: no container %q: %v", target, err)
	}
	if !st.Running {
		return fmt.Errorf("debug: container %s is not running", target)
	}
	ns := "container:" + target
	spec := engine.Spec{Image: img, Name: engine.UniqueName("debug"), PID: ns, Network: ns,
		CapAdd: []string{"SYS_PTRACE"}, User: "0:0", Entrypoint: command, Interactive: true,
		TTY: isTerminal(g.stdout) && isTerminal(g.stdin)}
	g.info("debugging %s from %s: its processes and ports are shared, its filesystem is at /proc/1/root", target, img)
	code, err := e.RunAttached(ctx, spec, g.stdin, g.stdout, g.stderr)
	if err != nil {
		return fmt.Errorf("debug: %w", err)
	}
	if code != 0 {
		return fmt.Errorf("debug: the command exited with code %d", code)
	}
	return nil
}
