package minify

import (
	"fmt"
	"io"
	"strings"

	"github.com/harden-dev/harden/report"
)

// Report is what `harden minify` prints: before and after side by side,
// what was kept and why, and the proof.
type Report struct {
	Image  string `json:"image"`
	Output string `json:"output"`
	// Digest is the new image's manifest digest.
	Digest   string        `json:"digest"`
	Before   Summary       `json:"before"`
	After    Summary       `json:"after"`
	Program  *Program      `json:"program"`
	Profiles []string      `json:"profiles"`
	Kept     int           `json:"kept"`
	Packages []Package     `json:"packages,omitempty"`
	Warnings []string      `json:"warnings,omitempty"`
	Explain  []Explanation `json:"explain,omitempty"`
	// Traced counts the paths --trace saw; Floor is the bytes of the
	// regular files among them (what the app really opened).
	Traced int   `json:"traced,omitempty"`
	Floor  int64 `json:"floor,omitempty"`
	// TraceAdded lists what a trace added to the static plan and why the
	// static plan missed it; StaticVerify is the static plan's failed proof.
	TraceAdded   []Explanation `json:"traceAdded,omitempty"`
	StaticVerify *VerifyResult `json:"staticVerify,omitempty"`
	// Writable lists the directories recorded in the image's
	// dev.harden.writable label (tmpfs mounts under --read-only).
	Writable []string      `json:"writable,omitempty"`
	Verify   *VerifyResult `json:"verify,omitempty"`
	Seconds  float64       `json:"seconds"`
	// Items lists every kept path with its reasons (JSON only).
	Items []*Item `json:"items,omitempty"`
}

// WriteText renders the report as tables.
func (r *Report) WriteText(w io.Writer) error {
	fmt.Fprintf(w, "%s -> %s\n", r.Image, r.Output)
	if r.Digest != "" {
		fmt.Fprintf(w, "digest %s\n", r.Digest)
	}
	if r.Program != nil {
		fmt.Fprintf(w, "runs %s (%s)", strings.Join(r.Program.Argv, " "), r.Program.Path)
		if len(r.Profiles) > 0 {
			fmt.Fprintf(w, "; profiles: %s", strings.Join(r.Profiles, ", "))
		}
		fmt.Fprintln(w)
	}
	if r.Traced > 0 {
		fmt.Fprintf(w, "trace: the original opened %d paths (%s of files: the floor); those in the image are kept\n", r.Traced, report.Bytes(r.Floor))
	}
	if len(r.TraceAdded) > 0 {
		fmt.Fprintf(w, "the static plan failed verify; the trace added %d files:\n", len(r.TraceAdded))
		for _, ex := range r.TraceAdded {
			fmt.Fprintf(w, "  %s (static plan: %s)\n", ex.Path, ex.Dropped)
		}
	}
	if len(r.Writable) > 0 {
		fmt.Fprintf(w, "writes in %s (tmpfs under --read-only)\n", strings.Join(r.Writable, ", "))
	}
	fmt.Fprintf(w, "kept %d paths\n\n", r.Kept)
	t := report.NewTable("", "BEFORE", "AFTER").AlignRight(1, 2)
	b, a := r.Before, r.After
	t.Add("image size", report.Bytes(b.ImageSize), report.Bytes(a.ImageSize))
	t.Add("files size", report.Bytes(b.Size), report.Bytes(a.Size))
	t.Add("layers", b.Layers, a.Layers)
	t.Add("files", b.Files, a.Files)
	t.Add("executables", b.Executables, a.Executables)
	t.Add("packages", b.Packages, a.Packages)
	t.Add("shells", len(b.Shells), len(a.Shells))
	t.Add("package managers", len(b.PackageManagers), len(a.PackageManagers))
	t.Add("tools", len(b.Tools), len(a.Tools))
	t.Add("user", b.User, a.User)
	if err := t.WriteText(w); err != nil {
		return err
	}
	if len(a.Shells)+len(a.PackageManagers)+len(a.Tools) > 0 {
		fmt.Fprintf(w, "\nstill in the image: %s\n", strings.Join(a.Denied(), ", "))
	}
	if len(r.Warnings) > 0 {
		fmt.Fprintln(w, "\nwarnings:")
		for _, m := range r.Warnings {
			fmt.Fprintf(w, "  - %s\n", m)
		}
	}
	for _, ex := range r.Explain {
		fmt.Fprintf(w, "\n%s: ", ex.Path)
		if len(ex.Reasons) > 0 {
			if ex.Kept {
				fmt.Fprintln(w, "kept")
			} else {
				fmt.Fprintln(w, "kept (through a symlink)")
			}
			for _, rs := range ex.Reasons {
				fmt.Fprintf(w, "  %s\n", rs)
			}
			continue
		}
		fmt.Fprintf(w, "dropped: %s\n", ex.Dropped)
	}
	if v := r.Verify; v != nil {
		return v.WriteText(w, "minified")
	}
	return nil
}

// WriteText prints the probes' table and the verdict; what names the
// image under test ("minified", "patched").
func (v *VerifyResult) WriteText(w io.Writer, what string) error {
	fmt.Fprintf(w, "\nverify (%s image run with %s):\n", what, v.MinifiedFlags)
	vt := report.NewTable("PROBE", "ORIGINAL", strings.ToUpper(what), "RESULT")
	for _, p := range v.Probes {
		res := "same"
		if !p.Same {
			res = "DIFFERENT: " + p.Detail
		}
		vt.Add(p.Probe, outcome(p.Original), outcome(p.Minified), res)
	}
	if err := vt.WriteText(w); err != nil {
		return err
	}
	if v.Passed {
		fmt.Fprintln(w, "verify: passed")
	} else {
		fmt.Fprintln(w, "verify: FAILED")
		if v.MinifiedLogs != "" {
			fmt.Fprintf(w, "%s image's output:\n%s\n", what, truncate(v.MinifiedLogs, 2000))
		}
	}
	return nil
}

func outcome(o Outcome) string {
	switch {
	case o.Err != "":
		return "error"
	case o.Status != 0:
		return fmt.Sprintf("%d", o.Status)
	case o.Body != "": // a TCP answer
		return fmt.Sprintf("%.20q", o.Body)
	}
	return fmt.Sprintf("exit %d", o.ExitCode)
}

// Write writes the report in a --format: json, else text.
func (r *Report) Write(w io.Writer, format string) error {
	if format == "json" {
		return report.WriteJSON(w, r)
	}
	return r.WriteText(w)
}
