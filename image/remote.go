package image

import (
	"context"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// RegistryOptions returns the go-containerregistry name and remote options
// Open uses to reach a registry (credentials, platform, --insecure's plain
// HTTP and unverified TLS), so code that talks to a registry without
// opening an image (a catalog walk) reaches it the same way.
func RegistryOptions(ctx context.Context, opts ...Option) ([]name.Option, []remote.Option, error) {
	o, err := makeOptions(opts...)
	if err != nil {
		return nil, nil, err
	}
	return o.nameOptions(), o.remoteOptions(ctx), nil
}
