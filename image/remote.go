package image

import (
	"context"
	"crypto/tls"
	"net/http"

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

// RegistryTransport returns the HTTP transport Open uses for registries,
// for a caller that wraps it (to bound what a registry may send); give the
// wrapper with remote.WithTransport after RegistryOptions' options.
func RegistryTransport(opts ...Option) (http.RoundTripper, error) {
	o, err := makeOptions(opts...)
	if err != nil {
		return nil, err
	}
	return o.transport(), nil
}

// transport is go-containerregistry's default transport, or for --insecure
// a copy that does not verify TLS certificates.
func (o *options) transport() http.RoundTripper {
	if !o.insecure {
		return remote.DefaultTransport
	}
	t := remote.DefaultTransport.(*http.Transport).Clone()
	t.TLSClientConfig = &tls.Config{InsecureSkipVerify: true} //nolint:gosec // the user asked for --insecure
	return t
}
