package base

import (
	"archive/tar"
	"fmt"
	"io"
	"os"
	"path"
	"sort"
	"strings"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/harden-dev/harden/internal/layerfile"
)

// AddFile is a host file to put into the image, root-owned, with its mode.
type AddFile struct {
	Source string // a regular file on the host
	Target string // an absolute path in the image
}

// ParseAdd reads SRC:DST.
func ParseAdd(s string) (AddFile, error) {
	src, dst, ok := strings.Cut(s, ":")
	if !ok || src == "" || !strings.HasPrefix(dst, "/") || path.Clean(dst) != dst || dst == "/" {
		return AddFile{}, fmt.Errorf("--add %q: want HOSTFILE:/ABSOLUTE/PATH", s)
	}
	return AddFile{Source: src, Target: dst}, nil
}

// AddFiles puts host files into one more layer on top of img (an
// application on a distroless base, as ko does): regular files only, owned
// by root, mode and content kept, times set to epoch so the same files give
// the same digest. Parent directories are made 0755.
func AddFiles(img v1.Image, files []AddFile, epoch time.Time) (v1.Image, error) {
	if len(files) == 0 {
		return img, nil
	}
	sort.Slice(files, func(i, j int) bool { return files[i].Target < files[j].Target })
	lw, err := layerfile.Create("", "")
	if err != nil {
		return nil, err
	}
	tw := tar.NewWriter(lw)
	dirs := map[string]bool{}
	for _, f := range files {
		st, err := os.Stat(f.Source)
		if err != nil {
			lw.Abort()
			return nil, fmt.Errorf("--add: %w", err)
		}
		if !st.Mode().IsRegular() {
			lw.Abort()
			return nil, fmt.Errorf("--add %s: not a regular file", f.Source)
		}
		var parents []string
		for d := path.Dir(f.Target); d != "/" && !dirs[d]; d = path.Dir(d) {
			parents = append(parents, d)
			dirs[d] = true
		}
		for i := len(parents) - 1; i >= 0; i-- {
			h := &tar.Header{Typeflag: tar.TypeDir, Name: strings.TrimPrefix(parents[i], "/") + "/", Mode: 0o755, ModTime: epoch, Format: tar.FormatPAX}
			if err := tw.WriteHeader(h); err != nil {
				lw.Abort()
				return nil, err
			}
		}
		h := &tar.Header{Typeflag: tar.TypeReg, Name: strings.TrimPrefix(f.Target, "/"), Mode: int64(st.Mode().Perm()), Size: st.Size(), ModTime: epoch, Format: tar.FormatPAX}
		if err := tw.WriteHeader(h); err != nil {
			lw.Abort()
			return nil, err
		}
		in, err := os.Open(f.Source)
		if err != nil {
			lw.Abort()
			return nil, err
		}
		_, err = io.Copy(tw, in)
		in.Close()
		if err != nil {
			lw.Abort()
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		lw.Abort()
		return nil, err
	}
	fl, err := lw.Close()
	if err != nil {
		return nil, err
	}
	layer, err := fl.V1()
	if err != nil {
		return nil, err
	}
	var names []string
	for _, f := range files {
		names = append(names, f.Target)
	}
	return mutate.Append(img, mutate.Addendum{Layer: layer, History: v1.History{Created: v1.Time{Time: epoch},
		CreatedBy: "harden base --add", Comment: strings.Join(names, " ")}})
}
