package minify

import (
	"context"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/harden-dev/harden/engine"
)

// Runner is the part of the container engine Verify and Trace use; an
// *engine.Engine is one. Every container it starts gets its own network
// namespace with the probed ports published on 127.0.0.1, and must be
// removed by the caller.
type Runner interface {
	// Load puts img into the engine under tag.
	Load(ctx context.Context, img v1.Image, tag string) error
	// RemoveImage removes a tag Load made.
	RemoveImage(ctx context.Context, tag string) error
	// Start starts a container in the background and returns its ID.
	Start(ctx context.Context, spec engine.Spec) (string, error)
	// Run runs a container to the end and returns its exit code and output.
	Run(ctx context.Context, spec engine.Spec) (engine.Result, error)
	// State reports whether a container runs, its exit code and the host
	// PID of its main process.
	State(ctx context.Context, id string) (engine.State, error)
	// Port returns the 127.0.0.1 port a published container port is on.
	Port(ctx context.Context, id string, port int) (int, error)
	// Signal sends a signal ("USR1") to a container's main process.
	Signal(ctx context.Context, id, signal string) error
	// Logs returns a container's output, bounded.
	Logs(ctx context.Context, id string) (string, error)
	// Remove removes a container, running or not.
	Remove(ctx context.Context, id string) error
}

var _ Runner = (*engine.Engine)(nil)

// removeContainer removes a container even when ctx is cancelled and says
// when it could not.
func removeContainer(ctx context.Context, r Runner, name string) error {
	rctx, cancel := engine.Cleanup(ctx)
	defer cancel()
	return r.Remove(rctx, name)
}
