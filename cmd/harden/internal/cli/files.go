package cli

import (
	"fmt"
	"github.com/harden-dev/harden/layers"

	"github.com/spf13/cobra"
)

type filesFlags struct {
	image imageFlags
	types []string
	layer int
}

func newFilesCmd(g *globals) *cobra.Command {
	f := &filesFlags{}
	cmd := &cobra.Command{
		Use:   "files IMAGE [PATH]",
		Short: "List the squashed filesystem of an image: mode, owner, size, path, link target, layer",
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) < 1 || len(args) > 2 {
				return usageError{fmt.Errorf("files wants IMAGE [PATH], got %d arguments", len(args))}
			}
			return nil
		},
		PreRunE: g.formats("table", "json"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := layers.CheckTypes(f.types); err != nil {
				return usageError{err}
			}
			img, x, err := g.indexImage(cmd.Context(), args[0], &f.image)
			if err != nil {
				return err
			}
			defer img.Close()
			return layers.WriteFiles(g.stdout, g.format, layers.Files(x, argOr(args, 1, "/"), f.types, f.layer))
		},
	}
	addImageFlags(cmd, &f.image)
	cmd.Flags().StringSliceVar(&f.types, "type", nil, "only these types (file, dir, symlink, hardlink, char, block, fifo)")
	cmd.Flags().IntVar(&f.layer, "layer", -1, "only entries whose visible version comes from this layer")
	return cmd
}
