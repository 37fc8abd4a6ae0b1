package minify

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"path"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/harden-dev/harden/engine"
	"github.com/harden-dev/harden/fsindex"
	"github.com/harden-dev/harden/runconfig"
)

// TraceMode says when Run traces the original under strace.
type TraceMode string

// The trace modes.
const (
	// TraceAuto traces only when a verify of the static plan failed, and
	// then plans, builds and verifies once more with what the trace saw.
	TraceAuto TraceMode = "auto"
	// TraceAlways traces before planning.
	TraceAlways TraceMode = "always"
	// TraceOff never traces.
	TraceOff TraceMode = "off"
)

// Job is one whole minify: plan, trace, build, verify, write.
type Job struct {
	// Image is the input and Index its index (built with Wants).
	Image v1.Image
	Index *fsindex.Index
	// EngineRef is the name the engine already knows Image by; when empty,
	// Image is loaded under a temporary tag for verify and trace.
	EngineRef string
	// Options are the plan and build options.
	Options []Option
	// Write writes the final image (the caller's output).
	Write func(ctx context.Context, img v1.Image) error
	// Verify runs Probes on the original and the minified image.
	Verify bool
	Probes Probes
	// Trace says when to trace; Helper is the static helper binary it
	// needs (without one, TraceAuto does not trace).
	Trace  TraceMode
	Helper string
	// Engine runs the containers (nil: none available; then neither
	// verify nor trace can run).
	Engine Runner
	// WorkDir holds the layer files while building.
	WorkDir string
	// Info reports progress (may be nil).
	Info func(format string, args ...any)
}

// Result is what Run made and measured.
type Result struct {
	// Selection is the final plan and Image the image written.
	Selection *Selection
	Image     v1.Image
	// Traced is what the trace saw (nil without a trace).
	Traced *Traced
	// TraceAdded lists the files the trace added to the static plan, each
	// with why the static plan had not kept it, so a profile can learn it.
	TraceAdded []Explanation
	// Writable are the directories recorded in the image's
	// runconfig.WritableLabel.
	Writable []string
	// Verify is the final proof; StaticVerify the failed proof of the
	// static plan when a trace retried it.
	Verify       *VerifyResult
	StaticVerify *VerifyResult
}

