package sbom

import (
	"archive/tar"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/harden-dev/harden/fsindex"
	"github.com/harden-dev/harden/image"
)

// maxLockFile bounds a lock file given directly.
const maxLockFile = 256 << 20

// FromPath lists the packages of a directory ("dir:PATH" or a directory
// path: read as an image's root filesystem) or of one lock or manifest file
// (package-lock.json, go.mod, a dpkg status file, ...), through the same
// index and extractors as an image.
func FromPath(ctx context.Context, p string, opts ...Option) (*SBOM, error) {
	dir, isDir := strings.CutPrefix(p, "dir:")
	if !isDir {
		st, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		isDir = st.IsDir()
		dir = p
	}
	if isDir {
		img, err := image.Open(ctx, "dir:"+dir)
		if err != nil {
			return nil, err
		}
		defer img.Close()
		x, err := fsindex.Build(ctx, img, fsindex.WithWants(Wants(opts...)...))
		if err != nil {
			return nil, err
		}
		return Generate(ctx, x, append([]Option{WithSource(Source{Name: dir, Kind: "directory"})}, opts...)...)
	}
	img, inner, err := fileImage(p)
	if err != nil {
		return nil, err
	}
	x, err := fsindex.Build(ctx, img, fsindex.WithWants(Wants(opts...)...))
	if err != nil {
		return nil, err
	}
	s, err := Generate(ctx, x, append([]Option{WithSource(Source{Name: p, Kind: "file"})}, opts...)...)
	if err != nil {
		return nil, err
	}
	// the synthetic image is an implementation detail: report the file as given
	s.Layers = nil
	for i := range s.Packages {
		for j := range s.Packages[i].Locations {
			l := &s.Packages[i].Locations[j]
			if l.Path == inner {
				l.Path = p
			}
			l.Layer, l.Origin = nil, ""
		}
	}
	s.Summarize()
	return s, nil
}

// fileImage wraps one file in a one-layer image, at the path its
// extractor expects: a dpkg status file at /var/lib/dpkg/status, an apk
// database at /lib/apk/db/installed, any other file under / by its name.
func fileImage(p string) (v1.Image, string, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, "", err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxLockFile+1))
	if err != nil {
		return nil, "", err
	}
	if len(data) > maxLockFile {
		return nil, "", fmt.Errorf("%s is larger than %d bytes", p, maxLockFile)
	}
	inner := "/" + filepath.Base(p)
	switch {
	case filepath.Base(p) == "status" && bytes.Contains(data, []byte("\nStatus: ")) || bytes.HasPrefix(data, []byte("Package: ")):
		inner = "/var/lib/dpkg/status"
	case filepath.Base(p) == "installed" && bytes.HasPrefix(data, []byte("C:")) || bytes.HasPrefix(data, []byte("P:")):
		inner = "/lib/apk/db/installed"
	}
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	if err := tw.WriteHeader(&tar.Header{Name: inner[1:], Mode: 0o644, Size: int64(len(data)), ModTime: time.Unix(0, 0), Typeflag: tar.TypeReg}); err != nil {
		return nil, "", err
	}
	if _, err := tw.Write(data); err != nil {
		return nil, "", err
	}
	if err := tw.Close(); err != nil {
		return nil, "", err
	}
	layerBytes := buf.Bytes()
	layer, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(layerBytes)), nil
	})
	if err != nil {
		return nil, "", err
	}
	img, err := mutate.AppendLayers(empty.Image, layer)
	if err != nil {
		return nil, "", err
	}
	return img, inner, nil
}
