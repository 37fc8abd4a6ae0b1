package patch

import (
	"fmt"
	"io"
	"strconv"

	"github.com/harden-dev/harden/report"
)

// Messages are the plan's informational lines: the findings the
// repositories fix and those they do not, the packages skipped, and what
// maintainer scripts would have done.
func (r *Result) Messages() []string {
	var out []string
	avail := 0
	for _, f := range r.Findings {
		if f.Status == StatusFixed {
			avail++
		}
	}
	if len(r.Findings) > 0 {
		out = append(out, fmt.Sprintf("%d findings with a fixed version: %d fixed by the repositories' versions, %d not (yet) in them", len(r.Findings), avail, len(r.Findings)-avail))
	}
	for _, f := range r.Findings {
		if f.Status != StatusFixed {
			out = append(out, fmt.Sprintf("%s (%s %s): fixed in %s, the repositories have %s", f.ID, f.Package, f.Installed, f.Fixed, report.Or(f.CandidateSource, "no version of it")))
		}
	}
	for _, s := range r.Skipped {
		out = append(out, fmt.Sprintf("skipped %s: %s", s.Name, s.Reason))
	}
	for _, n := range r.Notes {
		out = append(out, fmt.Sprintf("%s: maintainer scripts do %s; %s", n.Package, n.Does, n.Instead))
	}
	return out
}

// WriteTable prints the updates and, for a plan not applied, what applying
// it would download and add.
func (r *Result) WriteTable(w io.Writer) error {
	if len(r.Updates) == 0 {
		return nil
	}
	t := report.NewTable("PACKAGE", "FROM", "TO", "FINDINGS", "WHY", "DOWNLOAD").AlignRight(3, 5)
	for _, u := range r.Updates {
		t.Add(u.Name, report.Or(u.From, "(new)"), u.To, strconv.Itoa(len(u.Findings)), u.Reason, report.Bytes(u.Size))
	}
	if err := t.WriteText(w); err != nil {
		return err
	}
	if r.Layer == nil {
		_, err := fmt.Fprintf(w, "%d packages, %s to download, a new layer of at most %s uncompressed; dry run: nothing written\n",
			len(r.Updates), report.Bytes(r.DownloadSize), report.Bytes(r.InstalledSize))
		return err
	}
	return nil
}

// Lines are the lines for people that go beside the outcome's table: what
// was written and the summary, or that the image is current.
func (o *Outcome) Lines(ref string, outputs []string) []string {
	if o.Image == nil {
		if o.Empty() {
			return []string{ref + " is current: no package to update; nothing written"}
		}
		return nil
	}
	var out []string
	for _, dst := range outputs {
		out = append(out, "wrote "+dst)
	}
	return append(out, o.Summary(ref))
}

// Write writes the outcome in a --format: json, else the plan's table and
// the proof, when there is one.
func (o *Outcome) Write(w io.Writer, format string) error {
	if format == "json" {
		return report.WriteJSON(w, o)
	}
	if err := o.WriteTable(w); err != nil || o.Verify == nil {
		return err
	}
	return o.Verify.WriteText(w, "patched")
}
