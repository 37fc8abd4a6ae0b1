// Package engine is the one place harden runs containers: it loads images
// into the local Docker engine, starts, inspects, signals and removes
// containers, publishes their ports on 127.0.0.1, and applies the one
// definition of a hardened run (runconfig's settings for the image). It
// drives the docker CLI, so DOCKER_HOST and the CLI's contexts apply.
// Image I/O without containers stays in package image.
package engine

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"github.com/harden-dev/harden/internal/capbuf"
	"io"
	"os/exec"
	"strings"
	"time"
)

// NamePrefix starts the name of every container, network and temporary
// tag harden makes, so leftovers are easy to find.
const NamePrefix = "harden-"

// Label marks every container harden starts.
const Label = "dev.harden.run"

// PIDLabel carries the process ID of the harden that started a container,
// so a container left behind says whose it was (and tests tell their own
// from a concurrent run's).
const PIDLabel = "dev.harden.pid"

// maxOutput bounds what is kept of a command's output.
const maxOutput = 64 << 10

// Engine runs containers with the docker CLI.
type Engine struct {
	// Docker is the path of the docker client ("docker" when empty).
	Docker string
}

// New returns an Engine using the docker client on PATH.
func New() *Engine { return &Engine{} }

func (e *Engine) bin() string {
	if e.Docker == "" {
		return "docker"
	}
	return e.Docker
}

// command is the one place a docker process is made.
func (e *Engine) command(ctx context.Context, args ...string) *exec.Cmd {
	return exec.CommandContext(ctx, e.bin(), args...)
}

// docker runs one docker command and returns its bounded stdout and stderr.
func (e *Engine) docker(ctx context.Context, stdin io.Reader, args ...string) (string, string, error) {
	cmd := e.command(ctx, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdin = stdin
	cmd.Stdout = &capbuf.Writer{B: &stdout, Max: maxOutput}
	cmd.Stderr = &capbuf.Writer{B: &stderr, Max: maxOutput}
	err := cmd.Run()
	if err != nil && ctx.Err() != nil {
		return stdout.String(), stderr.String(), ctx.Err()
	}
	return stdout.String(), stderr.String(), err
}

// check runs a docker command and turns a failure into one line.
func (e *Engine) check(ctx context.Context, args ...string) (string, error) {
	stdout, stderr, err := e.docker(ctx, nil, args...)
	if err != nil {
		if ctx.Err() != nil {
			return stdout, ctx.Err()
		}
		return stdout, fmt.Errorf("docker %s: %s", args[0], errLine(err, stderr))
	}
	return stdout, nil
}

func errLine(err error, stderr string) string {
	if l := FirstLine(stderr); l != "" {
		return l
	}
	return err.Error()
}

// Version returns the engine's server version, or why none answers.
func (e *Engine) Version(ctx context.Context) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	out, err := e.check(ctx, "version", "--format", "{{.Server.Version}}")
	if err != nil {
		return "", fmt.Errorf("no Docker engine answers: %w", err)
	}
	return strings.TrimSpace(out), nil
}

// FirstLine is the first non-empty line of s, trimmed.
func FirstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// UniqueName is NamePrefix + kind + "-" + 12 random hex digits.
func UniqueName(kind string) string {
	b := make([]byte, 6)
	rand.Read(b)
	return NamePrefix + kind + "-" + hex.EncodeToString(b)
}

// Cleanup returns a context for removing what a cancelled ctx left: it
// outlives ctx's cancellation, bounded to a minute.
func Cleanup(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
}

// exitCode returns the exit code in err, if it is one.
func exitCode(err error) (int, bool) {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode(), true
	}
	return 0, false
}
