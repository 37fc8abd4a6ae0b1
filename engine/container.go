package engine

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/harden-dev/harden/runconfig"
)

// Spec describes one container.
type Spec struct {
	// Image is a reference the engine knows.
	Image string
	// Name is the container's name; UniqueName makes one.
	Name string
	// Entrypoint and Args replace the image's when set (Args alone
	// replaces the Cmd).
	Entrypoint []string
	Args       []string
	// Env adds environment variables (KEY=VALUE).
	Env []string
	// User runs the container as this user (over Hardened's).
	User string
	// Hardened runs the container with these settings — read-only root
	// and its tmpfs mounts, capabilities, no-new-privileges, user, pids
	// limit — exactly as `harden runtime` prints them, minus the ports
	// (Publish chooses those).
	Hardened *runconfig.Settings
	// Publish lists container TCP ports to publish on a free port of
	// 127.0.0.1 that the engine picks; Port tells which.
	Publish []int
	// Network is the network mode: "" for the engine's default (the
	// container gets its own network namespace), "none", or
	// "container:ID" to join another container's.
	Network string
	// PID is the PID namespace mode ("container:ID" to join one).
	PID string
	// CapAdd adds capabilities (the debug container's SYS_PTRACE).
	CapAdd []string
	// Mounts are read-only bind mounts of host files.
	Mounts []Mount
	// Interactive keeps stdin open; TTY allocates a terminal.
	Interactive, TTY bool
}

// Mount is a read-only bind mount.
type Mount struct {
	Source, Target string
}

// Result is how a container that ran to the end finished.
type Result struct {
	ExitCode       int
	Stdout, Stderr string
}

// State is what the engine says about a container.
type State struct {
	Running  bool
	ExitCode int
	// Pid is the host PID of its main process (0 when not running).
	Pid int
	// Error is the engine's reason it could not start it.
	Error string
}

func (s Spec) args() []string {
	args := []string{"--name", s.Name, "--label", Label + "=1", "--label", fmt.Sprintf("%s=%d", PIDLabel, os.Getpid())}
	if s.Network != "" {
		args = append(args, "--network", s.Network)
	}
	if s.PID != "" {
		args = append(args, "--pid", s.PID)
	}
	if s.Hardened != nil {
		args = append(args, s.Hardened.RunArgs()...)
	}
	if s.User != "" {
		args = append(args, "--user", s.User)
	}
	for _, c := range s.CapAdd {
		args = append(args, "--cap-add", c)
	}
	for _, p := range s.Publish {
		args = append(args, "-p", fmt.Sprintf("127.0.0.1::%d/tcp", p))
	}
	for _, e := range s.Env {
		args = append(args, "--env", e)
	}
	for _, m := range s.Mounts {
		args = append(args, "--mount", "type=bind,source="+m.Source+",target="+m.Target+",readonly")
	}
	if s.Interactive {
		args = append(args, "-i")
	}
	if s.TTY {
		args = append(args, "-t")
	}
	rest := s.Args
	if len(s.Entrypoint) > 0 {
		args = append(args, "--entrypoint", s.Entrypoint[0])
		rest = append(append([]string{}, s.Entrypoint[1:]...), s.Args...)
	}
	args = append(args, s.Image)
	return append(args, rest...)
}

// Start starts a container in the background and returns its ID. The
// caller removes it (also when Start fails: the engine may have created
// it).
func (e *Engine) Start(ctx context.Context, s Spec) (string, error) {
	// `docker run -d` returns once the container is created; killing the
	// client half way can leave a container the engine creates after the
	// caller's cleanup ran, so the call is let finish and the
	// cancellation reported after it (the caller removes it by name).
	sctx, cancel := settle(ctx)
	defer cancel()
	stdout, stderr, err := e.docker(sctx, nil, append([]string{"run", "-d"}, s.args()...)...)
	if err != nil {
		if ctx.Err() != nil {
			return "", ctx.Err()
		}
		return "", fmt.Errorf("docker run %s: %s", s.Image, errLine(err, stderr))
	}
	return strings.TrimSpace(stdout), ctx.Err()
}

// settle is a context for an engine call that must not be cut short by
// the caller's cancellation (it would leave objects the engine makes
// after harden stopped looking), bounded all the same.
func settle(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), 5*time.Minute)
}

// Run runs a container to the end and returns its exit code and bounded
// output. The container is left for the caller to remove.
func (e *Engine) Run(ctx context.Context, s Spec) (Result, error) {
	stdout, stderr, err := e.docker(ctx, nil, append([]string{"run"}, s.args()...)...)
	res := Result{Stdout: stdout, Stderr: stderr}
	if err == nil {
		return res, nil
	}
	if ctx.Err() != nil {
		return res, ctx.Err()
	}
	code, ok := exitCode(err)
	if !ok {
		return res, err
	}
	res.ExitCode = code
	if code == 125 { // the engine's own failure: the container never ran
		return res, fmt.Errorf("docker run %s: %s", s.Image, FirstLine(stderr))
	}
	return res, nil
}

