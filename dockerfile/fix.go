package dockerfile

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
)

// Runtime is an application runtime Rewrite knows how to move onto a
// distroless base.
type Runtime string

// The runtimes Rewrite supports.
const (
	Node   Runtime = "node"
	Python Runtime = "python"
	Go     Runtime = "go"
	Java   Runtime = "java"
)

// NonRoot is the distroless nonroot user and group.
const NonRoot = "65532:65532"

// ErrNotRewritable is returned for Dockerfiles Rewrite does not handle:
// several stages already, or a runtime it does not know.
var ErrNotRewritable = errors.New("dockerfile cannot be rewritten")

// Change describes one thing Rewrite did, for --format json and for humans.
type Change struct {
	// Kind is a short stable word: "stage", "base", "user", "cmd", "deps", "copy", "drop", "warning".
	Kind string `json:"kind"`
	// Line is the line of the original Dockerfile concerned, 0 when none.
	Line int `json:"line,omitempty"`
	// Message says what changed and why.
	Message string `json:"message"`
}

// Rewritten is the result of Rewrite.
type Rewritten struct {
	// Runtime is the runtime detected from the base image.
	Runtime Runtime `json:"runtime"`
	// Base is the final stage's base image.
	Base string `json:"base"`
	// Changes lists what was done, in order.
	Changes []Change `json:"changes"`
	// Dockerfile is the new file.
	Dockerfile string `json:"dockerfile"`
}

type rewriteOptions struct {
	base   string
	exists func(name string) bool
}

// RewriteOption configures Rewrite.
type RewriteOption func(*rewriteOptions) error

// WithBase sets the final stage's base image instead of the distroless
// default for the runtime (for example a base built by harden base).
func WithBase(image string) RewriteOption {
	return func(o *rewriteOptions) error {
		if strings.TrimSpace(image) == "" || strings.ContainsAny(image, " \t\n") {
			return fmt.Errorf("invalid base image %q", image)
		}
		o.base = image
		return nil
	}
}

// WithContextFiles tells Rewrite which files exist in the build context
// (relative paths, e.g. "package-lock.json"), so it can choose npm ci only
// when a lock file is there. Without it, files are assumed present.
func WithContextFiles(exists func(name string) bool) RewriteOption {
	return func(o *rewriteOptions) error {
		if exists == nil {
			return errors.New("nil context file function")
		}
		o.exists = exists
		return nil
	}
}

var npmInstallRe = regexp.MustCompile(`\bnpm\s+(install|i)((\s+--(production|only=prod(uction)?|omit=dev))*)(\s*(&&|;|\\|$))`)

// Rewrite turns a single-stage Dockerfile for Node.js, Python, Go or Java
// into a multi-stage one: the original steps build in a stage named
// "build", and the final stage is distroless, runs as 65532:65532, gets only
// the application directory (or binary) and production dependencies, and
// starts with an exec-form CMD without a shell. ENV, EXPOSE, WORKDIR, LABEL,
// STOPSIGNAL and VOLUME are kept. Comments and the layout of the build
// steps are kept as written.
func Rewrite(f *File, opts ...RewriteOption) (*Rewritten, error) {
	o := &rewriteOptions{exists: func(string) bool { return true }}
	for _, opt := range opts {
		if err := opt(o); err != nil {
			return nil, err
		}
	}
	if len(f.Stages) != 1 {
		return nil, fmt.Errorf("%w: it has %d stages; harden fix rewrites single-stage files", ErrNotRewritable, len(f.Stages))
	}
	st := f.Stages[0]
	base := st.Base
	if v, _, err := Expand(base, f.MetaArgs(), f.Escape); err == nil && v != "" {
		base = v
	}
	rt, tag, ok := detectRuntime(base)
	if !ok {
		return nil, fmt.Errorf("%w: no known runtime in base image %q (want node, python, golang or a Java image)", ErrNotRewritable, st.Base)
	}
	res := &Rewritten{Runtime: rt, Base: DistrolessBase(rt, tag)}
	if o.base != "" {
		res.Base = o.base
	}
	w := &rewriter{f: f, st: st, rt: rt, res: res, exists: o.exists}
	w.run()
	return res, nil
}

type rewriter struct {
	f      *File
	st     *Stage
	rt     Runtime
	res    *Rewritten
	exists func(string) bool

	build, final strings.Builder
	workdir      string
	cmd, entry   *Instruction
	binary       string
	prune        bool
}

func (w *rewriter) note(kind string, line int, format string, args ...any) {
	w.res.Changes = append(w.res.Changes, Change{Kind: kind, Line: line, Message: fmt.Sprintf(format, args...)})
}

// source returns an instruction's lines as written, with the comment lines
// directly above it.
func (w *rewriter) source(in *Instruction) string {
	first := in.Line
	for first > 1 && strings.HasPrefix(strings.TrimSpace(w.f.LineText(first-1)), "#") && !w.isDirective(first-1) {
		first--
	}
	var b strings.Builder
	for l := first; l <= in.EndLine; l++ {
		b.WriteString(w.f.LineText(l))
		b.WriteByte('\n')
	}
	return b.String()
}

func (w *rewriter) isDirective(line int) bool {
	for _, d := range w.f.Directives {
		if d.Line == line {
			return true
		}
	}
	return false
}

