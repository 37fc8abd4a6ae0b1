package fsindex

import (
	"archive/tar"
	"bufio"
	"context"
	"fmt"
	"io"
	"io/fs"
	"sync/atomic"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/types"
	"github.com/harden-dev/harden/internal/fstar"
)

// FromFS indexes a file tree as the one layer of an image: a folder
// (os.DirFS), an unpacked root filesystem, a lock file in an in-memory
// tree. Analyzers then read it as they read an image's index, so none of
// them needs an image for a path. Wants, limits and progress work as in
// Build; symlinks are recorded, never followed. WithConfig gives the index
// its image config (default: an empty Linux config).
func FromFS(ctx context.Context, fsys fs.FS, opts ...Option) (*Index, error) {
	o, err := makeOptions(opts...)
	if err != nil {
		return nil, err
	}
	cfg := o.config
	if cfg == nil {
		cfg = &v1.ConfigFile{OS: "linux", RootFS: v1.RootFS{Type: "layers"}}
	}
	x := &Index{Config: cfg, Layers: make([]Layer, 1)}
	info := &x.Layers[0]
	info.Size, info.MediaType = -1, types.OCIUncompressedLayer
	if len(cfg.RootFS.DiffIDs) == 1 {
		info.DiffID = cfg.RootFS.DiffIDs[0]
	}
	hist := layerHistory(cfg, 1)
	info.CreatedBy, info.Comment, info.Created = hist[0].CreatedBy, hist[0].Comment, hist[0].Created.Time
	guessOrigins(cfg, x.Layers)
	if o.progress != nil {
		o.progress.Start(-1)
		defer o.progress.Done()
	}

	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(fstar.Write(pw, fsys)) }()
	defer pr.Close() // stops the writer if the walk ends early
	ts := &tarStream{br: bufio.NewReaderSize(&countingReader{r: pr, p: o.progress, ctx: ctx}, hashChunk)}
	var kept, count atomic.Int64
	p := &parser{o: o, kept: &kept, count: &count}
	if err := p.readTar(tar.NewReader(ts)); err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, err
	}
	if _, err := io.Copy(io.Discard, ts); err != nil {
		return nil, fmt.Errorf("reading the tree: %w", err)
	}
	info.UncompressedSize = ts.n
	a := newApplier(x)
	a.apply(0, &p.result)
	a.freeze()
	return x, nil
}
