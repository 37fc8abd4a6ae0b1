package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/harden-dev/harden/layers"
	"github.com/harden-dev/harden/redact"
	"github.com/harden-dev/harden/report"
	"github.com/spf13/cobra"
)

type layersFlags struct {
	image            imageFlags
	ci               bool
	ciConfig         string
	lowestEff        string
	highestWasted    string
	highestUserWaste string
	top              int
}

func newLayersCmd(g *globals) *cobra.Command {
	f := &layersFlags{}
	cmd := &cobra.Command{
		Use:   "layers IMAGE",
		Short: "Per-layer sizes, wasted bytes and Dive's efficiency score, without a TUI",
		Long: `layers shows what Dive shows, as a table: each layer's size, the command that
made it, the files it added, modified and removed, and whether it comes from the
base image or your own build. Below it, Dive's efficiency score and wasted bytes,
computed exactly as Dive does (so .dive-ci thresholds keep their meaning), and
harden's corrected figure: the bytes a rebuild could drop, which never counts
the copy of a file that stays in the image.

With --ci the three Dive rules are checked (defaults: efficiency >= 0.9, user
wasted <= 10 %; values from ./.dive-ci or --ci-config, then the flags) and the
exit code is 1 when one fails.`,
		Example: `  harden layers node:18
  harden layers docker-archive:app.tar --ci --lowest-efficiency 0.95
  harden layers oci:./layout:v1 --format json`,
		Args: exactArgs(1, "IMAGE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := g.checkFormat("table", "json"); err != nil {
				return err
			}
			thresholds, err := f.thresholds(cmd)
			if err != nil {
				return usageError{err}
			}
			img, x, err := g.indexImage(cmd.Context(), args[0], &f.image)
			if err != nil {
				return err
			}
			defer img.Close()
			r := layers.Analyze(x)
			redact.Value(r) // before the table cuts a command
			var rules []layers.RuleResult
			if f.ci {
				rules = r.Check(thresholds)
			}
			if g.format == "json" {
				err = report.WriteJSON(g.stdout, layersJSON{Image: img.Ref.String(), Report: r, CI: rules})
			} else {
				err = writeLayersTable(g.stdout, img.Ref.String(), r, rules, f.top)
			}
			if err != nil {
				return err
			}
			if layers.Failed(rules) {
				return errPolicy("layers: a CI rule failed")
			}
			return nil
		},
	}
	addImageFlags(cmd, &f.image)
	fl := cmd.Flags()
	fl.BoolVar(&f.ci, "ci", false, "check Dive's CI rules and exit 1 when one fails")
	fl.StringVar(&f.ciConfig, "ci-config", ".dive-ci", "Dive CI rules file (read when it exists)")
	fl.StringVar(&f.lowestEff, "lowest-efficiency", "", "fail when efficiency is below this ratio (0-1), or 'disabled'")
	fl.StringVar(&f.highestWasted, "highest-wasted-bytes", "", "fail when more bytes are wasted (e.g. 20MB), or 'disabled'")
	fl.StringVar(&f.highestUserWaste, "highest-user-wasted-percent", "", "fail when wasted/user bytes is above this ratio (0-1), or 'disabled'")
	fl.IntVar(&f.top, "top", 10, "how many of the most wasteful files to list")
	return cmd
}

// thresholds starts from Dive's defaults, applies the .dive-ci file, then
// the flags given.
func (f *layersFlags) thresholds(cmd *cobra.Command) (layers.Thresholds, error) {
	t := layers.DefaultThresholds()
	if file, err := os.Open(f.ciConfig); err == nil {
		t, err = layers.ParseDiveCI(file, t)
		file.Close()
		if err != nil {
			return t, fmt.Errorf("%s: %w", f.ciConfig, err)
		}
	} else if cmd.Flags().Changed("ci-config") || !errors.Is(err, os.ErrNotExist) {
		return t, fmt.Errorf("--ci-config: %w", err)
	}
	var err error
	if cmd.Flags().Changed("lowest-efficiency") {
		if t.LowestEfficiency, err = layers.ParseRatio(f.lowestEff); err != nil {
			return t, fmt.Errorf("--lowest-efficiency: %w", err)
		}
	}
	if cmd.Flags().Changed("highest-wasted-bytes") {
		if t.HighestWastedBytes, err = layers.ParseBytes(f.highestWasted); err != nil {
			return t, fmt.Errorf("--highest-wasted-bytes: %w", err)
		}
	}
	if cmd.Flags().Changed("highest-user-wasted-percent") {
		if t.HighestUserWastedPercent, err = layers.ParseRatio(f.highestUserWaste); err != nil {
			return t, fmt.Errorf("--highest-user-wasted-percent: %w", err)
		}
	}
	return t, nil
}

