package cli

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/harden-dev/harden/fsindex"
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
	verify          bool
	probeHTTP       []string
	probeCmd        []string
	probeStatus     int
	probeBody       string
	probeWait       time.Duration
	env             []string
	explain         []string
	items           bool
	profiles        []string
}

func newMinifyCmd(g *globals) *cobra.Command {
	f := &minifyFlags{}
	cmd := &cobra.Command{
		Use:   "minify IMAGE -o OUTPUT",
		Short: "Keep only what the entrypoint needs: a distroless-style image without shell or package manager",
		Long: `minify keeps the files the image's entrypoint needs (the program and its ELF
closure, what glibc loads at run time, the runtime's files for node, python3 and
java, the app, CA certificates, time zones, passwd/group with nonroot 65532) and
writes them as one deterministic layer with the image's config, running as
65532:65532. Shells, package managers and tools are never kept unless --include
names them. Package metadata lists only the kept files (/var/lib/dpkg/status.d).

With --verify the original and the minified image both run the probes; the
minified one under --read-only --cap-drop ALL --security-opt no-new-privileges
--network host as 65532. The exit code is 1 when an answer differs.

With --trace the original runs once while strace (on the host) records every
file the app opens; those files are kept too. harden must be statically linked
(built with CGO_ENABLED=0) for --trace and --healthcheck-http, or
HARDEN_PROBE_BINARY must name a static harden.

SOURCE_DATE_EPOCH sets every timestamp of the new image (default 0).`,
		Example: `  harden minify harden-fixture/app -o docker-daemon:app:min --verify --probe-http 3000/healthz
  harden minify docker-archive:py.tar -o oci:./out:min --include '/app/static/**'
  harden minify goapp:1 -o docker-archive:min.tar --probe-cmd version --verify --explain /bin/sh`,
		Args: exactArgs(1, "IMAGE"),
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
	fl.BoolVar(&f.trace, "trace", false, "run the original once under strace while the probes run, and keep what it opened")
	fl.BoolVar(&f.verify, "verify", false, "run the original and the minified image with the probes and compare (exit 1 if they differ)")
	fl.StringArrayVar(&f.probeHTTP, "probe-http", nil, "HTTP probe PORT/PATH on 127.0.0.1 (repeatable)")
	fl.StringArrayVar(&f.probeCmd, "probe-cmd", nil, "command probe: arguments passed to the entrypoint, quoted as in a shell (repeatable)")
	fl.IntVar(&f.probeStatus, "probe-status", 0, "status HTTP probes expect (default: the original's, below 400)")
	fl.StringVar(&f.probeBody, "probe-body", "", "substring HTTP answers must contain")
	fl.DurationVar(&f.probeWait, "probe-wait", 30*time.Second, "how long HTTP probes wait for the app to answer")
	fl.StringArrayVar(&f.env, "probe-env", nil, "KEY=VALUE set in every probe and trace container (repeatable), e.g. PORT=8080")
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
	if s := g.getenv("SOURCE_DATE_EPOCH"); s != "" {
		sec, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return nil, minify.Probes{}, fmt.Errorf("SOURCE_DATE_EPOCH=%q is not a number of seconds", s)
		}
		opts = append(opts, minify.WithSourceDate(time.Unix(sec, 0)))
	}
	p := minify.Probes{Wait: f.probeWait, Env: f.env}
	for _, s := range f.probeHTTP {
		hp, err := minify.ParseHTTPProbe(s)
		if err != nil {
			return nil, p, err
		}
		hp.Status, hp.Body = f.probeStatus, f.probeBody
		p.HTTP = append(p.HTTP, hp)
	}
	for _, s := range f.probeCmd {
		words, err := minify.SplitArgs(s)
		if err != nil {
			return nil, p, fmt.Errorf("--probe-cmd %q: %w", s, err)
		}
		p.Cmd = append(p.Cmd, words)
	}
	for _, e := range f.env {
		if !strings.Contains(e, "=") {
			return nil, p, fmt.Errorf("--probe-env %q: want KEY=VALUE", e)
		}
	}
	if f.verify && p.Empty() {
		return nil, p, fmt.Errorf("--verify needs a probe: --probe-http PORT/PATH or --probe-cmd ARGS")
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
			hp, err := minify.ParseHTTPProbe(f.healthcheckHTTP)
			if err != nil {
				return usageError{fmt.Errorf("--healthcheck-http: %w", err)}
			}
			opts = append(opts, minify.WithHealthcheckProbe(&minify.HealthcheckProbe{
				Open: func() (io.ReadCloser, error) { return os.Open(helper) }, Size: size,
				Args: []string{"probe", "http", hp.URL()},
			}))
		}
	}
	runner := &minify.DockerRunner{}
	engine := &engineImages{r: runner}
	defer engine.cleanup(ctx)
	var traced []string
	if f.trace {
		sel, err := minify.Plan(ctx, x, opts...)
		if err != nil {
			return err
		}
		orig, err := engine.ref(ctx, img.Ref, img, "original")
		if err != nil {
			return err
		}
		g.info("tracing %s (strace on the host follows the app while the probes run)", ref)
		paths, err := minify.Trace(ctx, runner, minify.TraceSpec{Image: orig, Argv: sel.Program.Argv,
			WorkingDir: sel.Program.WorkingDir, Helper: helper}, probes)
		if err != nil {
			return fmt.Errorf("--trace: %w", err)
		}
		traced = paths
		opts = append(opts, minify.WithTraced(paths...))
	}
	sel, err := minify.Plan(ctx, x, opts...)
	if err != nil {
		return err
	}
	work, err := os.MkdirTemp(g.getenv("HARDEN_TMPDIR"), "harden-minify-*")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	out, err := minify.Build(ctx, img, x, sel, append(opts, minify.WithWorkDir(work))...)
	if err != nil {
		return err
	}
	if err := image.Write(ctx, out, f.output, g.imageOptions(&f.image)...); err != nil {
		return err
	}
	rep, err := f.report(ctx, ref, x, sel, out, traced)
	if err != nil {
		return err
	}
	if f.verify {
		outRef, _ := image.ParseReference(f.output)
		orig, err := engine.ref(ctx, img.Ref, img, "original")
		if err != nil {
			return err
		}
		mini, err := engine.ref(ctx, outRef, out, "minified")
		if err != nil {
			return err
		}
		g.info("verifying: %d probe(s) on %s and on the minified image", len(probes.HTTP)+len(probes.Cmd), ref)
		if rep.Verify, err = minify.Verify(ctx, runner, orig, mini, sel.Config.User, probes); err != nil {
			return err
		}
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

// report indexes the new image and fills the before/after report.
func (f *minifyFlags) report(ctx context.Context, ref string, x *fsindex.Index, sel *minify.Selection, out v1.Image, traced []string) (*minify.Report, error) {
	ox, err := fsindex.Build(ctx, out, fsindex.WithWants(minify.SummaryWants()...))
	if err != nil {
		return nil, fmt.Errorf("reading the new image back: %w", err)
	}
	rep := &minify.Report{Image: ref, Output: f.output, Before: minify.Summarize(x), After: minify.Summarize(ox),
		Program: sel.Program, Profiles: sel.Profiles, Kept: sel.Len(), Packages: sel.Packages, Warnings: sel.Warnings, Writable: sel.Writable, Traced: len(traced)}
	_, rep.Floor = minify.OpenedSize(x, traced)
	if d, err := out.Digest(); err == nil {
		rep.Digest = d.String()
	}
	for _, p := range f.explain {
		rep.Explain = append(rep.Explain, sel.Explain(p))
	}
	if f.items {
		rep.Items = sel.Items()
	}
	return rep, nil
}

// engineImages puts images into the engine for --verify and --trace, and
// removes the tags it made.
type engineImages struct {
	r    *minify.DockerRunner
	tags []string
	refs map[string]string
}

// ref returns a name the engine knows img by: its own for docker-daemon:
// references, a temporary tag otherwise.
func (e *engineImages) ref(ctx context.Context, r image.Reference, img v1.Image, kind string) (string, error) {
	if r.Transport == image.DockerDaemon {
		return r.Name, nil
	}
	if e.refs == nil {
		e.refs = map[string]string{}
	}
	if t, ok := e.refs[kind]; ok {
		return t, nil
	}
	b := make([]byte, 6)
	rand.Read(b)
	tag := "harden-verify/" + kind + ":" + hex.EncodeToString(b)
	if err := e.r.Load(ctx, img, tag); err != nil {
		return "", err
	}
	e.tags = append(e.tags, tag)
	e.refs[kind] = tag
	return tag, nil
}

func (e *engineImages) cleanup(ctx context.Context) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
	defer cancel()
	for _, t := range e.tags {
		_ = e.r.RemoveImage(ctx, t)
	}
}
