package cli

import (
	"fmt"
	"strings"

	"github.com/harden-dev/harden/fsindex"
	"github.com/harden-dev/harden/report"
	"github.com/spf13/cobra"
)

type filesFlags struct {
	image imageFlags
	types []string
	layer int
}

// fileJSON is the stable JSON shape of one entry of `harden files`.
type fileJSON struct {
	Path     string `json:"path"`
	Type     string `json:"type"`
	Mode     string `json:"mode"`
	UID      int    `json:"uid"`
	GID      int    `json:"gid"`
	Size     int64  `json:"size"`
	Link     string `json:"link,omitempty"`
	Layer    int    `json:"layer"`
	Added    int    `json:"addedIn"`
	Modified []int  `json:"modifiedIn,omitempty"`
}

func newFilesCmd(g *globals) *cobra.Command {
	f := &filesFlags{}
	cmd := &cobra.Command{
		Use:   "files IMAGE [PATH]",
		Short: "List the squashed filesystem of an image: mode, owner, size, path, link target, layer",
		Long: `files lists what a container of the image sees, after every layer's whiteouts
and opaque directories are applied. PATH limits the list to that path and what is
below it. The LAYER column is the layer that wrote the visible version.`,
		Example: `  harden files node:18 /usr/bin
  harden files docker-archive:app.tar --type symlink
  harden files oci:./layout --format json /etc`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) < 1 || len(args) > 2 {
				return usageError{fmt.Errorf("files wants IMAGE [PATH], got %d arguments", len(args))}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := g.checkFormat("table", "json"); err != nil {
				return err
			}
			for _, t := range f.types {
				if !validType(t) {
					return usageError{fmt.Errorf("unknown --type %q (want file, dir, symlink, hardlink, char, block or fifo)", t)}
				}
			}
			img, x, err := g.indexImage(cmd.Context(), args[0], &f.image)
			if err != nil {
				return err
			}
			defer img.Close()
			prefix := "/"
			if len(args) == 2 {
				prefix = args[1]
			}
			entries := selectEntries(x, prefix, f)
			if g.format == "json" {
				out := make([]fileJSON, 0, len(entries))
				for _, e := range entries {
					out = append(out, fileJSON{Path: e.Path, Type: e.Type.String(), Mode: e.ModeString(), UID: e.UID, GID: e.GID,
						Size: e.Size, Link: e.Link, Layer: e.Layer, Added: e.Added, Modified: e.Modified})
				}
				return report.WriteJSON(g.stdout, out)
			}
			t := report.NewTable("MODE", "UID:GID", "SIZE", "LAYER", "PATH").AlignRight(2, 3)
			for _, e := range entries {
				p := e.Path
				switch e.Type {
				case fsindex.TypeSymlink:
					p += " -> " + e.Link
				case fsindex.TypeHardlink:
					p += " link to " + e.Link
				}
				t.Add(e.ModeString(), fmt.Sprintf("%d:%d", e.UID, e.GID), e.Size, e.Layer, p)
			}
			return t.WriteText(g.stdout)
		},
	}
	addImageFlags(cmd, &f.image)
	cmd.Flags().StringSliceVar(&f.types, "type", nil, "only these types (file, dir, symlink, hardlink, char, block, fifo)")
	cmd.Flags().IntVar(&f.layer, "layer", -1, "only entries whose visible version comes from this layer")
	return cmd
}

func validType(t string) bool {
	for _, ty := range []fsindex.Type{fsindex.TypeRegular, fsindex.TypeDir, fsindex.TypeSymlink, fsindex.TypeHardlink, fsindex.TypeChar, fsindex.TypeBlock, fsindex.TypeFIFO} {
		if t == ty.String() {
			return true
		}
	}
	return false
}

// selectEntries returns the entry at prefix (when it exists) and everything below.
func selectEntries(x *fsindex.Index, prefix string, f *filesFlags) []*fsindex.Entry {
	var out []*fsindex.Entry
	if e, ok := x.Lookup(prefix); ok {
		out = append(out, e)
	}
	out = append(out, x.Under(prefix)...)
	keep := out[:0]
	for _, e := range out {
		if len(f.types) > 0 && !containsFold(f.types, e.Type.String()) {
			continue
		}
		if f.layer >= 0 && e.Layer != f.layer {
			continue
		}
		keep = append(keep, e)
	}
	return keep
}

func containsFold(list []string, s string) bool {
	for _, l := range list {
		if strings.EqualFold(l, s) {
			return true
		}
	}
	return false
}
