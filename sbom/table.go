package sbom

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/harden-dev/harden/report"
)

// EncodeJSON writes s as harden's JSON (the shape of SBOM).
func EncodeJSON(w io.Writer, s *SBOM) error { return report.WriteJSON(w, s) }

// EncodeTable writes a one-line summary and a table of the packages.
func EncodeTable(w io.Writer, s *SBOM) error {
	fmt.Fprintf(w, "%s: %s\n", nonEmpty(s.Source.Name, "input"), s.Summary.String())
	if s.OS != nil {
		fmt.Fprintf(w, "OS: %s\n", nonEmpty(s.OS.PrettyName, s.OS.ID+" "+s.OS.VersionID))
	}
	fmt.Fprintln(w)
	t := report.NewTable("NAME", "VERSION", "TYPE", "LAYER", "ORIGIN", "LOCATION").AlignRight(3)
	for i := range s.Packages {
		p := &s.Packages[i]
		layer, origin, loc := "", "", ""
		if len(p.Locations) > 0 {
			l := p.Locations[0]
			if li := l.LayerIndex(); li >= 0 {
				layer = fmt.Sprint(li)
			}
			origin, loc = l.Origin, l.Path
			if len(p.Locations) > 1 {
				loc += fmt.Sprintf(" (+%d)", len(p.Locations)-1)
			}
		}
		t.Add(p.Name, p.Version, p.Type, layer, origin, loc)
	}
	if err := t.WriteText(w); err != nil {
		return err
	}
	if len(s.Problems) > 0 {
		fmt.Fprintf(w, "\n%d files could not be read:\n", len(s.Problems))
		for _, pr := range s.Problems {
			fmt.Fprintf(w, "  %s (%s): %s\n", pr.Path, pr.Extractor, pr.Error)
		}
	}
	return nil
}

// String summarizes the counts: "2404 packages (deb 516, npm 1886, pypi 2)".
func (s Summary) String() string {
	types := make([]string, 0, len(s.ByType))
	for t := range s.ByType {
		types = append(types, t)
	}
	sort.Strings(types)
	parts := make([]string, len(types))
	for i, t := range types {
		parts[i] = fmt.Sprintf("%s %d", t, s.ByType[t])
	}
	out := fmt.Sprintf("%d packages", s.Packages)
	if len(parts) > 0 {
		out += " (" + strings.Join(parts, ", ") + ")"
	}
	return out
}

// Encode writes s in a --format: json, cyclonedx, spdx, else a table.
func Encode(w io.Writer, format string, s *SBOM) error {
	switch format {
	case "json":
		return EncodeJSON(w, s)
	case "cyclonedx":
		return EncodeCycloneDX(w, s)
	case "spdx":
		return EncodeSPDX(w, s)
	}
	return EncodeTable(w, s)
}
