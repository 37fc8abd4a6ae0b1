package minify

import (
	"context"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// Runner is the part of a container engine Verify and Trace use. Every
// container it starts uses the host network (so it is reached on
// 127.0.0.1) and must be removed by the caller. DockerRunner implements it
// with the docker CLI; tests pass a fake.
type Runner interface {
	// Load puts img into the engine under tag.
	Load(ctx context.Context, img v1.Image, tag string) error
	// RemoveImage removes a tag Load made.
	RemoveImage(ctx context.Context, tag string) error
	// Start starts a container in the background and returns its ID.
	Start(ctx context.Context, spec RunSpec) (string, error)
	// Run runs a container to the end and returns its exit code and output.
	Run(ctx context.Context, spec RunSpec) (RunResult, error)
	// State reports whether a container runs, its exit code and the host
	// PID of its main process.
	State(ctx context.Context, id string) (ContainerState, error)
	// Signal sends a signal ("USR1") to a container's main process.
	Signal(ctx context.Context, id, signal string) error
	// Logs returns a container's output, bounded.
	Logs(ctx context.Context, id string) (string, error)
	// Remove removes a container, running or not.
	Remove(ctx context.Context, id string) error
}

// RunSpec describes one container.
type RunSpec struct {
	// Image is a reference the engine knows.
	Image string
	// Name is the container's name (unique; harden-verify-...).
	Name string
	// Entrypoint and Args replace the image's when set.
	Entrypoint []string
	Args       []string
	// Env adds environment variables (KEY=VALUE).
	Env []string
	// User runs the container as this user.
	User string
	// Hardened adds --read-only --cap-drop ALL --security-opt
	// no-new-privileges.
	Hardened bool
	// Mounts are read-only bind mounts of host files.
	Mounts []Mount
}

// Mount is a read-only bind mount.
type Mount struct {
	Source, Target string
}

// RunResult is how a container that ran to the end finished.
type RunResult struct {
	ExitCode       int
	Stdout, Stderr string
}

// ContainerState is what State reports.
type ContainerState struct {
	Running  bool
	ExitCode int
	Pid      int
}
