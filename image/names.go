package image

import (
	"context"
	"fmt"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// RunName is the name to put in a docker run line: the engine's or the
// registry's name for the image, its first tag, or its reference.
func (i *Image) RunName() string {
	if i.Ref.Name != "" {
		return i.Ref.Name
	}
	if len(i.Tags) > 0 {
		return i.Tags[0]
	}
	return i.Ref.String()
}

// GivenName is the name the user gave for an image from the engine or a
// registry, and "" for archives and layouts, whose tags say more.
func (i *Image) GivenName() string {
	switch i.Ref.Transport {
	case DockerDaemon, Registry:
		return i.Ref.Name
	}
	return ""
}

// EngineName is the engine's name for an image read from the engine, and
// "" for an image from anywhere else.
func (i *Image) EngineName() string {
	if i.Ref.Transport == DockerDaemon {
		return i.Ref.Name
	}
	return ""
}

// DiffIDs opens ref and returns its layers' diff IDs (a base image, to
// tell its layers from those built on it).
func DiffIDs(ctx context.Context, ref string, opts ...Option) ([]v1.Hash, error) {
	img, err := Open(ctx, ref, opts...)
	if err != nil {
		return nil, err
	}
	defer img.Close()
	cfg, err := img.ConfigFile()
	if err != nil {
		return nil, fmt.Errorf("reading config: %w", err)
	}
	return cfg.RootFS.DiffIDs, nil
}
