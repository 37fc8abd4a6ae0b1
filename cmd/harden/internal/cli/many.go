package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"

	"github.com/harden-dev/harden/attach"
	"github.com/harden-dev/harden/batch"
	"github.com/harden-dev/harden/redact"
	"github.com/spf13/cobra"
)

// imageRun is an image command cut in the halves every command that reads
// images has: analyze one reference into a result, render one result in a
// format, and the result's verdict against the command's gates ("" passes).
type imageRun[R any] struct {
	analyze func(ctx context.Context, ref string) (R, error)
	render  func(w io.Writer, format string, r R) error
	verdict func(r R) string
	// attach is the kind of result --attach pushes ("" when the command
	// has no --attach).
	attach attach.Kind
}

// manyFlags are the flags of the commands that take many images.
type manyFlags struct {
	image      *imageFlags // the command's: --insecure reaches the registry walk too
	imagesFrom string
	allTags    bool
	jobs       int
	outputDir  string
	attach     bool
}

func addManyFlags(cmd *cobra.Command, f *manyFlags, image *imageFlags) {
	f.image = image
	fl := cmd.Flags()
	fl.StringVar(&f.imagesFrom, "images-from", "", "also read image references from FILE, one a line (- for standard input)")
	fl.BoolVar(&f.allTags, "all-tags", false, "registry:HOST[/REPO] means every tag of every repository (default: each repository's latest)")
	fl.IntVar(&f.jobs, "jobs", batch.DefaultJobs, "images read at once; memory grows with it")
	fl.StringVar(&f.outputDir, "output-dir", "", "write one JSON file per image into DIR, named from its digest (sha256-HEX.json)")
}

// imageArgs accepts one or more images, or none with --images-from.
func imageArgs(names string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) == 0 && !cmd.Flags().Changed("images-from") {
			return usageError{fmt.Errorf("%s wants %s, got 0 arguments", cmd.Name(), names)}
		}
		return nil
	}
}

// single reports whether the command reads one image the plain way: one
// reference that is not a registry to walk, and no batch flag or format.
func (f *manyFlags) single(ctx context.Context, g *globals, refs []string) bool {
	if len(refs) != 1 || f.imagesFrom != "" || f.allTags || f.outputDir != "" || g.format == "jsonl" {
		return false
	}
	if !strings.HasPrefix(refs[0], "registry:") {
		return true
	}
	out, err := batch.Expand(ctx, refs, batch.WithImageOptions(g.imageOptions(f.image)...))
	return err == nil && len(out) == 1 && out[0] == refs[0]
}

// runImages analyzes and renders one image, or runs the batch.
func runImages[R any](cmd *cobra.Command, g *globals, f *manyFlags, refs []string, run imageRun[R]) error {
	if f.single(cmd.Context(), g, refs) {
		r, err := analyzeRead(cmd.Context(), g, f, refs[0], run)
		if err != nil {
			return err
		}
		if err := run.render(g.stdout, g.format, r.result); err != nil {
			return err
		}
		if err := attachRead(cmd.Context(), g, f, r, run); err != nil {
			return err
		}
		if msg := run.verdict(r.result); msg != "" {
			return errPolicy("%s", msg)
		}
		return nil
	}
	return runBatch(cmd.Context(), g, f, refs, run)
}

// readImage is what indexImage tells a command's caller about the image it
// read: the manifest digest names its --output-dir file; the reference and
// config digest are where --attach pushes.
type readImage struct{ ref, digest, config string }

// readKey carries a *readImage slot in the context of one analysis.
type readKey struct{}

// analyzed is one analysis with what was read for it.
type analyzed[R any] struct {
	result R
	read   readImage
}

// analyzeRead runs run.analyze on ref and records the image it read.
func analyzeRead[R any](ctx context.Context, g *globals, f *manyFlags, ref string, run imageRun[R]) (analyzed[R], error) {
	var a analyzed[R]
	if f.attach && strings.HasPrefix(ref, "sbom:") { // the SBOM names an image, but not one that was read
		return a, usageError{fmt.Errorf("--attach needs an image from a registry, not an SBOM file")}
	}
	r, err := run.analyze(context.WithValue(ctx, readKey{}, &a.read), ref)
	a.result = r
	return a, err
}

