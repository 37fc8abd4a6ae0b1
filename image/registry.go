package image

import (
	"context"
	"errors"
	"fmt"
	"net"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// nameOptions parses names the way the user asked: --insecure lets a
// registry be reached over plain HTTP.
func (o *options) nameOptions() []name.Option {
	opts := []name.Option{name.WeakValidation}
	if o.insecure {
		opts = append(opts, name.Insecure)
	}
	return opts
}

// remoteOptions carries credentials (the default keychain reads
// ~/.docker/config.json and runs credential helpers), the platform and the
// context to go-containerregistry.
func (o *options) remoteOptions(ctx context.Context) []remote.Option {
	opts := []remote.Option{
		remote.WithContext(ctx),
		remote.WithAuthFromKeychain(o.keychain),
		remote.WithPlatform(o.platform),
	}
	if o.insecure {
		opts = append(opts, remote.WithTransport(o.transport()))
	}
	return opts
}

// openRegistry reads an image from a registry. Layers are streamed when
// read (and their digests verified by go-containerregistry), never buffered.
func (o *options) openRegistry(ctx context.Context, ref Reference) (*Image, error) {
	r, err := name.ParseReference(ref.Name, o.nameOptions()...)
	if err != nil {
		return nil, fmt.Errorf("%s: bad image name: %w", ref, err)
	}
	img, err := remote.Image(r, o.remoteOptions(ctx)...)
	if err != nil {
		return nil, &registryError{ref: ref, registry: r.Context().RegistryStr(), err: err}
	}
	ls, err := img.Layers()
	if err != nil {
		return nil, fmt.Errorf("%s: reading layers: %w", ref, err)
	}
	return &Image{
		Image:  img,
		Ref:    ref,
		Tags:   []string{r.Name()},
		Source: "registry " + r.Context().RegistryStr(),
		layers: wrapCompressed(ls),
	}, nil
}

// registryError is a registry that did not give the image: unreachable, or
// it answered with an error.
type registryError struct {
	ref      Reference
	registry string
	err      error
}

func (e *registryError) Error() string { return fmt.Sprintf("%s: %v", e.ref, firstLine(e.err)) }

func (e *registryError) Unwrap() error { return e.err }

// unreachable reports whether the registry could not be reached at all
// (DNS, connection, timeout) rather than answering with an error.
func (e *registryError) unreachable() bool {
	var ne net.Error
	return errors.As(e.err, &ne)
}

// cause is the network error alone when the registry was not reached
// ("lookup index.docker.io ...: no such host"), else the first line of the
// registry's answer.
func (e *registryError) cause() string {
	var op *net.OpError
	if errors.As(e.err, &op) {
		return op.Err.Error()
	}
	var dns *net.DNSError
	if errors.As(e.err, &dns) {
		return dns.Error()
	}
	return firstLine(e.err).Error()
}

// fallbackError is the one line for a bare name that neither the engine
// nor its registry gave: what the engine said, then what the registry did.
func fallbackError(arg, engine string, err error) error {
	var re *registryError
	if !errors.As(err, &re) {
		return fmt.Errorf("%s: %s; %w", arg, engine, err)
	}
	if re.unreachable() {
		return fmt.Errorf("%s: %s, and registry %s could not be reached (%s)", arg, engine, re.registry, re.cause())
	}
	return fmt.Errorf("%s: %s, and registry %s did not give it: %s", arg, engine, re.registry, re.cause())
}
