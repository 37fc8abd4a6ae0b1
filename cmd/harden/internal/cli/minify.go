package cli

import (
	"context"
	"fmt"
	"os"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/harden-dev/harden/engine"
	"github.com/harden-dev/harden/image"
	"github.com/harden-dev/harden/minify"
	"github.com/harden-dev/harden/report"
	"github.com/spf13/cobra"
)

type minifyFlags struct {
	image           imageFlags
	output          string
	entrypoint      string
	cmd             string
	includes        []string
	excludes        []string
	keepShell       bool
	tzdata          bool
	user            string
	strict          bool
	layers          string
	healthcheckHTTP string
	trace           bool
	noTrace         bool
	verify          bool
	probe           probeFlags
	explain         []string
	items           bool
	profiles        []string
}

func newMinifyCmd(g *globals) *cobra.Command {
	f := &minifyFlags{}
	cmd := &cobra.Command{
		Use:   "minify IMAGE -o OUTPUT",
		Short: "Keep only what the entrypoint needs: a distroless-style image without shell or package manager",
		Args:  exactArgs(1, "IMAGE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return f.run(cmd.Context(), g, cmd, args[0])
		},
	}
	addImageFlags(cmd, &f.image)
	fl := cmd.Flags()
	fl.StringVarP(&f.output, "output", "o", "", "where to write the image: docker-daemon:NAME:TAG, docker-archive:PATH, oci:DIR[:TAG], oci-archive:PATH or registry:REF")
	fl.StringVar(&f.entrypoint, "entrypoint", "", "use this entrypoint instead of the image's (words, quoted as in a shell)")
	fl.StringVar(&f.cmd, "cmd", "", "use this command instead of the image's Cmd")
	fl.StringArrayVar(&f.includes, "include", nil, "also keep paths matching this glob (repeatable; ** for any depth); overrides the deny list")
	fl.StringArrayVar(&f.excludes, "exclude", nil, "drop paths matching this glob, whatever kept them (repeatable)")
	fl.BoolVar(&f.keepShell, "keep-shell", false, "keep the image's shell (the result is no longer shell-less)")
	fl.BoolVar(&f.tzdata, "tzdata", true, "keep /usr/share/zoneinfo when the image has it")
	fl.StringVar(&f.user, "user", "", "the new image's user (default 65532:65532)")
	fl.BoolVar(&f.strict, "strict", false, "fail when a library the entrypoint needs is missing (default: warn)")
	fl.StringVar(&f.layers, "layers", "one", "one layer, or app: the runtime and the app in two layers")
	fl.StringVar(&f.healthcheckHTTP, "healthcheck-http", "", "add a static probe and an exec-form HEALTHCHECK that GETs PORT/PATH")
	fl.BoolVar(&f.trace, "trace", false, "run the original once under strace while the probes run before planning, and keep what it opened")
	fl.BoolVar(&f.noTrace, "no-trace", false, "do not retry a failed --verify with a trace of the original")
	fl.BoolVar(&f.verify, "verify", false, "run the original and the minified image with the probes and compare (exit 1 if they differ)")
	f.probe.add(fl, true)
	fl.StringArrayVar(&f.explain, "explain", nil, "say which rule kept PATH, or why it was dropped (repeatable)")
	fl.BoolVar(&f.items, "list", false, "with --format json, list every kept path and its reasons")
	fl.StringArrayVar(&f.profiles, "profile", nil, "read runtime profiles from this YAML file (the format of minify/profiles.yaml; repeatable); one named like a built-in replaces it")
	return cmd
}

// options turns the flags into minify options.
func (f *minifyFlags) options(g *globals, cmd *cobra.Command) ([]minify.Option, minify.Probes, error) {
	opts := []minify.Option{minify.WithLogger(g.log), minify.WithInclude(f.includes...), minify.WithExclude(f.excludes...),
		minify.WithKeepShell(f.keepShell), minify.WithUser(f.user), minify.WithStrict(f.strict),
		minify.WithLayers(minify.LayerMode(f.layers))}
	if cmd.Flags().Changed("tzdata") {
		opts = append(opts, minify.WithTZData(f.tzdata))
	}
	if cmd.Flags().Changed("entrypoint") {
		words, err := minify.SplitArgs(f.entrypoint)
		if err != nil {
			return nil, minify.Probes{}, fmt.Errorf("--entrypoint: %w", err)
		}
		opts = append(opts, minify.WithEntrypoint(words...))
	}
	if cmd.Flags().Changed("cmd") {
		words, err := minify.SplitArgs(f.cmd)
		if err != nil {
			return nil, minify.Probes{}, fmt.Errorf("--cmd: %w", err)
		}
		opts = append(opts, minify.WithCmd(words...))
	}
	for _, file := range f.profiles {
		data, err := os.ReadFile(file)
		if err != nil {
			return nil, minify.Probes{}, fmt.Errorf("--profile: %w", err)
		}
		opts = append(opts, minify.WithProfiles(file, data))
	}
	if epoch, err := g.sourceDate(); err != nil {
		return nil, minify.Probes{}, err
	} else if epoch != nil {
		opts = append(opts, minify.WithSourceDate(*epoch))
	}
	p, err := f.probe.probes()
	if err != nil {
		return nil, p, err
	}
	if f.verify && p.Empty() {
		return nil, p, fmt.Errorf("--verify needs a probe: --probe-http PORT/PATH, --probe-tcp PORT or --probe-cmd ARGS")
	}
	if f.trace && f.noTrace {
		return nil, p, fmt.Errorf("--trace and --no-trace contradict each other")
	}
	return opts, p, nil
}

