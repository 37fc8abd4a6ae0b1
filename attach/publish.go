package attach

import (
	"context"
	"fmt"

	"github.com/harden-dev/harden/image"
)

// Publish attaches res to the image ref names in its registry (a harden
// image reference, registry:NAME), the image that was read with the config
// digest config: when the name has since moved to another image nothing is
// attached, so a result never lands on an image it does not describe.
func Publish(ctx context.Context, ref, config string, res Result, opts ...Option) (Attached, error) {
	r, err := image.ParseReference(ref)
	if err != nil {
		return Attached{}, err
	}
	if r.Transport != image.Registry {
		return Attached{}, fmt.Errorf("%s was not read from a registry (name it registry:NAME)", ref)
	}
	sub, err := Resolve(ctx, r.Name, opts...)
	if err != nil {
		return Attached{}, err
	}
	if sub.Config.String() != config {
		return Attached{}, fmt.Errorf("%s now names image %s, not the %s that was read; nothing attached", ref, sub.Config, config)
	}
	return Push(ctx, sub, res, opts...)
}

// RegistryName is the image name of ref, a harden image reference that
// must name a registry image (NAME or registry:NAME): where results live.
func RegistryName(ref string) (string, error) {
	r, err := image.ParseReference(ref)
	if err != nil {
		return "", err
	}
	if r.Transport != image.Registry && r.Transport != image.Auto {
		return "", fmt.Errorf("%s: results live in a registry; give a registry image name", ref)
	}
	return r.Name, nil
}

// Get fetches the result with the artifact digest, which must be of the
// kind when one is given; with no digest, the newest result of the kind
// (Latest).
func Get(ctx context.Context, sub Subject, kind Kind, digest string, opts ...Option) ([]byte, Attached, error) {
	if digest == "" {
		return Latest(ctx, sub, kind, opts...)
	}
	body, info, err := Fetch(ctx, sub, digest, opts...)
	if err == nil && kind != "" && info.Kind != kind {
		return nil, Attached{}, fmt.Errorf("%s: result %s is of type %s, not %s", sub, digest, info.Kind, kind)
	}
	return body, info, err
}