// Run plans, optionally traces, builds, verifies and writes one minified
// image: the workflow behind `harden minify`. With TraceAuto, a verify that
// fails on the static plan is retried once with a trace of the original,
// keeping what the app opened plus what the static plan keeps. Every
// container and temporary tag it makes is removed before it returns, also
// when ctx is cancelled.
func Run(ctx context.Context, job Job) (res *Result, err error) {
	if job.Info == nil {
		job.Info = func(string, ...any) {}
	}
	if (job.Verify || job.Trace == TraceAlways) && job.Engine == nil {
		return nil, fmt.Errorf("verify and trace need a Docker engine")
	}
	if job.Trace == TraceAlways && job.Helper == "" {
		return nil, fmt.Errorf("trace needs a static harden helper binary")
	}
	tags := &tempTags{r: job.Engine}
	defer func() {
		if cerr := tags.cleanup(ctx); cerr != nil && err == nil {
			err = cerr
		}
	}()
	res = &Result{}
	static, err := Plan(ctx, job.Index, job.Options...)
	if err != nil {
		return nil, err
	}
	if job.Trace == TraceAlways {
		if res.Traced, err = trace(ctx, job, tags, static); err != nil {
			return nil, err
		}
	}
	sel, out, err := build(ctx, job, res.Traced)
	if err != nil {
		return nil, err
	}
	if job.Verify {
		if res.Verify, err = verify(ctx, job, tags, sel, out); err != nil {
			return nil, err
		}
		if !res.Verify.Passed && job.Trace == TraceAuto && job.Helper == "" {
			job.Info("verify failed on the static plan; not tracing it: tracing needs a static harden (HARDEN_PROBE_BINARY)")
		}
		if !res.Verify.Passed && job.Trace == TraceAuto && job.Helper != "" && res.Traced == nil {
			job.Info("verify failed on the static plan; tracing the original once to find what it misses")
			if res.Traced, err = trace(ctx, job, tags, static); err != nil {
				return nil, err
			}
			first := sel
			if sel, out, err = build(ctx, job, res.Traced); err != nil {
				return nil, err
			}
			res.StaticVerify = res.Verify
			if res.Verify, err = verify(ctx, job, tags, sel, out); err != nil {
				return nil, err
			}
			res.TraceAdded = added(first, sel)
		}
	}
	res.Selection, res.Image = sel, out
	res.Writable, _ = runconfig.DecodeWritable(sel.Config.Labels[runconfig.WritableLabel])
	if job.Write != nil {
		if err := job.Write(ctx, out); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// build plans with what a trace saw (if any), records the writable
// directories in the config and builds.
func build(ctx context.Context, job Job, t *Traced) (*Selection, v1.Image, error) {
	opts := job.Options
	if t != nil {
		opts = append(opts[:len(opts):len(opts)], WithTraced(t.Opened...))
	}
	sel, err := Plan(ctx, job.Index, opts...)
	if err != nil {
		return nil, nil, err
	}
	var written []string
	if t != nil {
		written = t.Written
	}
	recordWritable(sel, written)
	if job.WorkDir != "" {
		opts = append(opts[:len(opts):len(opts)], WithWorkDir(job.WorkDir))
	}
	out, err := Build(ctx, job.Image, job.Index, sel, opts...)
	return sel, out, err
}

// recordWritable puts the directories the app writes — the profiles'
// (sel.Writable) and the trace's — into the config's
// runconfig.WritableLabel. A directory that holds kept files is left out
// with a warning: a tmpfs there would hide them.
func recordWritable(sel *Selection, traced []string) {
	var dirs []string
	for _, d := range append(append([]string{}, sel.Writable...), traced...) {
		d = path.Clean(d)
		if d == "/tmp" || strings.HasPrefix(d, "/tmp/") || !strings.HasPrefix(d, "/") || d == "/" {
			continue // /tmp always gets a tmpfs
		}
		if holdsKept(sel, d) {
			sel.Warnings = append(sel.Warnings, fmt.Sprintf("the app writes in %s, which holds files of the image: a tmpfs would hide them, so run it with a volume there", d))
			continue
		}
		dirs = append(dirs, d)
	}
	if len(dirs) == 0 {
		return
	}
	labels := map[string]string{}
	for k, v := range sel.Config.Labels {
		labels[k] = v
	}
	labels[runconfig.WritableLabel] = runconfig.EncodeWritable(dirs)
	sel.Config.Labels = labels
}

// holdsKept reports whether a kept regular file or symlink lies below d.
func holdsKept(sel *Selection, d string) bool {
	for _, it := range sel.items {
		if strings.HasPrefix(it.Path, d+"/") && it.Type != fsindex.TypeDir {
			return true
		}
	}
	return false
}

// added lists what the traced plan keeps and the static one did not, with
// the static plan's reason.
func added(static, traced *Selection) []Explanation {
	var out []Explanation
	for _, it := range traced.Items() {
		if _, ok := static.Lookup(it.Path); ok || it.Source == nil || it.Type == fsindex.TypeDir {
			continue
		}
		ex := static.Explain(it.Path)
		if ex.Dropped == "" {
			ex.Dropped = "no rule of the static plan reaches it"
		}
		ex.Kept, ex.Reasons = true, it.Reasons
		out = append(out, ex)
	}
	return out
}

// trace runs the original under strace with the probes.
func trace(ctx context.Context, job Job, tags *tempTags, static *Selection) (*Traced, error) {
	orig, err := tags.ref(ctx, job.EngineRef, job.Image, "original")
	if err != nil {
		return nil, err
	}
	job.Info("tracing the original (strace on the host follows the app while the probes run)")
	t, err := TraceFiles(ctx, job.Engine, TraceSpec{Image: orig, Argv: static.Program.Argv,
		WorkingDir: static.Program.WorkingDir, Helper: job.Helper}, job.Probes)
	if err != nil {
		return nil, fmt.Errorf("trace: %w", err)
	}
	return t, nil
}

// verify loads the minified image and runs it the way `harden runtime`
// would print it for that image.
func verify(ctx context.Context, job Job, tags *tempTags, sel *Selection, out v1.Image) (*VerifyResult, error) {
	var spec VerifySpec
	if o := sel.o; o != nil {
		if o.entrypointSet {
			spec.Entrypoint = o.entrypoint
			spec.Cmd = []string{}
		}
		if o.cmdSet {
			spec.Cmd = o.cmd
		}
	}
	n := len(job.Probes.HTTP) + len(job.Probes.TCP) + len(job.Probes.Cmd)
	job.Info("verifying: %d probe(s) on the original and on the minified image run as `harden runtime` says", n)
	return verifyLoaded(ctx, job.Engine, tags, job.EngineRef, job.Image, out, "minified", spec, job.Probes)
}

// verifyLoaded puts the original (unless the engine has it as
// originalRef) and candidate into the engine under tags, runs candidate as
// `harden runtime` would print it for that image, and compares; spec
// carries the command overrides.
func verifyLoaded(ctx context.Context, r Runner, tags *tempTags, originalRef string, original, candidate v1.Image, kind string, spec VerifySpec, p Probes) (*VerifyResult, error) {
	orig, err := tags.ref(ctx, originalRef, original, "original")
	if err != nil {
		return nil, err
	}
	cand, err := tags.load(ctx, candidate, kind)
	if err != nil {
		return nil, err
	}
	settings, err := runconfig.ForImage(ctx, cand, candidate)
	if err != nil {
		return nil, fmt.Errorf("working out how to run the %s image: %w", kind, err)
	}
	spec.Original, spec.Minified, spec.Hardened = orig, cand, settings
	return Verify(ctx, r, spec, p)
}

// tempTags puts images into the engine under temporary tags and removes
// them.
type tempTags struct {
	r    Runner
	tags []string
	refs map[string]string
}

// ref is the engine's name for the original: its own, or a temporary tag.
func (t *tempTags) ref(ctx context.Context, known string, img v1.Image, kind string) (string, error) {
	if known != "" {
		return known, nil
	}
	if tag, ok := t.refs[kind]; ok {
		return tag, nil
	}
	return t.load(ctx, img, kind)
}

// load loads img under a new temporary tag harden-KIND/tmp:RANDOM.
func (t *tempTags) load(ctx context.Context, img v1.Image, kind string) (string, error) {
	if t.refs == nil {
		t.refs = map[string]string{}
	}
	b := make([]byte, 6)
	rand.Read(b)
	tag := engine.NamePrefix + "minify/" + kind + ":" + hex.EncodeToString(b)
	t.tags = append(t.tags, tag) // before loading: a cancelled load may still land
	if err := t.r.Load(ctx, img, tag); err != nil {
		return "", err
	}
	t.refs[kind] = tag
	return tag, nil
}

// cleanup removes every tag, also when ctx is cancelled, and says which
// it could not.
func (t *tempTags) cleanup(ctx context.Context) error {
	if t.r == nil || len(t.tags) == 0 {
		return nil
	}
	ctx, cancel := engine.Cleanup(ctx)
	defer cancel()
	var failed []string
	for _, tag := range t.tags {
		if err := t.r.RemoveImage(ctx, tag); err != nil && !strings.Contains(err.Error(), "No such image") {
			failed = append(failed, err.Error())
		}
	}
	if len(failed) > 0 {
		return fmt.Errorf("removing temporary images: %s", strings.Join(failed, "; "))
	}
	return nil
}
