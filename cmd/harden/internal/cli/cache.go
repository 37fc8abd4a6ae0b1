package cli

import (
	"errors"
	"fmt"
	"path/filepath"

	"github.com/harden-dev/harden/fsindex/layercache"
	"github.com/harden-dev/harden/layers"
	"github.com/harden-dev/harden/report"
	"github.com/spf13/cobra"
)

// cacheDirPath picks the layer cache directory: --cache-dir, then the user
// cache directory.
func (g *globals) cacheDirPath() (string, error) {
	if g.layerCacheDir != "" {
		return g.layerCacheDir, nil
	}
	if x := g.getenv("XDG_CACHE_HOME"); x != "" {
		return filepath.Join(x, "harden", "layers"), nil
	}
	if h := g.getenv("HOME"); h != "" {
		return filepath.Join(h, ".cache", "harden", "layers"), nil
	}
	return "", usageError{errors.New("no cache directory: set XDG_CACHE_HOME or HOME, or pass --cache-dir")}
}

// layerCache returns the cache image walks use, or nil with --no-cache or
// when there is no cache directory (then the walk reads every layer).
func (g *globals) layerCache() *layercache.Cache {
	if g.noCache {
		return nil
	}
	dir, err := g.cacheDirPath()
	if err == nil {
		var c *layercache.Cache
		if c, err = layercache.Open(dir); err == nil {
			return c
		}
	}
	g.log.Debug("layer cache off", "err", err)
	return nil
}

func (g *globals) openCache() (*layercache.Cache, error) {
	dir, err := g.cacheDirPath()
	if err != nil {
		return nil, err
	}
	return layercache.Open(dir)
}

func newCacheCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "cache",
		Short: "Show or prune the layer cache that makes a second read of a layer free",
		Long: `Every command that reads an image stores what it learned from each layer
(entries, the contents and parsed values its checks asked for) in the layer
cache, keyed by the layer's diff_id and by the harden build, under
$XDG_CACHE_HOME/harden/layers (--cache-dir to change, --no-cache to bypass).
A layer met again, in the same image or under another image built on the
same base, is not read again. Only layers whose content matched their
diff_id are stored. The cache holds image contents (account files, package
databases): it is created readable by its owner only, and a layer part that
holds a secret (as the redactor finds them) is never stored.`,
	}
	cmd.AddCommand(newCacheStatusCmd(g), newCachePruneCmd(g))
	return cmd
}

func newCacheStatusCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "status",
		Short: "Count the layers and bytes in the layer cache",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			if err := g.checkFormat("table", "json"); err != nil {
				return err
			}
			c, err := g.openCache()
			if err != nil {
				return err
			}
			st, err := c.Status()
			if err != nil {
				return fmt.Errorf("layer cache: %w", err)
			}
			if g.format == "json" {
				return report.WriteJSON(g.stdout, st)
			}
			printCacheStatus(g, st)
			return nil
		},
	}
}

func printCacheStatus(g *globals, st layercache.Status) {
	fmt.Fprintf(g.stdout, "%s: %d layers, %s\n", st.Dir, st.Layers, report.Bytes(st.Bytes))
	for _, v := range st.Versions {
		mark := ""
		if v.Current {
			mark = " (this harden)"
		}
		fmt.Fprintf(g.stdout, "  %s%s: %d layers, %s\n", v.Version, mark, v.Layers, report.Bytes(v.Bytes))
	}
}

func newCachePruneCmd(g *globals) *cobra.Command {
	var maxSize string
	cmd := &cobra.Command{
		Use:   "prune",
		Short: "Remove the least recently used layers until the cache fits --max-size",
		Long: `prune removes layers stored by other harden builds first, then the least
recently used, until the cache holds at most --max-size bytes (0 empties it).`,
		Example: `  harden cache prune --max-size 2GB`,
		Args:    cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			if err := g.checkFormat("table", "json"); err != nil {
				return err
			}
			n, err := layers.ParseBytes(maxSize)
			if err != nil || n == nil {
				return usageError{fmt.Errorf("--max-size: want a byte count such as 500MB or 2GiB, got %q", maxSize)}
			}
			c, err := g.openCache()
			if err != nil {
				return err
			}
			res, err := c.Prune(*n)
			if err != nil {
				return fmt.Errorf("layer cache: %w", err)
			}
			if g.format == "json" {
				return report.WriteJSON(g.stdout, res)
			}
			fmt.Fprintf(g.stdout, "removed %d layers (%s)\n", res.RemovedLayers, report.Bytes(res.FreedBytes))
			printCacheStatus(g, res.Left)
			return nil
		},
	}
	cmd.Flags().StringVar(&maxSize, "max-size", "", "largest size to keep, e.g. 500MB, 2GiB, 0 (required)")
	_ = cmd.MarkFlagRequired("max-size")
	return cmd
}
