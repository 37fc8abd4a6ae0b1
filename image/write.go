package image

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/moby/moby/client"
)

// Write stores img where ref says: docker-daemon:NAME[:TAG] (loaded into the
// engine), docker-archive:PATH (a docker save tarball), oci:DIR[:TAG] (an OCI
// layout, created or added to), oci-archive:PATH (a tar of a layout) or
// registry:REF (pushed). Files appear only when complete: a failed write
// leaves no half-written archive or layout.
func Write(ctx context.Context, img v1.Image, ref string, opts ...Option) error {
	o, err := makeOptions(opts...)
	if err != nil {
		return err
	}
	r, err := ParseReference(ref)
	if err != nil {
		return err
	}
	switch r.Transport {
	case DockerArchive:
		tag, err := o.archiveTag(r)
		if err != nil {
			return err
		}
		return writeAtomically(r.Path, func(f *os.File) error { return tarball.Write(tag, img, f) })
	case OCIArchive:
		return writeAtomically(r.Path, func(f *os.File) error { return writeOCIArchive(f, img, o.tempDir) })
	case OCILayout:
		return writeLayout(r.Path, r.Name, img)
	case DockerDaemon:
		return o.writeDaemon(ctx, r, img)
	case Registry:
		n, err := name.ParseReference(r.Name, o.nameOptions()...)
		if err != nil {
			return fmt.Errorf("%s: bad image name: %w", r, err)
		}
		if err := remote.Write(n, img, o.remoteOptions(ctx)...); err != nil {
			return fmt.Errorf("pushing %s: %w", r, firstLine(err))
		}
		return nil
	case Dir:
		return fmt.Errorf("%s: harden does not write images as directories; use oci:DIR instead", r)
	}
	return fmt.Errorf("%q: say where to write the image with a transport (docker-daemon:, docker-archive:, oci:, oci-archive:, registry:)", ref)
}

// archiveTag is the RepoTag a docker-archive gets: harden/NAME:latest from
// the file name, so `docker load` gives the image a name.
func (o *options) archiveTag(r Reference) (name.Tag, error) {
	base := filepath.Base(r.Path)
	for _, ext := range []string{".tar.gz", ".tgz", ".tar"} {
		if len(base) > len(ext) && base[len(base)-len(ext):] == ext {
			base = base[:len(base)-len(ext)]
			break
		}
	}
	t, err := name.NewTag("harden/"+sanitizeRepo(base)+":latest", name.WeakValidation)
	if err != nil {
		return name.Tag{}, fmt.Errorf("%s: %w", r, err)
	}
	return t, nil
}

// sanitizeRepo makes a repository name component from a file name.
func sanitizeRepo(s string) string {
	b := []byte{}
	for _, c := range []byte(s) {
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
			b = append(b, c)
		case c >= 'A' && c <= 'Z':
			b = append(b, c+'a'-'A')
		case c == '-' || c == '_' || c == '.':
			if len(b) > 0 {
				b = append(b, c)
			}
		}
	}
	if len(b) == 0 {
		return "image"
	}
	return string(b)
}

// writeAtomically writes to a temp file beside dst and renames it into place.
func writeAtomically(dst string, write func(*os.File) error) error {
	dir := filepath.Dir(dst)
	f, err := os.CreateTemp(dir, "."+filepath.Base(dst)+".tmp-*")
	if err != nil {
		return fmt.Errorf("writing %s: %w", dst, pathError(err))
	}
	err = write(f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(f.Name(), 0o644)
	}
	if err == nil {
		err = os.Rename(f.Name(), dst)
	}
	if err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("writing %s: %w", dst, err)
	}
	return nil
}

// writeLayout writes img into the OCI layout at dir. A new layout is built in
// a temp dir and renamed into place; an existing one gets the blobs first and
// the index entry last, so a reader never sees a manifest with missing blobs.
func writeLayout(dir, tag string, img v1.Image) error {
	var annotations map[string]string
	if tag != "" {
		annotations = map[string]string{refNameAnnotation: tag}
	}
	if _, err := os.Stat(filepath.Join(dir, "oci-layout")); err == nil {
		p, err := layout.FromPath(dir)
		if err != nil {
			return fmt.Errorf("opening layout %s: %w", dir, err)
		}
		if tag != "" {
			// replace the manifest that had this tag, as a tag moves
			if err := p.ReplaceImage(img, layoutTagMatcher(tag), layout.WithAnnotations(annotations)); err != nil {
				return fmt.Errorf("writing to layout %s: %w", dir, err)
			}
			return nil
		}
		if err := p.AppendImage(img); err != nil {
			return fmt.Errorf("writing to layout %s: %w", dir, err)
		}
		return nil
	}
	if _, err := os.Stat(dir); err == nil {
		entries, _ := os.ReadDir(dir)
		if len(entries) > 0 {
			return fmt.Errorf("%s exists and is not an OCI layout; refusing to write into it", dir)
		}
		if err := os.Remove(dir); err != nil {
			return err
		}
	}
	parent := filepath.Dir(dir)
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(dir)+".tmp-*")
	if err != nil {
		return fmt.Errorf("writing layout %s: %w", dir, pathError(err))
	}
	p, err := layout.Write(tmp, empty.Index)
	if err == nil {
		err = p.AppendImage(img, layout.WithAnnotations(annotations))
	}
	if err == nil {
		err = os.Chmod(tmp, 0o755)
	}
	if err == nil {
		err = os.Rename(tmp, dir)
	}
	if err != nil {
		os.RemoveAll(tmp)
		return fmt.Errorf("writing layout %s: %w", dir, err)
	}
	return nil
}

func layoutTagMatcher(tag string) func(v1.Descriptor) bool {
	return func(d v1.Descriptor) bool { return d.Annotations[refNameAnnotation] == tag }
}

// writeOCIArchive writes img as a layout into a temp dir and tars it to w.
func writeOCIArchive(w io.Writer, img v1.Image, tempDir string) error {
	tmp, err := os.MkdirTemp(tempDir, "harden-oci-out-*")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	dir := filepath.Join(tmp, "layout")
	if err := writeLayout(dir, "", img); err != nil {
		return err
	}
	return writeDirTar(w, dir)
}

// writeDaemon loads img into the engine as r.Name, streaming a docker save
// tarball into the load call (the engine makes the load atomic).
func (o *options) writeDaemon(ctx context.Context, r Reference, img v1.Image) error {
	tag, err := name.NewTag(r.Name, name.WeakValidation)
	if err != nil {
		return fmt.Errorf("%s: bad image name: %w", r, err)
	}
	c, err := o.daemonClient(ctx)
	if err != nil {
		return fmt.Errorf("%s: %w", r, err)
	}
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(tarball.Write(tag, img, pw)) }()
	res, err := c.ImageLoad(ctx, pr, client.ImageLoadWithQuiet(true))
	if err != nil {
		pr.CloseWithError(err)
		return fmt.Errorf("loading %s into the docker engine: %w", r, firstLine(err))
	}
	defer res.Close()
	out, err := io.ReadAll(io.LimitReader(res, 1<<20))
	if err != nil {
		return fmt.Errorf("loading %s into the docker engine: %w", r, err)
	}
	if msg := loadError(out); msg != "" {
		return fmt.Errorf("loading %s into the docker engine: %s", r, msg)
	}
	return nil
}

// loadError finds an error message in the engine's JSON load stream.
func loadError(out []byte) string {
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var msg struct {
			Error string `json:"error"`
		}
		if err := dec.Decode(&msg); err != nil {
			return ""
		}
		if msg.Error != "" {
			return msg.Error
		}
	}
}
