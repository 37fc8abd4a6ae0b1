package engine

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"

	"github.com/harden-dev/harden/internal/capbuf"
)

// This file holds the calls the integration tests need beside harden's own
// (export an image's files, a network of their own, a container's address,
// a run that cleans up after itself), so no test runs the docker client
// itself.

// RunRemoved runs a container to the end like Run and removes it.
func (e *Engine) RunRemoved(ctx context.Context, s Spec) (Result, error) {
	res, err := e.Run(ctx, s)
	cctx, cancel := Cleanup(ctx)
	defer cancel()
	return res, errors.Join(err, e.Remove(cctx, s.Name))
}

// IPAddress returns a container's address on the engine's default bridge
// network ("" when it has none there).
func (e *Engine) IPAddress(ctx context.Context, id string) (string, error) {
	out, err := e.check(ctx, "inspect", "--type", "container", "--format", "{{.NetworkSettings.IPAddress}}", id)
	return strings.TrimSpace(out), err
}

// Health returns a container's health status ("starting", "healthy",
// "unhealthy"; "" for a container without a health check).
func (e *Engine) Health(ctx context.Context, id string) (string, error) {
	out, err := e.check(ctx, "inspect", "--type", "container", "--format", "{{if .State.Health}}{{.State.Health.Status}}{{end}}", id)
	return strings.TrimSpace(out), err
}

// CreateNetwork makes a bridge network for containers to share (Spec's
// Network names it).
func (e *Engine) CreateNetwork(ctx context.Context, name string) error {
	_, err := e.check(ctx, "network", "create", "--label", Label+"=1", name)
	return err
}

// RemoveNetwork removes a network; one already gone is not an error.
func (e *Engine) RemoveNetwork(ctx context.Context, name string) error {
	_, stderr, err := e.docker(ctx, nil, "network", "rm", name)
	if err != nil && !strings.Contains(stderr, "not found") {
		return fmt.Errorf("removing network %s: %s", name, errLine(err, stderr))
	}
	return nil
}

// Export streams the root filesystem of the image ref as a tar, as the
// engine lays it out (docker export of a container created from it and
// never started). Close waits for the stream's end and removes the
// container; its error says whether the whole stream was read.
func (e *Engine) Export(ctx context.Context, ref string) (io.ReadCloser, error) {
	name := UniqueName("export")
	// create is let finish (see settle) so the container is removed
	// below; the entrypoint is never run, it only satisfies an image that
	// names no command
	sctx, cancel := settle(ctx)
	_, err := e.check(sctx, "create", "--name", name, "--entrypoint", "/.harden-export", "--label", Label+"=1", "--label", fmt.Sprintf("%s=%d", PIDLabel, os.Getpid()), ref)
	cancel()
	if err != nil {
		e.removeAfter(ctx, name)
		return nil, err
	}
	cmd := e.command(ctx, "export", name)
	var stderr bytes.Buffer
	cmd.Stderr = &capbuf.Writer{B: &stderr, Max: maxOutput}
	r, err := cmd.StdoutPipe()
	if err == nil {
		err = cmd.Start()
	}
	if err != nil {
		e.removeAfter(ctx, name)
		return nil, fmt.Errorf("docker export %s: %w", ref, err)
	}
	return &export{ReadCloser: r, cmd: cmd, stderr: &stderr, done: func() error { return e.removeAfter(ctx, name) }}, nil
}

// removeAfter removes a container also when ctx was cancelled.
func (e *Engine) removeAfter(ctx context.Context, name string) error {
	cctx, cancel := Cleanup(ctx)
	defer cancel()
	return e.Remove(cctx, name)
}

// export is the stream of a docker export.
type export struct {
	io.ReadCloser
	cmd    *exec.Cmd
	stderr *bytes.Buffer
	done   func() error
}

// Close drains nothing: it ends the stream, waits for the client and
// removes the container.
func (x *export) Close() error {
	x.ReadCloser.Close()
	err := x.cmd.Wait()
	if err != nil {
		err = fmt.Errorf("docker export: %s", errLine(err, x.stderr.String()))
	}
	return errors.Join(err, x.done())
}