// layersJSON is the stable JSON shape of `harden layers`.
type layersJSON struct {
	Image string `json:"image"`
	*layers.Report
	CI []layers.RuleResult `json:"ci,omitempty"`
}

func writeLayersTable(w io.Writer, ref string, r *layers.Report, rules []layers.RuleResult, top int) error {
	fmt.Fprintf(w, "%s: %d layers, %s in layers, %s in the image (%d files)\n\n",
		ref, len(r.Layers), report.Bytes(r.TotalBytes), report.Bytes(r.ImageBytes), r.ImageFiles)
	t := report.NewTable("LAYER", "DIFF ID", "SIZE", "ADDED", "MODIFIED", "REMOVED", "WASTED", "ORIGIN", "COMMAND").AlignRight(0, 2, 3, 4, 5, 6)
	for _, l := range r.Layers {
		origin := l.Origin
		if origin == "" {
			origin = "?"
		}
		t.Add(l.Index, shortID(l.DiffID), report.Bytes(l.Size), l.Added, l.Modified, l.Removed, report.Bytes(l.Wasted), origin, truncate(l.Command, 70))
	}
	if err := t.WriteText(w); err != nil {
		return err
	}
	fmt.Fprintf(w, "\nDive (same definitions as Dive):\n")
	fmt.Fprintf(w, "  efficiency           %.4f %%\n", r.Dive.Efficiency*100)
	fmt.Fprintf(w, "  wasted bytes         %s (%d)\n", report.Bytes(r.Dive.WastedBytes), r.Dive.WastedBytes)
	fmt.Fprintf(w, "  user wasted percent  %.4f %%\n", r.Dive.UserWastedPercent*100)
	fmt.Fprintf(w, "harden:\n")
	fmt.Fprintf(w, "  reclaimable bytes    %s (%d, %s of layer bytes): copies that never reach the image\n",
		report.Bytes(r.Reclaimable.Bytes), r.Reclaimable.Bytes, report.Percent(r.Reclaimable.Ratio))
	if r.BaseLayers+r.OwnLayers > 0 {
		fmt.Fprintf(w, "  layers by origin     %d base, %d own\n", r.BaseLayers, r.OwnLayers)
	}
	if len(r.Reclaimable.Files) > 0 && top > 0 {
		fmt.Fprintf(w, "\nTop wasted files:\n")
		ft := report.NewTable("COPIES", "RECLAIMABLE", "REMOVED", "PATH").AlignRight(0, 1)
		for i, fw := range r.Reclaimable.Files {
			if i == top {
				break
			}
			removed := ""
			if fw.Removed {
				removed = "yes"
			}
			ft.Add(fw.Count, report.Bytes(fw.Bytes), removed, fw.Path)
		}
		if err := ft.WriteText(w); err != nil {
			return err
		}
	}
	if len(rules) > 0 {
		fmt.Fprintf(w, "\nCI rules:\n")
		for _, rr := range rules {
			line := fmt.Sprintf("  %-4s %s", strings.ToUpper(rr.Status), rr.Rule)
			if rr.Message != "" {
				line += ": " + rr.Message
			}
			fmt.Fprintln(w, line)
		}
	}
	return nil
}

func shortID(d string) string {
	if i := strings.IndexByte(d, ':'); i >= 0 && len(d) > i+13 {
		return d[:i+13]
	}
	return d
}

func truncate(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len([]rune(s)) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}

// exactArgs is cobra.ExactArgs with a usage error naming the argument.
func exactArgs(n int, names string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			return usageError{fmt.Errorf("%s wants %s, got %d arguments", cmd.Name(), names, len(args))}
		}
		return nil
	}
}
