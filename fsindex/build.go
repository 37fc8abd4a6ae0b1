package fsindex

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// Build indexes img in one pass over its layers. Several layers are
// decompressed and parsed at once (WithWorkers); their results are applied
// strictly in layer order, and at most workers results wait at a time, so
// memory stays bounded by the metadata plus the kept contents.
func Build(ctx context.Context, img v1.Image, opts ...Option) (*Index, error) {
	o, err := makeOptions(opts...)
	if err != nil {
		return nil, err
	}
	cfg, err := img.ConfigFile()
	if err != nil {
		return nil, fmt.Errorf("reading image config: %w", err)
	}
	layers, err := img.Layers()
	if err != nil {
		return nil, fmt.Errorf("reading layer list: %w", err)
	}
	x := &Index{Config: cfg, Layers: make([]Layer, len(layers))}
	hist := layerHistory(cfg, len(layers))
	var total int64
	for i, l := range layers {
		info := &x.Layers[i]
		info.Index = i
		info.Size = rawSize(l)
		if info.Size >= 0 && total >= 0 {
			total += info.Size
		} else {
			total = -1
		}
		if i < len(cfg.RootFS.DiffIDs) {
			info.DiffID = cfg.RootFS.DiffIDs[i]
		}
		info.Digest, info.MediaType = storedDigest(l)
		info.CreatedBy, info.Comment, info.Created = hist[i].CreatedBy, hist[i].Comment, hist[i].Created.Time
	}
	if len(cfg.RootFS.DiffIDs) != 0 && len(cfg.RootFS.DiffIDs) != len(layers) {
		return nil, fmt.Errorf("image config lists %d diff_ids for %d layers", len(cfg.RootFS.DiffIDs), len(layers))
	}
	guessOrigins(cfg, x.Layers)
	if len(o.baseDiffIDs) > 0 {
		markBase(x.Layers, o.baseDiffIDs)
	}
	if o.progress != nil {
		o.progress.Start(total)
		defer o.progress.Done()
	}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var kept, count atomic.Int64
	results := make([]chan layerOutcome, len(layers))
	for i := range results {
		results[i] = make(chan layerOutcome, 1)
	}
	// window limits how far workers run ahead of the applier.
	window := make(chan struct{}, o.workers)
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < o.workers && w < len(layers); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case window <- struct{}{}:
				case <-ctx.Done():
					return
				}
				i := int(next.Add(1) - 1)
				if i >= len(layers) {
					<-window
					return
				}
				res, err := o.parseLayer(ctx, layers[i], i, x.Layers[i].DiffID, &kept, &count)
				results[i] <- layerOutcome{res, err}
			}
		}()
	}
	defer wg.Wait()

	a := newApplier(x)
	for i := range layers {
		var out layerOutcome
		select {
		case out = <-results[i]:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		<-window
		if out.err != nil {
			cancel()
			if errors.Is(out.err, context.Canceled) && ctx.Err() != nil {
				return nil, ctx.Err()
			}
			return nil, fmt.Errorf("layer %d (%s): %w", i, shortDigest(x.Layers[i]), out.err)
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		x.Layers[i].Compressed = out.res.compressed
		x.Layers[i].UncompressedSize = out.res.uncompressedSize
		a.apply(i, out.res)
	}
	a.freeze()
	return x, nil
}

// storedDigest returns a layer's blob digest and media type when they are
// known without reading or recompressing it. go-containerregistry computes
// the digest of an uncompressed archive's layer by gzipping it, so the index
// never asks an image for its manifest.
func storedDigest(l v1.Layer) (v1.Hash, types.MediaType) {
	if s, ok := l.(interface {
		StoredDigest() (v1.Hash, types.MediaType)
	}); ok {
		return s.StoredDigest()
	}
	if d, ok := l.(interface {
		Descriptor() (*v1.Descriptor, error)
	}); ok {
		if desc, err := d.Descriptor(); err == nil {
			return desc.Digest, desc.MediaType
		}
	}
	return v1.Hash{}, ""
}

type layerOutcome struct {
	res *layerResult
	err error
}

func shortDigest(l Layer) string {
	d := l.DiffID
	if d.Hex == "" {
		d = l.Digest
	}
	if d.Hex == "" {
		return "no digest"
	}
	h := d.Hex
	if len(h) > 12 {
		h = h[:12]
	}
	return d.Algorithm + ":" + h
}

// markBase sets origins from a known base image: the layers whose diff IDs
// are a prefix of the base's come from it.
func markBase(layers []Layer, base []v1.Hash) {
	n := 0
	for n < len(base) && n < len(layers) && layers[n].DiffID == base[n] {
		n++
	}
	if n == 0 {
		return
	}
	for i := range layers {
		if i < n {
			layers[i].Origin = OriginBase
		} else {
			layers[i].Origin = OriginOwn
		}
	}
}
