package layers

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/harden-dev/harden/report"
)

// Output is the stable JSON shape of `harden layers`.
type Output struct {
	Image string `json:"image"`
	*Report
	CI []RuleResult `json:"ci,omitempty"`
}

// Write writes the output in a --format: json, else a table with the top
// most wasteful files.
func (o *Output) Write(w io.Writer, format string, top int) error {
	if format == "json" {
		return report.WriteJSON(w, o)
	}
	return o.WriteTable(w, top)
}

// Verdict says why the output fails its CI rules ("" when it passes).
func (o *Output) Verdict() string {
	if Failed(o.CI) {
		return "layers: a CI rule failed"
	}
	return ""
}

// LoadThresholds is Dive's defaults with the .dive-ci file at path applied;
// a missing file is fine unless required.
func LoadThresholds(path string, required bool) (Thresholds, error) {
	t := DefaultThresholds()
	file, err := os.Open(path)
	if err != nil {
		if required || !errors.Is(err, os.ErrNotExist) {
			return t, fmt.Errorf("--ci-config: %w", err)
		}
		return t, nil
	}
	defer file.Close()
	if t, err = ParseDiveCI(file, t); err != nil {
		return t, fmt.Errorf("%s: %w", path, err)
	}
	return t, nil
}

// WriteTable prints the layers, Dive's figures, harden's reclaimable bytes,
// the top wasted files and the CI rules' results.
func (o *Output) WriteTable(w io.Writer, top int) error {
	r := o.Report
	fmt.Fprintf(w, "%s: %d layers, %s in layers, %s in the image (%d files)\n\n",
		o.Image, len(r.Layers), report.Bytes(r.TotalBytes), report.Bytes(r.ImageBytes), r.ImageFiles)
	t := report.NewTable("LAYER", "DIFF ID", "SIZE", "ADDED", "MODIFIED", "REMOVED", "WASTED", "ORIGIN", "COMMAND").AlignRight(0, 2, 3, 4, 5, 6)
	for _, l := range r.Layers {
		t.Add(l.Index, shortID(l.DiffID), report.Bytes(l.Size), l.Added, l.Modified, l.Removed, report.Bytes(l.Wasted), report.Or(l.Origin, "?"), report.Truncate(l.Command, 70))
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
	if len(o.CI) > 0 {
		fmt.Fprintf(w, "\nCI rules:\n")
		for _, rr := range o.CI {
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

// Override sets the thresholds given as a user writes them (a ratio, a
// size, or "disabled"); nil leaves one as it is.
func (t *Thresholds) Override(lowestEfficiency, highestWastedBytes, highestUserWastedPercent *string) error {
	var err error
	if s := lowestEfficiency; s != nil {
		if t.LowestEfficiency, err = ParseRatio(*s); err != nil {
			return fmt.Errorf("--lowest-efficiency: %w", err)
		}
	}
	if s := highestWastedBytes; s != nil {
		if t.HighestWastedBytes, err = ParseBytes(*s); err != nil {
			return fmt.Errorf("--highest-wasted-bytes: %w", err)
		}
	}
	if s := highestUserWastedPercent; s != nil {
		if t.HighestUserWastedPercent, err = ParseRatio(*s); err != nil {
			return fmt.Errorf("--highest-user-wasted-percent: %w", err)
		}
	}
	return nil
}
