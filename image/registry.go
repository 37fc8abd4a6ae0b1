package image

import (
	"context"
	"crypto/tls"
	"fmt"
	"net/http"

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
		t := remote.DefaultTransport.(*http.Transport).Clone()
		t.TLSClientConfig = &tls.Config{InsecureSkipVerify: true} //nolint:gosec // the user asked for --insecure
		opts = append(opts, remote.WithTransport(t))
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
		return nil, fmt.Errorf("%s: %w", ref, firstLine(err))
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
