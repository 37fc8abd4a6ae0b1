package cli

import (
	"context"
	"fmt"

	"github.com/harden-dev/harden/fsindex"
	"github.com/harden-dev/harden/image"
	"github.com/harden-dev/harden/redact"
	"github.com/spf13/cobra"
)

// imageFlags are the flags of every command that reads an image.
type imageFlags struct {
	platform string
	insecure bool
	base     string
}

func addImageFlags(cmd *cobra.Command, f *imageFlags) {
	fl := cmd.Flags()
	fl.StringVar(&f.platform, "platform", "", "os/arch[/variant] to pick from a multi-platform image (default linux/<host arch>)")
	fl.BoolVar(&f.insecure, "insecure", false, "allow plain-HTTP or self-signed registries (e.g. a registry on localhost)")
	fl.StringVar(&f.base, "base", "", "the base image, to tell its layers from your own exactly (otherwise guessed from the history)")
}

// imageOptions turns the flags into image.Open options.
func (g *globals) imageOptions(f *imageFlags) []image.Option {
	opts := []image.Option{image.WithLogger(g.log), image.WithInsecure(f.insecure)}
	if f.platform != "" {
		opts = append(opts, image.WithPlatform(f.platform))
	}
	if dir := g.getenv("HARDEN_TMPDIR"); dir != "" {
		opts = append(opts, image.WithTempDir(dir))
	}
	return opts
}

// indexImage opens ref and walks it once, keeping the contents wants ask
// for. The caller closes the image.
func (g *globals) indexImage(ctx context.Context, ref string, f *imageFlags, wants ...fsindex.Want) (*image.Image, *fsindex.Index, error) {
	img, err := image.Open(ctx, ref, g.imageOptions(f)...)
	if err != nil {
		return nil, nil, err
	}
	if slot, ok := ctx.Value(readKey{}).(*readImage); ok {
		slot.ref = img.Ref.String()
		// The digest names the image's --output-dir file: the manifest's
		// for a registry image; elsewhere the config's (the image ID), as
		// a manifest digest of uncompressed layers means gzipping them all.
		if img.Ref.Transport == image.Registry {
			if d, err := img.Digest(); err == nil {
				slot.digest = d.String()
			}
			if c, err := img.ConfigName(); err == nil {
				slot.config = c.String() // --attach checks the name still means this image
			}
		} else if c, err := img.ConfigName(); err == nil {
			slot.digest = c.String()
		}
	}
	opts := []fsindex.Option{fsindex.WithLogger(g.log), fsindex.WithWants(wants...)}
	if c := g.layerCache(); c != nil {
		opts = append(opts, fsindex.WithCache(c), fsindex.WithCacheFilter(redact.Contains))
	}
	if p := g.progress("reading " + ref); p != nil {
		opts = append(opts, fsindex.WithProgress(p))
	}
	if f.base != "" {
		ids, err := image.DiffIDs(ctx, f.base, g.imageOptions(f)...)
		if err != nil {
			img.Close()
			return nil, nil, fmt.Errorf("--base: %w", err)
		}
		opts = append(opts, fsindex.WithBase(ids))
	}
	x, err := fsindex.Build(ctx, img, opts...)
	if err != nil {
		img.Close()
		return nil, nil, fmt.Errorf("%s: %w", img.Ref, err)
	}
	return img, x, nil
}
