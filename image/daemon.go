package image

import (
	"context"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	cerrdefs "github.com/containerd/errdefs"
)

// openDaemon exports the image from the engine once (`docker save`) into a
// spool file and reads that, so memory stays flat however large the image
// is. go-containerregistry's daemon package buffers the whole image in
// memory by default, and its file-buffered mode removes the spool only when
// the garbage collector runs, so harden does the spooling itself.
func (o *options) openDaemon(ctx context.Context, ref Reference) (*Image, error) {
	c, err := o.daemonClient(ctx)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", ref, err)
	}
	insp, err := c.ImageInspect(ctx, ref.Name)
	if err != nil {
		if cerrdefs.IsNotFound(err) {
			return nil, fmt.Errorf("%s: no such image in the docker engine", ref)
		}
		return nil, fmt.Errorf("%s: inspecting image: %w", ref, firstLine(err))
	}
	tmp, err := os.CreateTemp(o.tempDir, "harden-daemon-*.tar")
	if err != nil {
		return nil, fmt.Errorf("%s: spooling image: %w", ref, err)
	}
	img := &Image{Ref: ref, cleanup: []func() error{func() error { return os.Remove(tmp.Name()) }}}
	o.log.Debug("exporting image from the docker engine", "image", ref.Name, "id", insp.ID, "spool", tmp.Name())
	// `docker save NAME` without a tag saves every tag of the repository;
	// harden means the image `docker run NAME` would run: NAME:latest (an
	// image ID is left alone).
	if t := withDefaultTag(ref.Name); t != ref.Name && slices.Contains(insp.RepoTags, t) {
		ref.Name = t
		img.Ref.Name = t
	}
	rc, err := c.ImageSave(ctx, []string{ref.Name})
	if err == nil {
		_, err = io.Copy(tmp, rc)
		rc.Close()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		img.Close()
		return nil, fmt.Errorf("%s: exporting image: %w", ref, firstLine(err))
	}
	info, err := scanArchive(tmp.Name())
	if err != nil {
		img.Close()
		return nil, fmt.Errorf("%s: reading exported image: %w", ref, err)
	}
	if info.manifest == nil && info.has("oci-layout") {
		err = o.fromOCITar(img, tmp.Name(), "")
	} else {
		err = o.fromDockerTar(img, tmp.Name(), info)
	}
	if err != nil {
		img.Close()
		return nil, fmt.Errorf("%s: %w", ref, err)
	}
	img.Tags = insp.RepoTags
	if len(img.Tags) == 0 && !strings.HasPrefix(ref.Name, "sha256:") {
		img.Tags = []string{ref.Name}
	}
	img.Source = "docker engine image " + insp.ID
	return img, nil
}

// withDefaultTag adds ":latest" to a name with neither a tag nor a digest
// (an image ID is left alone).
func withDefaultTag(name string) string {
	if strings.Contains(name, "@") || strings.HasPrefix(name, "sha256:") {
		return name
	}
	if strings.Contains(name[strings.LastIndex(name, "/")+1:], ":") {
		return name
	}
	return name + ":latest"
}
