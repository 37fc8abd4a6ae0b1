package sbom

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing/fstest"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/harden-dev/harden/fsindex"
)

// maxLockFile bounds a lock file given directly.
const maxLockFile = 256 << 20

// FromPath lists the packages of a directory ("dir:PATH" or a directory
// path: read as an image's root filesystem) or of one lock or manifest file
// (package-lock.json, go.mod, a dpkg status file, ...), through the same
// index and extractors as an image: fsindex.FromFS indexes the path, no
// image is made.
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
		x, err := indexDir(ctx, dir, opts)
		if err != nil {
			return nil, err
		}
		return Generate(ctx, x, append([]Option{WithSource(Source{Name: dir, Kind: "directory"})}, opts...)...)
	}
	fsys, inner, err := fileTree(p)
	if err != nil {
		return nil, err
	}
	x, err := fsindex.FromFS(ctx, fsys, fsindex.WithWants(Wants(opts...)...))
	if err != nil {
		return nil, err
	}
	s, err := Generate(ctx, x, append([]Option{WithSource(Source{Name: p, Kind: "file"})}, opts...)...)
	if err != nil {
		return nil, err
	}
	// the one-file tree is an implementation detail: report the file as given
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

// indexDir indexes a directory as a root filesystem; its one layer is
// described as image's "dir:" source describes it.
func indexDir(ctx context.Context, dir string, opts []Option) (*fsindex.Index, error) {
	st, err := os.Stat(dir)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, fmt.Errorf("dir:%s: %w", dir, err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("dir:%s: not a directory", dir)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("dir:%s: %w", dir, err)
	}
	cfg := &v1.ConfigFile{OS: "linux", Architecture: runtime.GOARCH, RootFS: v1.RootFS{Type: "layers"},
		History: []v1.History{{CreatedBy: "dir:" + abs, Comment: "unpacked root filesystem"}}}
	return fsindex.FromFS(ctx, os.DirFS(abs), fsindex.WithConfig(cfg), fsindex.WithWants(Wants(opts...)...))
}

// fileTree puts one file in an in-memory tree, at the path its extractor
// expects: a dpkg status file at /var/lib/dpkg/status, an apk database at
// /lib/apk/db/installed, any other file under / by its name.
func fileTree(p string) (fs.FS, string, error) {
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
	// fstest.MapFS is the standard library's in-memory fs.FS.
	return fstest.MapFS{inner[1:]: {Data: data, Mode: 0o644, ModTime: time.Unix(0, 0)}}, inner, nil
}
