// Package demo is harden's main job end to end on the seed's reference app:
// lint its Dockerfile, audit and scan the image, minify it with a proof,
// build a distroless base, rewrite the Dockerfile onto it and run the result
// hardened, then compare the three images and write the HTML report. Each
// step calls the library directly and tells what it did and how long it took.
//
// The demo builds no fixture itself: the traditional image
// harden-fixture/app:latest comes from scripts/fixtures.sh (make demo runs
// it), and a Docker engine must answer (scripts/setup.sh --demo starts one).
package demo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/harden-dev/harden/compare"
	"github.com/harden-dev/harden/engine"
	"github.com/harden-dev/harden/minify"
)

// AppImage is the traditional image the demo starts from.
const AppImage = "harden-fixture/app:latest"

// The images the demo makes in the engine.
const (
	BaseTag   = "harden-demo/nodejs-base:latest"
	DistroTag = "harden-demo/app:distroless"
	MinTag    = "harden-demo/app:minified"
)

// Options configure a run.
type Options struct {
	// WorkDir keeps the sources, images and database between runs.
	WorkDir string
	// VulnDB is OSV data to import for the scan; without it DefaultDB (the
	// database `harden db` made) is used when it is there.
	VulnDB, DefaultDB string
	// Report is the HTML report to write.
	Report string
	// Keep leaves the demo images in the engine.
	Keep bool
	// Lines of each step's output to show (0: all).
	Lines int
	// Helper is the static harden binary minify's trace needs ("": no trace).
	Helper string
	// Version is harden's, for the reports.
	Version string
	// Out is where the story is told.
	Out    io.Writer
	Logger *slog.Logger
}

// Step is one step of the result.
type Step struct {
	Step    int     `json:"step"`
	Title   string  `json:"title"`
	Seconds float64 `json:"seconds"`
}

// Result is what a run did: `harden demo --format json`.
type Result struct {
	Steps      []Step              `json:"steps"`
	Seconds    float64             `json:"seconds"`
	Report     string              `json:"report"`
	Comparison *compare.Comparison `json:"comparison"`
}

const steps = 10

// run holds the state of one run.
type run struct {
	o       Options
	e       *engine.Engine
	out     io.Writer
	log     *slog.Logger
	started time.Time
	step    int
	times   []string
	res     Result
	// paths in the work dir
	src, cache, db string
	appTar         string
	minTar         string
	minReport      *minify.Report
	distroTar      string
}

// Run runs the demo.
func Run(ctx context.Context, o Options) (*Result, error) {
	d := &run{o: o, e: engine.New(), out: o.Out, log: o.Logger, started: time.Now()}
	if d.log == nil {
		d.log = slog.New(slog.DiscardHandler)
	}
	d.res.Report = o.Report
	d.src = filepath.Join(o.WorkDir, "src")
	d.cache = filepath.Join(o.WorkDir, "cache")
	if err := os.MkdirAll(d.cache, 0o755); err != nil {
		return nil, err
	}
	for _, s := range []struct {
		title string
		run   func(context.Context) error
	}{
		{"Make sure a Docker engine runs", d.engine},
		{"Export the traditional image: the reference app FROM node:18, built from Debian packages", d.fixtures},
		{"Lint its Dockerfile", d.lint},
		{"Audit the image's attack surface", d.audit},
		{"Scan its packages for known vulnerabilities", d.scan},
		{"Minify it and prove the minified image still answers", d.minify},
		{"Build a distroless Node.js base from Debian packages", d.base},
		{"Rewrite the Dockerfile to multi-stage distroless, build it on that base, run it hardened", d.fix},
		{"Compare the three images", d.compare},
		{"Clean up", d.cleanup},
	} {
		if err := d.do(ctx, s.title, s.run); err != nil {
			if ctx.Err() != nil && !o.Keep {
				// interrupted: the images made so far go too (they stay cached)
				cctx, cancel := engine.Cleanup(ctx)
				defer cancel()
				return nil, errors.Join(err, d.cleanup(cctx))
			}
			return nil, err
		}
	}
	fmt.Fprintf(d.out, "\nDone in %s. Steps: %s\n", time.Since(d.started).Round(100*time.Millisecond), strings.Join(d.times, ", "))
	fmt.Fprintf(d.out, "Open %s in a browser for the full report.\n", o.Report)
	d.res.Seconds = time.Since(d.started).Seconds()
	return &d.res, nil
}

func (d *run) do(ctx context.Context, title string, fn func(context.Context) error) error {
	d.step++
	fmt.Fprintf(d.out, "\n==> [%d/%d] %s\n", d.step, steps, title)
	start := time.Now()
	err := fn(ctx)
	took := time.Since(start).Round(100 * time.Millisecond)
	d.times = append(d.times, fmt.Sprintf("%d: %s", d.step, took))
	d.res.Steps = append(d.res.Steps, Step{Step: d.step, Title: title, Seconds: time.Since(start).Seconds()})
	if err != nil {
		return fmt.Errorf("demo step %d (%s): %w", d.step, title, err)
	}
	fmt.Fprintf(d.out, "    (%s)\n", took)
	return nil
}

// say prints a note inside a step.
func (d *run) say(format string, args ...any) {
	fmt.Fprintf(d.out, "    "+format+"\n", args...)
}

// show prints the harden command a step does, as a user would type it.
func (d *run) show(args ...string) {
	fmt.Fprintf(d.out, "    $ harden %s\n", strings.Join(quoteArgs(args), " "))
}

// head is a writer for a step's output: at most --lines lines, indented.
func (d *run) head() *headWriter { return &headWriter{w: d.out, max: d.o.Lines, indent: "    "} }

// headWriter writes at most max lines (0: all), indented, and counts the rest.
type headWriter struct {
	w      io.Writer
	max    int
	indent string
	lines  int
	cut    int
	bol    bool
	begun  bool
}

func (h *headWriter) Write(p []byte) (int, error) {
	for _, c := range p {
		if !h.begun || h.bol {
			h.begun, h.bol = true, false
			if h.max > 0 && h.lines >= h.max {
				h.cut++
			} else {
				io.WriteString(h.w, h.indent)
			}
		}
		if h.max == 0 || h.lines < h.max {
			h.w.Write([]byte{c})
		}
		if c == '\n' {
			h.lines++
			h.bol = true
		}
	}
	return len(p), nil
}

func (h *headWriter) finish() {
	if h.cut > 0 {
		fmt.Fprintf(h.w, "%s… %d more lines (run the command yourself to see them)\n", h.indent, h.cut)
	}
}

func indent(w io.Writer, s string) {
	for _, l := range strings.Split(strings.TrimRight(s, "\n"), "\n") {
		fmt.Fprintf(w, "      | %s\n", l)
	}
}

func quoteArgs(args []string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		if strings.ContainsAny(a, " \t'\"") {
			a = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
		out[i] = a
	}
	return out
}
