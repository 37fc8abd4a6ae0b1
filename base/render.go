package base

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/harden-dev/harden/report"
)

// WritePresets prints the presets as a table, or as JSON with format json.
func WritePresets(w io.Writer, format string, rows []PresetInfo) error {
	if format == "json" {
		return report.WriteJSON(w, rows)
	}
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

// Write writes the result in a --format: json, else the package table.
func (o *Outcome) Write(w io.Writer, format string) error {
	if format == "json" {
		return report.WriteJSON(w, o.Result)
	}
	return o.WriteTable(w)
}

// Lines are the lines for people after the table of a build (none for
// ResolveOnly): the summary and where the image went.
func (o *Outcome) Lines(req Request) []string {
	if req.ResolveOnly {
		return nil
	}
	out := []string{o.Summary()}
	for _, dst := range req.Outputs {
		out = append(out, "wrote "+dst)
	}
	if len(req.Outputs) == 0 {
		out = append(out, "no -o given: the image was built but not written")
	}
	return out
}
