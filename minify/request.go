package minify

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/harden-dev/harden/engine"
	"github.com/harden-dev/harden/fsindex"
	"github.com/harden-dev/harden/image"
)

// Request is one `harden minify`: what to keep, where to write it, and how
// to prove it. Entrypoint, Cmd and TZData are nil when not given.
type Request struct {
	Output            string
	Entrypoint, Cmd   *string
	Include, Exclude  []string
	KeepShell, Strict bool
	TZData            *bool
	User, Layers      string
	Profiles          []string
	SourceDate        *time.Time
	HealthcheckHTTP   string
	Trace, NoTrace    bool
	Verify            bool
	Probes            Probes
	Explain           []string
	Items             bool
	ImageOptions      []image.Option
	TempDir           string
	Logger            *slog.Logger
	Info              func(format string, args ...any)
	// Helper finds the static harden binary for an architecture (the
	// healthcheck probe, the trace); nil: none.
	Helper func(arch string) (string, int64, error)
}

// CheckOutput rejects a request that does not say, or says wrongly,
// where to write the image (-o).
func (r *Request) CheckOutput() error {
	if r.Output == "" {
		return fmt.Errorf("say where to write the image with -o (docker-daemon:NAME:TAG, docker-archive:PATH, oci:DIR:TAG, registry:REF)")
	}
	if _, err := image.ParseReference(r.Output); err != nil {
		return fmt.Errorf("-o: %w", err)
	}
	return nil
}

// Options checks the request and turns it into plan and build options.
func (r *Request) Options() ([]Option, error) {
	opts := []Option{WithLogger(r.Logger), WithInclude(r.Include...), WithExclude(r.Exclude...),
		WithKeepShell(r.KeepShell), WithUser(r.User), WithStrict(r.Strict), WithLayers(LayerMode(r.Layers))}
	if r.TZData != nil {
		opts = append(opts, WithTZData(*r.TZData))
	}
	if r.Entrypoint != nil {
		words, err := SplitArgs(*r.Entrypoint)
		if err != nil {
			return nil, fmt.Errorf("--entrypoint: %w", err)
		}
		opts = append(opts, WithEntrypoint(words...))
	}
	if r.Cmd != nil {
		words, err := SplitArgs(*r.Cmd)
		if err != nil {
			return nil, fmt.Errorf("--cmd: %w", err)
		}
		opts = append(opts, WithCmd(words...))
	}
	for _, file := range r.Profiles {
		data, err := os.ReadFile(file)
		if err != nil {
			return nil, fmt.Errorf("--profile: %w", err)
		}
		opts = append(opts, WithProfiles(file, data))
	}
	if r.SourceDate != nil {
		opts = append(opts, WithSourceDate(*r.SourceDate))
	}
	if r.Verify && r.Probes.Empty() {
		return nil, fmt.Errorf("--verify needs a probe: --probe-http PORT/PATH, --probe-tcp PORT or --probe-cmd ARGS")
	}
	if r.Trace && r.NoTrace {
		return nil, fmt.Errorf("--trace and --no-trace contradict each other")
	}
	return opts, nil
}

// RunRequest minifies img, named ref by the user and indexed as x with
// Wants of the request's options, writes the result to the request's output, proves it when
// asked, and reports before and after.
func RunRequest(ctx context.Context, ref string, img *image.Image, x *fsindex.Index, r Request) (*Report, error) {
	start := time.Now()
	opts, err := r.Options()
	if err != nil {
		return nil, err
	}
	srcID := img.Ref.String()
	if d, err := img.Digest(); err == nil {
		srcID += "@" + d.String()
	}
	opts = append(opts, WithSource(srcID))
	helper := func() (string, int64, error) {
		if r.Helper == nil {
			return "", 0, fmt.Errorf("no helper binary")
		}
		return r.Helper(x.Config.Architecture)
	}
	var path string
	if r.Trace || r.HealthcheckHTTP != "" {
		var size int64
		if path, size, err = helper(); err != nil {
			return nil, fmt.Errorf("--trace and --healthcheck-http need a static harden: %w", err)
		}
		if r.HealthcheckHTTP != "" {
			o, err := WithHealthcheckHTTP(path, size, r.HealthcheckHTTP)
			if err != nil {
				return nil, err
			}
			opts = append(opts, o)
		}
	} else if r.Verify && !r.NoTrace {
		// tracing after a failed verify needs a static harden; without one it is skipped
		path, _, _ = helper()
	}
	work, err := os.MkdirTemp(r.TempDir, "harden-minify-*")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(work)
	job := Job{Image: img, Index: x, Options: opts, Verify: r.Verify, Probes: r.Probes,
		Trace: TraceAuto, Helper: path, WorkDir: work, Info: r.Info,
		Write: func(ctx context.Context, out v1.Image) error {
			return image.Write(ctx, out, r.Output, r.ImageOptions...)
		}}
	switch {
	case r.Trace:
		job.Trace = TraceAlways
	case r.NoTrace:
		job.Trace = TraceOff
	}
	if img.Ref.Transport == image.DockerDaemon {
		job.EngineRef = img.Ref.Name
	}
	if r.Verify || r.Trace {
		job.Engine = engine.New()
	}
	res, err := Run(ctx, job)
	if err != nil {
		return nil, err
	}
	rep, err := res.ReportOf(ctx, ref, r.Output, x, r.Explain, r.Items)
	if err != nil {
		return nil, err
	}
	rep.Seconds = time.Since(start).Seconds()
	return rep, nil
}