// attachRead pushes the result of an analysis with --attach to the
// registry of the image it read.
func attachRead[R any](ctx context.Context, g *globals, f *manyFlags, a analyzed[R], run imageRun[R]) error {
	if !f.attach {
		return nil
	}
	if a.read.config == "" {
		return usageError{fmt.Errorf("--attach: %s was not read from a registry (name it registry:NAME)", a.read.ref)}
	}
	return g.attachResult(ctx, f.image, a.read.ref, a.read.config, run.attach, func(w io.Writer, format string) error {
		return run.render(w, format, a.result)
	})
}

// expandRefs is args plus --images-from, with registry:HOST walked; args
// alone when there is nothing to expand.
func (g *globals) expandRefs(ctx context.Context, f *manyFlags, args []string) ([]string, error) {
	if f.imagesFrom == "" && !f.allTags && !slices.ContainsFunc(args, func(a string) bool { return strings.HasPrefix(a, "registry:") }) {
		return args, nil
	}
	opts := []batch.Option{batch.WithAllTags(f.allTags), batch.WithImageOptions(g.imageOptions(f.image)...), batch.WithLogger(g.log)}
	if g.stdin != nil {
		opts = append(opts, batch.WithStdin(g.stdin))
	}
	if f.imagesFrom != "" {
		opts = append(opts, batch.WithImagesFrom(f.imagesFrom))
	}
	refs, err := batch.Expand(ctx, args, opts...)
	if err != nil {
		return nil, usageError{err}
	}
	return refs, nil
}

func runBatch[R any](ctx context.Context, g *globals, f *manyFlags, args []string, run imageRun[R]) error {
	refs, err := g.expandRefs(ctx, f, args)
	if err != nil {
		return err
	}
	var sinks []batch.Sink
	if g.format == "jsonl" {
		sinks = append(sinks, batch.NewJSONL(g.stdout))
	}
	if f.outputDir != "" {
		dir, err := batch.NewDir(f.outputDir, redact.Bytes)
		if err != nil {
			return usageError{err}
		}
		defer dir.Close()
		sinks = append(sinks, dir)
	}
	// several images on the terminal: each rendered in turn as it finishes
	text := g.format != "jsonl" && f.outputDir == ""
	var mu sync.Mutex
	show := func(ref string, b []byte, err error) {
		mu.Lock()
		defer mu.Unlock()
		if err != nil {
			fmt.Fprintf(g.stderr, "harden: %s: %s\n", ref, strings.SplitN(err.Error(), "\n", 2)[0])
		}
		if b != nil {
			g.stdout.Write(b)
			fmt.Fprintln(g.stdout)
		}
	}
	fn := func(ctx context.Context, ref string) (batch.Result, error) {
		a, err := analyzeRead(ctx, g, f, ref, run)
		r := a.result
		res := batch.Result{Digest: a.read.digest}
		if err != nil {
			if text {
				show(ref, nil, err)
			}
			return res, err
		}
		var buf bytes.Buffer
		if err := run.render(&buf, "json", r); err != nil {
			return res, err
		}
		res.Value = json.RawMessage(bytes.TrimSpace(buf.Bytes()))
		if err := attachRead(ctx, g, f, a, run); err != nil {
			if text {
				show(ref, nil, err)
			}
			return res, err
		}
		msg := run.verdict(r)
		if text {
			var out bytes.Buffer
			if err := run.render(&out, g.format, r); err != nil {
				return res, err
			}
			var verdict error
			if msg != "" {
				verdict = errors.New(msg)
			}
			show(ref, out.Bytes(), verdict)
		}
		if msg != "" {
			res.Status = batch.StatusPolicy
			return res, errors.New(msg)
		}
		return res, nil
	}
	sum, err := batch.Run(ctx, refs, f.jobs, fn, batch.Tee(sinks...))
	if err != nil {
		return err
	}
	g.info("%d images: %d ok, %d crossed a threshold, %d failed", sum.Total(), sum.OK, sum.Policy, sum.Failed)
	switch sum.Worst() {
	case batch.StatusError:
		return fmt.Errorf("%d of %d images could not be analyzed", sum.Failed, sum.Total())
	case batch.StatusPolicy:
		return errPolicy("%d of %d images crossed a threshold", sum.Policy, sum.Total())
	}
	return nil
}
