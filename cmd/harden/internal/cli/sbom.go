package cli

import (
	"context"
	"github.com/harden-dev/harden/attach"
	"github.com/harden-dev/harden/fsindex"

	"github.com/harden-dev/harden/redact"
	"github.com/harden-dev/harden/sbom"
	"github.com/spf13/cobra"
)

type sbomFlags struct {
	image imageFlags
	many  manyFlags
}

func newSbomCmd(g *globals) *cobra.Command {
	f := &sbomFlags{}
	cmd := &cobra.Command{
		Use:   "sbom IMAGE|dir:PATH|FILE...",
		Short: "List the packages inside an image, a directory or a lock file (SBOM)",
		Args:  imageArgs("IMAGE, dir:PATH or FILE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := g.formatAlias("table, json, jsonl, cyclonedx, cyclonedx-json, spdx or spdx-json", "table", "json", "jsonl",
				"cyclonedx", "cyclonedx-json=cyclonedx", "spdx", "spdx-json=spdx"); err != nil {
				return err
			}
			return runImages(cmd, g, &f.many, args, imageRun[*sbom.SBOM]{
				analyze: func(ctx context.Context, ref string) (*sbom.SBOM, error) {
					s, err := g.makeSBOM(ctx, ref, &f.image)
					if err == nil {
						redact.Value(s) // labels and properties, before the encoders copy them
					}
					return s, err
				},
				render:  sbom.Encode,
				verdict: func(*sbom.SBOM) string { return "" },
			})
		},
	}
	addImageFlags(cmd, &f.image)
	addManyFlags(cmd, &f.many, &f.image, attach.SBOM)
	return cmd
}

// makeSBOM inventories an image, a directory or a manifest file.
func (g *globals) makeSBOM(ctx context.Context, arg string, f *imageFlags, opts ...sbom.Option) (*sbom.SBOM, error) {
	sbom.UseLogger(g.log)
	s, err := sbom.Inventory(ctx, arg, func(ctx context.Context, ref string, wants ...fsindex.Want) (sbom.Opened, error) {
		img, x, err := g.indexImage(ctx, ref, f, wants...)
		if err != nil {
			return sbom.Opened{}, err
		}
		o := sbom.Opened{Index: x, Name: img.Ref.String(), Close: img.Close}
		if d, err := img.ConfigName(); err == nil {
			o.Digest = d.String()
		}
		return o, nil
	}, append(opts, sbom.WithLogger(g.log))...)
	if err != nil {
		return nil, err
	}
	for _, p := range s.Problems {
		g.log.Warn("a file could not be read", "path", p.Path, "extractor", p.Extractor, "err", p.Error)
	}
	return s, nil
}
