package cli

import (
	"fmt"
	"time"

	"github.com/harden-dev/harden/minify"
	"github.com/spf13/cobra"
)

// minifyFlags are minify's flags: most go straight into the request.
type minifyFlags struct {
	image           imageFlags
	req             minify.Request
	entrypoint, cmd string
	tzdata          bool
	probe           probeFlags
}

func newMinifyCmd(g *globals) *cobra.Command {
	f := &minifyFlags{}
	r := &f.req
	cmd := &cobra.Command{
		Use:     "minify IMAGE -o OUTPUT",
		Short:   "Keep only what the entrypoint needs: a distroless-style image without shell or package manager",
		Args:    exactArgs(1, "IMAGE"),
		PreRunE: g.formats("table", "json"),
		RunE:    func(cmd *cobra.Command, args []string) error { return f.run(g, cmd, args[0]) },
	}
	addImageFlags(cmd, &f.image)
	fl := cmd.Flags()
	fl.StringVarP(&r.Output, "output", "o", "", "where to write the image: docker-daemon:NAME:TAG, docker-archive:PATH, oci:DIR[:TAG], oci-archive:PATH or registry:REF")
	fl.StringVar(&f.entrypoint, "entrypoint", "", "use this entrypoint instead of the image's (words, quoted as in a shell)")
	fl.StringVar(&f.cmd, "cmd", "", "use this command instead of the image's Cmd")
	fl.StringArrayVar(&r.Include, "include", nil, "also keep paths matching this glob (repeatable; ** for any depth); overrides the deny list")
	fl.StringArrayVar(&r.Exclude, "exclude", nil, "drop paths matching this glob, whatever kept them (repeatable)")
	fl.BoolVar(&r.KeepShell, "keep-shell", false, "keep the image's shell (the result is no longer shell-less)")
	fl.BoolVar(&f.tzdata, "tzdata", true, "keep /usr/share/zoneinfo when the image has it")
	fl.StringVar(&r.User, "user", "", "the new image's user (default 65532:65532)")
	fl.BoolVar(&r.Strict, "strict", false, "fail when a library the entrypoint needs is missing (default: warn)")
	fl.StringVar(&r.Layers, "layers", "one", "one layer, or app: the runtime and the app in two layers")
	fl.StringVar(&r.HealthcheckHTTP, "healthcheck-http", "", "add a static probe and an exec-form HEALTHCHECK that GETs PORT/PATH")
	fl.BoolVar(&r.Trace, "trace", false, "run the original once under strace while the probes run before planning, and keep what it opened")
	fl.BoolVar(&r.NoTrace, "no-trace", false, "do not retry a failed --verify with a trace of the original")
	fl.BoolVar(&r.Verify, "verify", false, "run the original and the minified image with the probes and compare (exit 1 if they differ)")
	f.probe.add(fl, true)
	fl.StringArrayVar(&r.Explain, "explain", nil, "say which rule kept PATH, or why it was dropped (repeatable)")
	fl.BoolVar(&r.Items, "list", false, "with --format json, list every kept path and its reasons")
	fl.StringArrayVar(&r.Profiles, "profile", nil, "read runtime profiles from this YAML file (the format of minify/profiles.yaml; repeatable); one named like a built-in replaces it")
	return cmd
}

// request completes the minify request from the flags that need a look.
func (f *minifyFlags) request(g *globals, cmd *cobra.Command) (minify.Request, error) {
	r := f.req
	r.ImageOptions, r.TempDir, r.Logger, r.Info, r.Helper = g.imageOptions(&f.image), g.getenv("HARDEN_TMPDIR"), g.log, g.info, g.minifyHelper
	r.TZData, r.Entrypoint, r.Cmd = changed(cmd, "tzdata", &f.tzdata), changed(cmd, "entrypoint", &f.entrypoint), changed(cmd, "cmd", &f.cmd)
	var err error
	if r.SourceDate, err = g.sourceDate(); err != nil {
		return r, err
	}
	r.Probes, err = f.probe.Probes()
	return r, err
}

// minifyHelper is the static harden minify copies into images.
func (g *globals) minifyHelper(arch string) (string, int64, error) {
	return minify.Helper(g.getenv("HARDEN_PROBE_BINARY"), arch)
}

func (f *minifyFlags) run(g *globals, cmd *cobra.Command, ref string) error {
	ctx, start := cmd.Context(), time.Now()
	if err := f.req.CheckOutput(); err != nil {
		return usageError{err}
	}
	req, err := f.request(g, cmd)
	if err != nil {
		return usageError{err}
	}
	opts, err := req.Options()
	if err != nil {
		return usageError{err}
	}
	if req.KeepShell {
		fmt.Fprintln(g.stderr, "harden: WARNING: --keep-shell keeps the image's shell: the result is NOT shell-less, and anyone who gets code execution in it gets a shell too")
	}
	img, x, err := g.indexImage(ctx, ref, &f.image, minify.Wants(opts...)...)
	if err != nil {
		return err
	}
	defer img.Close()
	rep, err := minify.RunRequest(ctx, ref, img, x, req)
	if err != nil {
		return err
	}
	rep.Seconds = time.Since(start).Seconds()
	if err := rep.Write(g.stdout, g.format); err != nil {
		return err
	}
	if rep.Verify != nil && !rep.Verify.Passed {
		return errPolicy("minify: the minified image does not behave like the original")
	}
	return nil
}
