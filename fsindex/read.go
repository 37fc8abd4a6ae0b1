package fsindex

import (
	"archive/tar"
	"context"
	"errors"
	"fmt"
	"io"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// ReadFiles reads the visible version of the regular files pick selects, in
// one more pass over only the layers that hold them, and calls fn with each
// file's content. It is how a new filesystem is made from an indexed image
// (minify) without keeping every file in memory. img must be the image x was
// built from; layer digests are checked again. If a layer lists a path
// twice, fn sees each occurrence, the visible one last.
func (x *Index) ReadFiles(ctx context.Context, img v1.Image, pick func(*Entry) bool, fn func(*Entry, io.Reader) error) error {
	need := map[int]map[string]*Entry{}
	for _, p := range x.paths {
		e := x.byPath[p]
		if e.Type != TypeRegular || !pick(e) {
			continue
		}
		if need[e.Layer] == nil {
			need[e.Layer] = map[string]*Entry{}
		}
		need[e.Layer][e.Path] = e
	}
	if len(need) == 0 {
		return nil
	}
	layers, err := img.Layers()
	if err != nil {
		return fmt.Errorf("reading layer list: %w", err)
	}
	if len(layers) != len(x.Layers) {
		return fmt.Errorf("image has %d layers, the index %d: not the same image", len(layers), len(x.Layers))
	}
	for i, l := range layers {
		files := need[i]
		if len(files) == 0 {
			continue
		}
		if err := x.readLayerFiles(ctx, l, i, files, fn); err != nil {
			return fmt.Errorf("layer %d (%s): %w", i, shortDigest(x.Layers[i]), err)
		}
	}
	return nil
}

func (x *Index) readLayerFiles(ctx context.Context, l v1.Layer, i int, files map[string]*Entry, fn func(*Entry, io.Reader) error) error {
	s, err := openLayerStream(ctx, l, nil, true)
	if err != nil {
		return err
	}
	defer s.Close()
	tr := tar.NewReader(s.tar)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("corrupt layer tar: %w", decompressError(err))
		}
		if h.Typeflag != tar.TypeReg && h.Typeflag != tar.TypeRegA && h.Typeflag != tar.TypeGNUSparse {
			continue
		}
		name, problem := cleanName(h.Name)
		if problem != "" {
			continue
		}
		e, ok := files[name]
		if !ok {
			continue
		}
		lr := &io.LimitedReader{R: tr, N: h.Size}
		if err := fn(e, lr); err != nil {
			return err
		}
		if lr.N != 0 {
			if _, err := io.Copy(io.Discard, lr); err != nil {
				return fmt.Errorf("reading %s: %w", name, truncated(err))
			}
		}
	}
	return s.finish(l, x.Layers[i].DiffID)
}