// RunAttached runs a container wired to the given streams and returns its
// exit code.
func (e *Engine) RunAttached(ctx context.Context, s Spec, stdin io.Reader, stdout, stderr io.Writer) (int, error) {
	cmd := e.command(ctx, append([]string{"run", "--rm"}, s.args()...)...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = stdin, stdout, stderr
	err := cmd.Run()
	if ctx.Err() != nil {
		// the client was killed; the container may still run
		cctx, cancel := Cleanup(ctx)
		defer cancel()
		return 0, errors.Join(ctx.Err(), e.Remove(cctx, s.Name))
	}
	if err == nil {
		return 0, nil
	}
	if code, ok := exitCode(err); ok && code != 125 {
		return code, nil
	}
	return 0, fmt.Errorf("docker run %s: %w", s.Image, err)
}

// State inspects a container.
func (e *Engine) State(ctx context.Context, id string) (State, error) {
	out, err := e.check(ctx, "inspect", "--type", "container", "--format", "{{.State.Running}} {{.State.ExitCode}} {{.State.Pid}} {{.State.Error}}", id)
	if err != nil {
		return State{}, err
	}
	f := strings.SplitN(strings.TrimSpace(out), " ", 4)
	if len(f) < 3 {
		return State{}, fmt.Errorf("docker inspect %s: unexpected output %q", id, out)
	}
	st := State{Running: f[0] == "true"}
	st.ExitCode, _ = strconv.Atoi(f[1])
	st.Pid, _ = strconv.Atoi(f[2])
	if len(f) == 4 {
		st.Error = f[3]
	}
	return st, nil
}

// Port returns the 127.0.0.1 port the engine published a container's TCP
// port on.
func (e *Engine) Port(ctx context.Context, id string, port int) (int, error) {
	out, err := e.check(ctx, "port", id, fmt.Sprintf("%d/tcp", port))
	if err != nil {
		return 0, fmt.Errorf("port %d of the container is not published: %w", port, err)
	}
	for _, l := range strings.Split(out, "\n") {
		host, p, err := net.SplitHostPort(strings.TrimSpace(l))
		if err != nil || host != "127.0.0.1" {
			continue
		}
		if n, err := strconv.Atoi(p); err == nil && n > 0 {
			return n, nil
		}
	}
	return 0, fmt.Errorf("port %d of the container is not published on 127.0.0.1 (docker port said %q)", port, strings.TrimSpace(out))
}

// Signal sends a signal ("USR1") to a container's main process.
func (e *Engine) Signal(ctx context.Context, id, signal string) error {
	_, err := e.check(ctx, "kill", "--signal", signal, id)
	return err
}

// Logs returns a container's output, bounded.
func (e *Engine) Logs(ctx context.Context, id string) (string, error) {
	stdout, stderr, err := e.docker(ctx, nil, "logs", "--tail", "200", id)
	if err != nil {
		return "", fmt.Errorf("docker logs %s: %s", id, errLine(err, stderr))
	}
	return stdout + stderr, nil
}

// Remove removes a container, running or not, and its anonymous volumes.
// A container that is already gone is not an error.
func (e *Engine) Remove(ctx context.Context, id string) error {
	_, stderr, err := e.docker(ctx, nil, "rm", "-f", "-v", id)
	if err != nil && !strings.Contains(stderr, "No such container") {
		return fmt.Errorf("removing container %s: %s", id, errLine(err, stderr))
	}
	return nil
}

// CheckRunning reports a container that does not exist or is not running.
func (e *Engine) CheckRunning(ctx context.Context, target string) error {
	st, err := e.State(ctx, target)
	if err != nil {
		return fmt.Errorf("debug: no container %q: %v", target, err)
	}
	if !st.Running {
		return fmt.Errorf("debug: container %s is not running", target)
	}
	return nil
}

// Debug runs command in a throwaway container of img joined to the running
// container target's process and network namespaces, with CAP_SYS_PTRACE,
// wired to the streams given; tty asks for a terminal. It returns the
// command's exit code.
func (e *Engine) Debug(ctx context.Context, target, img string, command []string, tty bool, stdin io.Reader, stdout, stderr io.Writer) (int, error) {
	ns := "container:" + target
	spec := Spec{Image: img, Name: UniqueName("debug"), PID: ns, Network: ns,
		CapAdd: []string{"SYS_PTRACE"}, User: "0:0", Entrypoint: command, Interactive: true, TTY: tty}
	code, err := e.RunAttached(ctx, spec, stdin, stdout, stderr)
	if err != nil {
		return 0, fmt.Errorf("debug: %w", err)
	}
	return code, nil
}