func (w *rewriter) run() {
	f := w.f
	var pre strings.Builder
	for _, d := range f.Directives {
		pre.WriteString(f.LineText(d.Line) + "\n")
	}
	for _, in := range f.Instructions {
		if in.Stage == nil {
			pre.WriteString(w.source(in))
		}
	}
	for _, in := range w.st.Instructions {
		if in.Cmd == "workdir" {
			if wd, ok := in.Command.(*instructions.WorkdirCommand); ok {
				w.workdir = wd.Path
			}
		}
	}
	if w.workdir == "" {
		w.workdir = "/app"
		w.note("stage", 0, "no WORKDIR: the application goes to /app")
	}

	fmt.Fprintf(&w.build, "# build: the original steps, on the full image\n%s AS build\n", strings.TrimSpace(w.f.LineText(w.st.From.Line)))
	if !hasInstruction(w.st.Instructions, "workdir") {
		w.build.WriteString("WORKDIR /app\n")
	}
	w.note("stage", w.st.From.Line, "the original steps build in a stage named build on %s", w.st.Base)
	var keep []*Instruction
	for _, in := range w.st.Instructions {
		switch in.Cmd {
		case "cmd":
			w.cmd = in
		case "entrypoint":
			w.entry = in
		case "user":
			w.note("user", in.Line, "USER %s dropped: the final stage runs as %s (distroless nonroot)", strings.Join(in.Args, " "), NonRoot)
		case "expose", "label", "stopsignal", "volume":
			keep = append(keep, in)
		case "healthcheck":
			if hc, ok := in.Command.(*instructions.HealthCheckCommand); ok && hc.Health != nil && len(hc.Health.Test) > 0 && hc.Health.Test[0] == "CMD-SHELL" {
				w.note("drop", in.Line, "shell-form HEALTHCHECK dropped: the distroless image has no shell; write it in exec form")
				continue
			}
			keep = append(keep, in)
		case "maintainer":
			w.note("drop", in.Line, "MAINTAINER dropped (deprecated); use LABEL org.opencontainers.image.authors")
		case "env":
			w.build.WriteString(w.source(in))
			keep = append(keep, in)
		case "run":
			w.build.WriteString(w.runSource(in))
		default:
			w.build.WriteString(w.source(in))
		}
	}
	if w.prune {
		w.build.WriteString("RUN npm prune --omit=dev\n")
		w.note("deps", 0, "npm scripts need dev dependencies, so the build stage prunes them after the build")
	}
	if w.rt == Go {
		w.goBuild()
	}
	if w.rt == Python && w.pipTarget() {
		w.note("deps", 0, "Python packages are installed into %s/.venv-packages in the build stage and found through PYTHONPATH", w.workdir)
	}

	fmt.Fprintf(&w.final, "# final: distroless, no shell, no package manager, nonroot\nFROM %s\n", w.res.Base)
	w.note("base", w.st.From.Line, "final stage on %s instead of %s", w.res.Base, w.st.Base)
	fmt.Fprintf(&w.final, "WORKDIR %s\n", w.workdir)
	for _, in := range keep {
		w.final.WriteString(w.source(in))
	}
	if w.rt == Python && w.pipTarget() {
		fmt.Fprintf(&w.final, "ENV PYTHONPATH=%s/.venv-packages\n", w.workdir)
	}
	switch w.rt {
	case Go:
		fmt.Fprintf(&w.final, "COPY --from=build %s /app/server\n", w.binary)
		w.note("copy", 0, "only the binary %s is copied into the final image", w.binary)
	default:
		fmt.Fprintf(&w.final, "COPY --from=build --chown=%s %s %s\n", NonRoot, w.workdir, w.workdir)
		w.note("copy", 0, "only %s (the application and its production dependencies) is copied into the final image", w.workdir)
	}
	fmt.Fprintf(&w.final, "USER %s\n", NonRoot)
	w.note("user", 0, "the final stage runs as %s", NonRoot)
	w.startCommand()

	var out strings.Builder
	out.WriteString(pre.String())
	if pre.Len() > 0 {
		out.WriteString("\n")
	}
	out.WriteString(w.build.String())
	out.WriteString("\n")
	out.WriteString(w.final.String())
	w.res.Dockerfile = out.String()
}

func hasInstruction(ins []*Instruction, cmd string) bool {
	for _, in := range ins {
		if in.Cmd == cmd {
			return true
		}
	}
	return false
}

// runSource returns a RUN as written, with npm install made production-only
// for Node.js.
func (w *rewriter) runSource(in *Instruction) string {
	src := w.source(in)
	if w.rt != Node || in.Script == nil {
		return src
	}
	later := false
	for _, c := range in.Script.Commands {
		if c.Is("npm") && (c.HasArg("run", "run-script", "build", "test")) || c.Is("npx") {
			later = true
		}
	}
	for _, x := range w.st.Instructions {
		if x.Line > in.Line && x.Script != nil {
			for _, c := range x.Script.Commands {
				if c.Is("npm") && c.HasArg("run", "run-script", "build") || c.Is("npx") {
					later = true
				}
			}
		}
	}
	if later {
		w.prune = true
		return src
	}
	repl := "npm ci --omit=dev"
	if !w.exists("package-lock.json") && !w.exists("npm-shrinkwrap.json") {
		repl = "npm install --omit=dev"
		w.note("warning", in.Line, "no package-lock.json in the build context, so npm ci cannot be used; commit a lock file and switch to npm ci --omit=dev")
	}
	out := npmInstallRe.ReplaceAllString(src, repl+"$6")
	if out != src {
		w.note("deps", in.Line, "npm install → %s: production dependencies only", repl)
	}
	return out
}
