package image

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/google/go-containerregistry/pkg/name"
)

// Open reads the image ref names. ref is "transport:rest" (see Transport)
// or a bare argument, detected in this order: an existing file is an
// archive (docker save or OCI), an existing directory is an OCI layout when
// it has an oci-layout file and a root filesystem otherwise; a name is
// looked up in the Docker engine when one answers, and in its registry
// otherwise. The returned Image must be closed.
func Open(ctx context.Context, ref string, opts ...Option) (*Image, error) {
	o, err := makeOptions(opts...)
	if err != nil {
		return nil, err
	}
	r, err := ParseReference(ref)
	if err != nil {
		return nil, err
	}
	engine := "" // what the engine said of a bare name sent to its registry
	if r.Transport == Auto {
		if r, engine, err = o.detect(ctx, r.Name); err != nil {
			return nil, err
		}
	}
	img, err := o.open(ctx, r)
	if err != nil {
		if engine != "" {
			return nil, fallbackError(ref, engine, err)
		}
		return nil, err
	}
	o.log.Debug("image source chosen", "reference", ref, "transport", string(img.Ref.Transport), "source", img.Source)
	return img, nil
}

func (o *options) open(ctx context.Context, r Reference) (*Image, error) {
	switch r.Transport {
	case DockerArchive:
		return o.openArchive(r, false)
	case OCIArchive:
		return o.openArchive(r, true)
	case OCILayout:
		return o.openLayout(r)
	case Dir:
		return o.openDir(r)
	case DockerDaemon:
		return o.openDaemon(ctx, r)
	case Registry:
		return o.openRegistry(ctx, r)
	}
	return nil, fmt.Errorf("unknown transport %q", r.Transport)
}

// detect picks a transport for a bare argument. For a name sent to its
// registry it also says why the engine did not serve it, for the error
// when the registry fails too.
func (o *options) detect(ctx context.Context, arg string) (Reference, string, error) {
	if st, err := os.Stat(arg); err == nil {
		if st.IsDir() {
			if _, err := os.Stat(filepath.Join(arg, "oci-layout")); err == nil {
				o.log.Debug("argument is a directory with oci-layout", "path", arg)
				return Reference{Transport: OCILayout, Path: arg}, "", nil
			}
			o.log.Debug("argument is a directory without oci-layout: reading it as a root filesystem", "path", arg)
			return Reference{Transport: Dir, Path: arg}, "", nil
		}
		o.log.Debug("argument is an existing file: reading it as an image archive", "path", arg)
		return Reference{Transport: DockerArchive, Path: arg}, "", nil
	}
	if looksLikePath(arg) {
		return Reference{}, "", fmt.Errorf("%s: no such file or directory", arg)
	}
	if _, err := name.ParseReference(arg, o.nameOptions()...); err != nil {
		return Reference{}, "", fmt.Errorf("%q is neither an existing file nor a valid image name: %w", arg, err)
	}
	c, err := o.daemonClient(ctx)
	if err != nil {
		o.log.Debug("no docker engine; trying the registry", "image", arg, "reason", err.Error())
		return Reference{Transport: Registry, Name: arg}, "no Docker engine answers", nil
	}
	if _, err := c.ImageInspect(ctx, arg); err != nil {
		if !cerrdefs.IsNotFound(err) {
			o.log.Debug("docker engine could not inspect the image; trying the registry", "image", arg, "reason", err.Error())
			return Reference{Transport: Registry, Name: arg}, "the Docker engine could not inspect it (" + firstLine(err).Error() + ")", nil
		}
		o.log.Debug("image not in the docker engine; trying the registry", "image", arg)
		return Reference{Transport: Registry, Name: arg}, "not in the Docker engine", nil
	}
	o.log.Debug("image found in the docker engine", "image", arg)
	return Reference{Transport: DockerDaemon, Name: arg}, "", nil
}

// looksLikePath tells a missing file from an image name: names never start
// with ".", "/" or "~" and never end in an archive extension.
func looksLikePath(s string) bool {
	if strings.HasPrefix(s, ".") || strings.HasPrefix(s, "/") || strings.HasPrefix(s, "~") {
		return true
	}
	for _, ext := range []string{".tar", ".tar.gz", ".tgz", ".tar.zst"} {
		if strings.HasSuffix(s, ext) {
			return true
		}
	}
	return false
}
