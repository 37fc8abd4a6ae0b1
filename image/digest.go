package image

import (
	"context"
	"fmt"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// Digest returns the digest a tag points to in its registry: the image
// index's for a multi-platform image, else the manifest's (what
// `name:tag@sha256:…` must name to pin every platform). It asks with HEAD
// and falls back to GET where the registry gives no digest on HEAD.
func Digest(ctx context.Context, ref string, opts ...Option) (string, error) {
	o, err := makeOptions(opts...)
	if err != nil {
		return "", err
	}
	r, err := name.ParseReference(ref, o.nameOptions()...)
	if err != nil {
		return "", fmt.Errorf("%s: bad image name: %w", ref, err)
	}
	ro := o.remoteOptions(ctx)
	if d, err := remote.Head(r, ro...); err == nil {
		return d.Digest.String(), nil
	}
	d, err := remote.Get(r, ro...)
	if err != nil {
		return "", fmt.Errorf("%s: %w", ref, firstLine(err))
	}
	return d.Digest.String(), nil
}

// DaemonDigest returns the registry digest the Docker engine recorded for
// a local image (its RepoDigests entry for the image's repository), for
// pinning without a registry.
func DaemonDigest(ctx context.Context, ref string, opts ...Option) (string, error) {
	o, err := makeOptions(opts...)
	if err != nil {
		return "", err
	}
	c, err := o.daemonClient(ctx)
	if err != nil {
		return "", err
	}
	insp, err := c.ImageInspect(ctx, ref)
	if err != nil {
		return "", fmt.Errorf("%s: not in the docker engine: %w", ref, firstLine(err))
	}
	r, err := name.ParseReference(ref, name.WeakValidation)
	if err != nil {
		return "", fmt.Errorf("%s: bad image name: %w", ref, err)
	}
	repo := r.Context().Name()
	for _, rd := range insp.RepoDigests {
		n, d, ok := strings.Cut(rd, "@")
		if !ok {
			continue
		}
		if pr, err := name.ParseReference(n, name.WeakValidation); err == nil && pr.Context().Name() == repo {
			return d, nil
		}
	}
	return "", fmt.Errorf("%s: the docker engine has no registry digest for it (built or loaded locally, never pulled or pushed)", ref)
}
