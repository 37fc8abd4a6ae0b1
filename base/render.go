package base

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/harden-dev/harden/report"
)

// WritePresets prints the presets as a table.
func WritePresets(w io.Writer, rows []PresetInfo) error {
	t := report.NewTable("PRESET", "PACKAGES", "ENTRYPOINT", "DESCRIPTION")
	for _, r := range rows {
		t.Add(r.Name, strings.Join(r.Packages, " "), strings.Join(r.Entrypoint, " "), r.Description)
	}
	return t.WriteText(w)
}

// WriteTable prints the packages of the image, with why each is in it.
func (r *Result) WriteTable(w io.Writer) error {
	t := report.NewTable("PACKAGE", "VERSION", "ARCH", "SIZE", "WHY").AlignRight(3)
	for _, p := range r.Packages {
		t.Add(p.Name, p.Version, p.Architecture, report.Bytes(p.Size), report.Or(p.Reason, "locked"))
	}
	return t.WriteText(w)
}

// Summary is one line on what was built: preset, architecture, time,
// packages, layer sizes and digest.
func (o *Outcome) Summary() string {
	return fmt.Sprintf("built %s for %s in %s: %d packages, layer %s (%s uncompressed), %s",
		report.Or(o.Spec.Preset, "base"), o.Arch, o.Elapsed.Round(time.Millisecond), len(o.Packages),
		report.Bytes(o.LayerSize), report.Bytes(o.LayerUncompressedSize), o.Digest)
}
