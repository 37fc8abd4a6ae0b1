package minify

import (
	"fmt"
	"io"
	"log/slog"
	"path"
	"strings"
	"time"
)

// Option configures Wants, Plan and Build. The same options can be passed
// to all three.
type Option func(*options) error

// LayerMode says how the new filesystem is split into layers.
type LayerMode string

// The layer modes.
const (
	// LayersOne writes everything into one layer (the default).
	LayersOne LayerMode = "one"
	// LayersApp writes the runtime (everything but the app) into one layer
	// and the app into a second, so the runtime layer is shared between
	// apps of the same base.
	LayersApp LayerMode = "app"
)

// HealthcheckProbe is the static probe binary --healthcheck-http puts into
// the image, and where it listens.
type HealthcheckProbe struct {
	// Open returns the probe binary (a static ELF for the image's platform).
	Open func() (io.ReadCloser, error)
	// Size is the binary's size in bytes.
	Size int64
	// Args are the arguments after the binary in the exec-form HEALTHCHECK,
	// e.g. ["probe", "http", "http://127.0.0.1:3000/healthz"].
	Args []string
}

type options struct {
	entrypoint    []string
	cmd           []string
	entrypointSet bool
	cmdSet        bool
	includes      []string
	excludes      []string
	keepShell     bool
	tzdata        *bool
	user          string
	strict        bool
	layers        LayerMode
	sourceDate    time.Time
	workDir       string
	traced        []string
	healthcheck   *HealthcheckProbe
	source        string
	log           *slog.Logger
	profiles      []ProfileSpec
}

func makeOptions(opts ...Option) (*options, error) {
	o := &options{
		layers:     LayersOne,
		sourceDate: time.Unix(0, 0).UTC(),
		log:        slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
	for _, opt := range opts {
		if err := opt(o); err != nil {
			return nil, err
		}
	}
	return o, nil
}

// WithEntrypoint replaces the image's Entrypoint (as docker run --entrypoint
// does, the image's Cmd is then ignored unless WithCmd is given too).
func WithEntrypoint(argv ...string) Option {
	return func(o *options) error {
		o.entrypoint, o.entrypointSet = argv, true
		return nil
	}
}

// WithCmd replaces the image's Cmd.
func WithCmd(argv ...string) Option {
	return func(o *options) error {
		o.cmd, o.cmdSet = argv, true
		return nil
	}
}

// WithInclude keeps the paths matching these globs (path.Match syntax per
// component, plus "**" for any depth), even shells and tools.
func WithInclude(globs ...string) Option {
	return func(o *options) error {
		for _, g := range globs {
			if err := checkGlob(g); err != nil {
				return fmt.Errorf("include %q: %w", g, err)
			}
		}
		o.includes = append(o.includes, globs...)
		return nil
	}
}

// WithExclude drops the paths matching these globs (and what is below them)
// from the kept set, whatever rule kept them.
func WithExclude(globs ...string) Option {
	return func(o *options) error {
		for _, g := range globs {
			if err := checkGlob(g); err != nil {
				return fmt.Errorf("exclude %q: %w", g, err)
			}
		}
		o.excludes = append(o.excludes, globs...)
		return nil
	}
}

func checkGlob(g string) error {
	if !strings.HasPrefix(g, "/") {
		return fmt.Errorf("must be an absolute path")
	}
	for _, part := range strings.Split(g, "/") {
		if part == "**" {
			continue
		}
		if _, err := path.Match(part, ""); err != nil {
			return err
		}
	}
	return nil
}

// WithKeepShell keeps the image's shell (/bin/sh and what it links to). The
// result is no longer shell-less; the CLI says so loudly.
func WithKeepShell(keep bool) Option {
	return func(o *options) error { o.keepShell = keep; return nil }
}

// WithTZData keeps (true) or drops (false) /usr/share/zoneinfo. Without this
// option, time zone data is kept when the image has it.
func WithTZData(keep bool) Option {
	return func(o *options) error { o.tzdata = &keep; return nil }
}

// WithUser sets the new image's User (default "65532:65532").
func WithUser(user string) Option {
	return func(o *options) error {
		if strings.ContainsAny(user, " \t\n") {
			return fmt.Errorf("bad user %q", user)
		}
		o.user = user
		return nil
	}
}

// WithStrict makes a library the entrypoint needs but the image lacks an
// error instead of a warning.
func WithStrict(strict bool) Option {
	return func(o *options) error { o.strict = strict; return nil }
}

// WithLayers chooses how the filesystem is split into layers.
func WithLayers(m LayerMode) Option {
	return func(o *options) error {
		switch m {
		case LayersOne, LayersApp:
			o.layers = m
			return nil
		case "":
			o.layers = LayersOne
			return nil
		}
		return fmt.Errorf("unknown layer mode %q (want one or app)", m)
	}
}

// WithSourceDate sets every timestamp of the new image (file times, created,
// history), as SOURCE_DATE_EPOCH does. The default is the Unix epoch.
func WithSourceDate(t time.Time) Option {
	return func(o *options) error {
		if t.Before(time.Unix(0, 0)) {
			return fmt.Errorf("source date %s is before 1970", t)
		}
		o.sourceDate = t.UTC().Truncate(time.Second)
		return nil
	}
}

// WithWorkDir makes Build write its layer files into dir, which the caller
// owns and removes once the image is written. Without it, layers are kept
// in memory.
func WithWorkDir(dir string) Option {
	return func(o *options) error { o.workDir = dir; return nil }
}

// WithTraced adds paths a trace of the running image saw (see Trace) to the
// kept set.
func WithTraced(paths ...string) Option {
	return func(o *options) error { o.traced = append(o.traced, paths...); return nil }
}

// WithHealthcheckProbe adds the probe binary at /.harden/probe and an
// exec-form HEALTHCHECK that runs it.
func WithHealthcheckProbe(p *HealthcheckProbe) Option {
	return func(o *options) error {
		if p == nil || p.Open == nil || len(p.Args) == 0 {
			return fmt.Errorf("healthcheck probe needs a binary and arguments")
		}
		o.healthcheck = p
		return nil
	}
}

// WithSource names the input image (a reference and digest) in the new
// image's history.
func WithSource(s string) Option {
	return func(o *options) error { o.source = s; return nil }
}

// WithLogger sends debug messages to l.
func WithLogger(l *slog.Logger) Option {
	return func(o *options) error {
		if l != nil {
			o.log = l
		}
		return nil
	}
}
