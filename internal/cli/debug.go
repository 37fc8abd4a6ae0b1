package cli

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os/exec"
	"strings"

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
	out, err := exec.CommandContext(ctx, "docker", "inspect", "--format", "{{.State.Running}} {{.Name}}", target).CombinedOutput()
	if err != nil {
		return fmt.Errorf("debug: no container %q: %s", target, strings.TrimSpace(string(out)))
	}
	if !strings.HasPrefix(string(out), "true") {
		return fmt.Errorf("debug: container %s is not running", target)
	}
	b := make([]byte, 4)
	rand.Read(b)
	name := "harden-debug-" + hex.EncodeToString(b)
	ns := "container:" + target
	args := []string{"run", "--rm", "-i", "--name", name,
		"--pid", ns, "--network", ns,
		"--cap-add", "SYS_PTRACE", "--user", "0:0", "--entrypoint", ""}
	if isTerminal(g.stdout) && isTerminal(g.stdin) {
		args = append(args, "-t")
	}
	args = append(append(args, img), command...)
	g.info("debugging %s from %s: its processes and ports are shared, its filesystem is at /proc/1/root", target, img)
	g.log.Debug("docker", "args", strings.Join(args, " "))
	c := exec.CommandContext(ctx, "docker", args...)
	c.Stdin, c.Stdout, c.Stderr = g.stdin, g.stdout, g.stderr
	if err := c.Run(); err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return fmt.Errorf("debug: the command exited with code %d", ee.ExitCode())
		}
		return fmt.Errorf("debug: %w", err)
	}
	return nil
}
