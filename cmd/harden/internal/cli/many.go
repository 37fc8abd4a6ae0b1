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
}

// manyFlags are the flags of the commands that take many images.
type manyFlags struct {
	image      *imageFlags // the command's: --insecure reaches the registry walk too
	imagesFrom string
	allTags    bool
	jobs       int
	outputDir  string
	attach     bool
	// kind is the kind of result --attach pushes ("" when the command has
	// no --attach).
	kind attach.Kind
}

// addManyFlags adds the batch flags, and --attach for a command whose
// result of the kind can be kept in the image's registry.
func addManyFlags(cmd *cobra.Command, f *manyFlags, image *imageFlags, kind attach.Kind) {
	f.image, f.kind = image, kind
	fl := cmd.Flags()
	fl.StringVar(&f.imagesFrom, "images-from", "", "also read image references from FILE, one a line (- for standard input)")
	fl.BoolVar(&f.allTags, "all-tags", false, "registry:HOST[/REPO] means every tag of every repository (default: each repository's latest)")
	fl.IntVar(&f.jobs, "jobs", batch.DefaultJobs, "images read at once; memory grows with it")
	fl.StringVar(&f.outputDir, "output-dir", "", "write one JSON file per image into DIR, named from its digest (sha256-HEX.json)")
	if kind != "" {
		fl.BoolVar(&f.attach, "attach", false, "push the result to the image's registry as an OCI artifact referring to the image "+
			"(see harden results); table and markdown attach JSON, an SBOM table attaches CycloneDX")
	}
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
	if !f.single(cmd.Context(), g, refs) {
		return runBatch(cmd.Context(), g, f, refs, run)
	}
	r, read, err := analyzeRead(cmd.Context(), f, refs[0], run)
	if err != nil {
		return err
	}
	if err := run.render(g.stdout, g.format, r); err != nil {
		return err
	}
	if err := attachRead(cmd.Context(), g, f, r, read, run); err != nil {
		return err
	}
	if msg := run.verdict(r); msg != "" {
		return errPolicy("%s", msg)
	}
	return nil
}

// readImage is what indexImage tells a command's caller about the image it
// read: the manifest digest names its --output-dir file; the reference and
// config digest are where --attach pushes.
type readImage struct{ ref, digest, config string }

// readKey carries a *readImage slot in the context of one analysis.
type readKey struct{}

// analyzeRead runs run.analyze on ref and returns the image it read.
func analyzeRead[R any](ctx context.Context, f *manyFlags, ref string, run imageRun[R]) (r R, read readImage, err error) {
	if f.attach && strings.HasPrefix(ref, "sbom:") { // the SBOM names an image, but not one that was read
		return r, read, usageError{fmt.Errorf("--attach needs an image from a registry, not an SBOM file")}
	}
	r, err = run.analyze(context.WithValue(ctx, readKey{}, &read), ref)
	return r, read, err
}

// attachRead pushes the result of an analysis with --attach to the
// registry of the image it read, rendered in the format to attach (the
// user's --format when a machine reads it, else the kind's default) and
// redacted as stdout is.
func attachRead[R any](ctx context.Context, g *globals, f *manyFlags, r R, read readImage, run imageRun[R]) error {
	if !f.attach {
		return nil
	}
	if read.config == "" {
		return usageError{fmt.Errorf("--attach: %s was not read from a registry (name it registry:NAME)", read.ref)}
	}
	format, mediaType := attach.Format(f.kind, g.format)
	var buf bytes.Buffer
	if err := run.render(&buf, format, r); err != nil {
		return err
	}
	res := attach.Result{Kind: f.kind, Format: format, MediaType: mediaType, Body: redact.Bytes(buf.Bytes())}
	opts := []attach.Option{attach.WithInsecure(f.image.insecure), attach.WithPlatform(f.image.platform), attach.WithVersion(readBuildInfo().Version)}
	pushed, err := attach.Publish(ctx, read.ref, read.config, res, opts...)
	if err != nil {
		return fmt.Errorf("--attach: %w", err)
	}
	g.info("attached the %s result (%s) to %s as %s", f.kind, format, pushed.Subject, pushed.Digest)
	return nil
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

// runBatch runs the command over every image: each result to --format
// jsonl's lines and --output-dir's files, or else rendered in turn on the
// terminal as it finishes.
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
	text := len(sinks) == 0 // several images on the terminal
	if text {
		sinks = append(sinks, batch.NewText(g.stdout, g.stderr, "harden"))
	}
	fn := func(ctx context.Context, ref string) (batch.Result, error) {
		r, read, err := analyzeRead(ctx, f, ref, run)
		res := batch.Result{Digest: read.digest}
		if err != nil {
			return res, err
		}
		var js, out bytes.Buffer
		if err := run.render(&js, "json", r); err != nil {
			return res, err
		}
		res.Value = json.RawMessage(bytes.TrimSpace(js.Bytes()))
		if err := attachRead(ctx, g, f, r, read, run); err != nil {
			return res, err
		}
		if text {
			if err := run.render(&out, g.format, r); err != nil {
				return res, err
			}
			res.Text = out.Bytes()
		}
		if msg := run.verdict(r); msg != "" {
			res.Status = batch.StatusPolicy
			return res, errors.New(msg)
		}
		return res, nil
	}
	sum, err := batch.Run(ctx, refs, f.jobs, fn, batch.Tee(sinks...))
	if err != nil {
		return err
	}
	g.info("%s", sum)
	if sum.Worst() == batch.StatusPolicy {
		return errPolicy("%s", sum.Err())
	}
	return sum.Err()
}
