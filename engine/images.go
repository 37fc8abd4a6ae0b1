package engine

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

// Load streams img into the engine under tag (docker load).
func (e *Engine) Load(ctx context.Context, img v1.Image, tag string) error {
	t, err := name.NewTag(tag, name.WeakValidation)
	if err != nil {
		return fmt.Errorf("bad tag %q: %w", tag, err)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	// let a load that started finish (see settle): the caller removes the
	// tag afterwards, which it could not do for a load the engine
	// completes after harden gave up on it
	sctx, cancel := settle(ctx)
	defer cancel()
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(tarball.Write(t, img, pw)) }()
	_, stderr, err := e.docker(sctx, pr, "load", "-q")
	pr.Close()
	if err != nil {
		return fmt.Errorf("docker load %s: %s", tag, errLine(err, stderr))
	}
	return ctx.Err()
}

// LoadArchive loads a docker-archive file and returns the name (or ID)
// the engine reports for it.
func (e *Engine) LoadArchive(ctx context.Context, path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	stdout, stderr, err := e.docker(ctx, f, "load")
	if err != nil {
		return "", fmt.Errorf("docker load %s: %s", path, errLine(err, stderr))
	}
	loaded := ""
	for _, l := range strings.Split(stdout, "\n") {
		for _, p := range []string{"Loaded image: ", "Loaded image ID: "} {
			if v, ok := strings.CutPrefix(strings.TrimSpace(l), p); ok {
				loaded = v
			}
		}
	}
	if loaded == "" {
		return "", fmt.Errorf("docker load of %s named no image", path)
	}
	return loaded, nil
}

// Save writes ref as a docker-archive file at path (docker save).
func (e *Engine) Save(ctx context.Context, ref, path string) error {
	_, err := e.check(ctx, "save", "-o", path, ref)
	return err
}

// Tag gives the image src the name dst.
func (e *Engine) Tag(ctx context.Context, src, dst string) error {
	_, err := e.check(ctx, "tag", src, dst)
	return err
}

// ImageID returns the engine's ID of an image ("sha256:..."), or an error
// when it does not have it.
func (e *Engine) ImageID(ctx context.Context, ref string) (string, error) {
	out, err := e.check(ctx, "image", "inspect", "--format", "{{.Id}}", ref)
	return strings.TrimSpace(out), err
}

// HasImage reports whether the engine has an image.
func (e *Engine) HasImage(ctx context.Context, ref string) bool {
	_, err := e.ImageID(ctx, ref)
	return err == nil
}

// Build builds dockerfile with context dir into tag with the legacy
// builder (which uses local bases; BuildKit would try to pull them).
func (e *Engine) Build(ctx context.Context, dockerfile, dir, tag string) error {
	cmd := e.command(ctx, "build", "-q", "--network", "host", "-f", dockerfile, "-t", tag, dir)
	cmd.Env = append(os.Environ(), "DOCKER_BUILDKIT=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("docker build: %s", strings.TrimSpace(string(out)))
	}
	return nil
}

// RemoveImage removes a tag (the image goes with its last tag).
func (e *Engine) RemoveImage(ctx context.Context, ref string) error {
	_, err := e.check(ctx, "rmi", "--no-prune", ref)
	return err
}