// helper returns the static harden binary put into images (the healthcheck
// probe) or bind-mounted into them (--trace).
func (g *globals) minifyHelper(arch string) (string, int64, error) {
	p := g.getenv("HARDEN_PROBE_BINARY")
	if p == "" {
		exe, err := os.Executable()
		if err != nil {
			return "", 0, err
		}
		p = exe
	}
	size, err := minify.CheckHelper(p, arch)
	return p, size, err
}

func (f *minifyFlags) run(ctx context.Context, g *globals, cmd *cobra.Command, ref string) error {
	start := time.Now()
	if err := g.checkFormat("table", "json"); err != nil {
		return err
	}
	if f.output == "" {
		return usageError{fmt.Errorf("say where to write the image with -o (docker-daemon:NAME:TAG, docker-archive:PATH, oci:DIR:TAG, registry:REF)")}
	}
	if _, err := image.ParseReference(f.output); err != nil {
		return usageError{fmt.Errorf("-o: %w", err)}
	}
	opts, probes, err := f.options(g, cmd)
	if err != nil {
		return usageError{err}
	}
	if f.keepShell {
		fmt.Fprintln(g.stderr, "harden: WARNING: --keep-shell keeps the image's shell: the result is NOT shell-less, and anyone who gets code execution in it gets a shell too")
	}
	img, x, err := g.indexImage(ctx, ref, &f.image, minify.Wants(opts...)...)
	if err != nil {
		return err
	}
	defer img.Close()
	srcID := img.Ref.String()
	if d, err := img.Digest(); err == nil {
		srcID += "@" + d.String()
	}
	opts = append(opts, minify.WithSource(srcID))
	var helper string
	if f.trace || f.healthcheckHTTP != "" {
		var size int64
		if helper, size, err = g.minifyHelper(x.Config.Architecture); err != nil {
			return fmt.Errorf("--trace and --healthcheck-http need a static harden: %w", err)
		}
		if f.healthcheckHTTP != "" {
			o, err := minify.WithHealthcheckHTTP(helper, size, f.healthcheckHTTP)
			if err != nil {
				return usageError{err}
			}
			opts = append(opts, o)
		}
	} else if f.verify && !f.noTrace {
		// tracing after a failed verify needs a static harden; without one it is skipped
		helper, _, _ = g.minifyHelper(x.Config.Architecture)
	}
	work, err := os.MkdirTemp(g.getenv("HARDEN_TMPDIR"), "harden-minify-*")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	job := minify.Job{Image: img, Index: x, Options: opts, Verify: f.verify, Probes: probes,
		Trace: minify.TraceAuto, Helper: helper, WorkDir: work, Info: g.info,
		Write: func(ctx context.Context, out v1.Image) error {
			return image.Write(ctx, out, f.output, g.imageOptions(&f.image)...)
		}}
	switch {
	case f.trace:
		job.Trace = minify.TraceAlways
	case f.noTrace:
		job.Trace = minify.TraceOff
	}
	job.EngineRef = engineRef(img)
	if f.verify || f.trace {
		job.Engine = engine.New()
	}
	res, err := minify.Run(ctx, job)
	if err != nil {
		return err
	}
	rep, err := res.ReportOf(ctx, ref, f.output, x, f.explain, f.items)
	if err != nil {
		return err
	}
	rep.Seconds = time.Since(start).Seconds()
	if g.format == "json" {
		err = report.WriteJSON(g.stdout, rep)
	} else {
		err = rep.WriteText(g.stdout)
	}
	if err != nil {
		return err
	}
	if rep.Verify != nil && !rep.Verify.Passed {
		return errPolicy("minify: the minified image does not behave like the original")
	}
	return nil
}
