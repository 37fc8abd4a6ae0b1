package minify

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strconv"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

// maxOutput bounds what is kept of a container's output.
const maxOutput = 64 << 10

// DockerRunner runs containers with the docker CLI (DOCKER_HOST and the
// CLI's contexts apply).
type DockerRunner struct {
	// Docker is the path of the docker client ("docker" when empty).
	Docker string
}

var _ Runner = (*DockerRunner)(nil)

func (d *DockerRunner) bin() string {
	if d.Docker == "" {
		return "docker"
	}
	return d.Docker
}

func (d *DockerRunner) docker(ctx context.Context, stdin io.Reader, args ...string) (string, string, error) {
	cmd := exec.CommandContext(ctx, d.bin(), args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdin = stdin
	cmd.Stdout = &limitedBuffer{b: &stdout, max: maxOutput}
	cmd.Stderr = &limitedBuffer{b: &stderr, max: maxOutput}
	err := cmd.Run()
	if err != nil && ctx.Err() != nil {
		return stdout.String(), stderr.String(), ctx.Err()
	}
	return stdout.String(), stderr.String(), err
}

// limitedBuffer keeps the first max bytes and drops the rest.
type limitedBuffer struct {
	b   *bytes.Buffer
	max int
}

func (l *limitedBuffer) Write(p []byte) (int, error) {
	if room := l.max - l.b.Len(); room > 0 {
		if len(p) > room {
			l.b.Write(p[:room])
		} else {
			l.b.Write(p)
		}
	}
	return len(p), nil
}

// Load streams img into docker load.
func (d *DockerRunner) Load(ctx context.Context, img v1.Image, tag string) error {
	t, err := name.NewTag(tag, name.WeakValidation)
	if err != nil {
		return fmt.Errorf("bad tag %q: %w", tag, err)
	}
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(tarball.Write(t, img, pw)) }()
	_, stderr, err := d.docker(ctx, pr, "load", "-q")
	pr.Close()
	if err != nil {
		return fmt.Errorf("docker load %s: %w: %s", tag, err, firstLine(stderr))
	}
	return nil
}

// RemoveImage removes a tag.
func (d *DockerRunner) RemoveImage(ctx context.Context, tag string) error {
	if _, stderr, err := d.docker(ctx, nil, "rmi", "--no-prune", tag); err != nil {
		return fmt.Errorf("docker rmi %s: %w: %s", tag, err, firstLine(stderr))
	}
	return nil
}

func (d *DockerRunner) runArgs(spec RunSpec) []string {
	args := []string{"--network", "host", "--name", spec.Name, "--label", "dev.harden.verify=1"}
	if spec.Hardened {
		args = append(args, "--read-only", "--cap-drop", "ALL", "--security-opt", "no-new-privileges")
	}
	if spec.User != "" {
		args = append(args, "--user", spec.User)
	}
	for _, e := range spec.Env {
		args = append(args, "--env", e)
	}
	for _, m := range spec.Mounts {
		args = append(args, "--mount", "type=bind,source="+m.Source+",target="+m.Target+",readonly")
	}
	rest := spec.Args
	if len(spec.Entrypoint) > 0 {
		args = append(args, "--entrypoint", spec.Entrypoint[0])
		rest = append(append([]string{}, spec.Entrypoint[1:]...), spec.Args...)
	}
	args = append(args, spec.Image)
	return append(args, rest...)
}

// Start runs docker run -d.
func (d *DockerRunner) Start(ctx context.Context, spec RunSpec) (string, error) {
	stdout, stderr, err := d.docker(ctx, nil, append([]string{"run", "-d"}, d.runArgs(spec)...)...)
	if err != nil {
		return "", fmt.Errorf("docker run %s: %w: %s", spec.Image, err, firstLine(stderr))
	}
	return strings.TrimSpace(stdout), nil
}

// Run runs docker run and waits for the container to exit. The container
// is named and left for the caller to remove.
func (d *DockerRunner) Run(ctx context.Context, spec RunSpec) (RunResult, error) {
	stdout, stderr, err := d.docker(ctx, nil, append([]string{"run"}, d.runArgs(spec)...)...)
	res := RunResult{Stdout: stdout, Stderr: stderr}
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		res.ExitCode = ee.ExitCode()
		if res.ExitCode == 125 {
			return res, fmt.Errorf("docker run %s: %s", spec.Image, firstLine(stderr))
		}
	default:
		return res, err
	}
	return res, nil
}

// State runs docker inspect.
func (d *DockerRunner) State(ctx context.Context, id string) (ContainerState, error) {
	stdout, stderr, err := d.docker(ctx, nil, "inspect", "--format", "{{.State.Running}} {{.State.ExitCode}} {{.State.Pid}}", id)
	if err != nil {
		return ContainerState{}, fmt.Errorf("docker inspect %s: %w: %s", id, err, firstLine(stderr))
	}
	f := strings.Fields(stdout)
	if len(f) != 3 {
		return ContainerState{}, fmt.Errorf("docker inspect %s: unexpected output %q", id, stdout)
	}
	code, _ := strconv.Atoi(f[1])
	pid, _ := strconv.Atoi(f[2])
	return ContainerState{Running: f[0] == "true", ExitCode: code, Pid: pid}, nil
}

// Signal runs docker kill --signal.
func (d *DockerRunner) Signal(ctx context.Context, id, signal string) error {
	if _, stderr, err := d.docker(ctx, nil, "kill", "--signal", signal, id); err != nil {
		return fmt.Errorf("docker kill %s: %w: %s", id, err, firstLine(stderr))
	}
	return nil
}

// Logs runs docker logs.
func (d *DockerRunner) Logs(ctx context.Context, id string) (string, error) {
	stdout, stderr, err := d.docker(ctx, nil, "logs", id)
	if err != nil {
		return "", fmt.Errorf("docker logs %s: %w", id, err)
	}
	return stdout + stderr, nil
}

// Remove runs docker rm -f.
func (d *DockerRunner) Remove(ctx context.Context, id string) error {
	if _, stderr, err := d.docker(ctx, nil, "rm", "-f", "-v", id); err != nil {
		return fmt.Errorf("docker rm %s: %w: %s", id, err, firstLine(stderr))
	}
	return nil
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
