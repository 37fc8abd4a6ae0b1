package minify

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"github.com/harden-dev/harden/internal/capbuf"
	"io"
	"path"
	"regexp"
	"runtime/metrics"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/harden-dev/harden/fsindex"
	shexpand "mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/interp"
	"mvdan.cc/sh/v3/syntax"
)

// WantScript keeps the bytes of executable shell scripts, so that an
// entrypoint script (docker-entrypoint.sh) can be evaluated.
const WantScript = "minify/script"

// Bounds of the script evaluation: entrypoint scripts are short and run a
// few dozen commands before they exec the program.
const (
	maxScriptSize  = 256 << 10
	maxScriptSteps = 5000
	maxScriptTime  = 2 * time.Second
	maxScriptOut   = 64 << 10
	maxScriptDepth = 3
	// maxScriptHeap bounds the heap growth while a script is evaluated: a
	// variable that doubles in a loop would otherwise take all memory
	// before the time limit.
	maxScriptHeap = 256 << 20
)

// scriptWant asks the walk for the content of executable shell scripts.
func scriptWant() fsindex.Want {
	return fsindex.Want{Name: WantScript, MaxSize: maxScriptSize, Match: func(c *fsindex.Candidate) bool {
		if strings.HasSuffix(c.Path, ".sh") && c.Size <= maxScriptSize {
			return true // run as sh SCRIPT.sh, or sourced
		}
		if c.Mode&0o111 == 0 || !bytes.HasPrefix(c.Head, []byte("#!")) {
			return false
		}
		interp, args := parseShebang(headLine(c.Head, maxShebang))
		if words := envCommand(args); path.Base(interp) == "env" && len(words) > 0 {
			interp = words[0]
		}
		return deniedKindByName(interp) == KindShell
	}}
}

// scriptHost is what the evaluator knows of the image: its files, the
// container's environment and working directory, and PATH lookup.
type scriptHost struct {
	x        *fsindex.Index
	env      []string
	wd       string
	lookPath func(name string) (string, error)
}

// scriptResult is what an entrypoint script ends up running.
type scriptResult struct {
	// Argv is the command the script execs, with any privilege-dropping
	// helper (gosu, su-exec, setpriv) removed.
	Argv []string
	// Line is where the script execs it.
	Line uint
	// Effects lists what the script did before, which an image that runs
	// Argv directly no longer does.
	Effects []string
	// Env is what the script exported that the container's environment
	// did not have (KEY=VALUE, sorted); Unset the variables it removed.
	Env, Unset []string
}

// ScriptError says why an entrypoint script could not be evaluated.
type ScriptError struct {
	// Script is the script's path in the image.
	Script string
	// Line is the line that blocked the evaluation (0 when unknown).
	Line uint
	// Reason says what blocked it.
	Reason string
}

// Error names the script, the line when known, and what blocked it.
func (e *ScriptError) Error() string {
	if e.Line == 0 {
		return fmt.Sprintf("%s: %s", e.Script, e.Reason)
	}
	return fmt.Sprintf("%s line %d: %s", e.Script, e.Line, e.Reason)
}

// execCall stops the evaluation where the script execs its program.
type execCall struct {
	argv []string
	line uint
	env  map[string]string
}

func (e *execCall) Error() string { return "exec " + strings.Join(e.argv, " ") }

// scriptEval evaluates one script run with interp: every command goes
// through the handlers below, which answer from the image index and only
// simulate; nothing runs on the host and no host file is read.
type scriptEval struct {
	h      *scriptHost
	script string
	// tail is the position of the script's last top-level command: a
	// program run there without exec is the program (the shell just waits).
	tail syntax.Pos

	mu      sync.Mutex
	steps   int
	line    uint
	effects []string
	final   *execCall
	failure *ScriptError
}

// evalScript evaluates the shell script at file (content src) run with args.
// sopts are the shell options of the #! line (-e, -eu).
func evalScript(ctx context.Context, h *scriptHost, file string, src []byte, sopts, args []string) (*scriptResult, error) {
	// Bash's grammar is a superset of what dash and ash scripts use, and
	// interp implements export and local only as Bash declarations.
	lang := syntax.LangBash
	f, err := syntax.NewParser(syntax.Variant(lang)).Parse(bytes.NewReader(src), file)
	if err != nil {
		var pe syntax.ParseError
		if errors.As(err, &pe) {
			return nil, &ScriptError{Script: file, Line: pe.Pos.Line(), Reason: "cannot parse it: " + pe.Text}
		}
		return nil, &ScriptError{Script: file, Reason: "cannot parse it: " + err.Error()}
	}
	if se := unsupported(file, f); se != nil {
		return nil, se
	}
	e := &scriptEval{h: h, script: file}
	if n := len(f.Stmts); n > 0 {
		if s := f.Stmts[n-1]; !s.Background && !s.Negated {
			if c, ok := s.Cmd.(*syntax.CallExpr); ok {
				e.tail = c.Pos()
			}
		}
	}
	var buf bytes.Buffer
	out := &lockedWriter{w: &capbuf.Writer{B: &buf, Max: maxScriptOut}}
	r, err := interp.New(
		interp.Env(shexpand.ListEnviron(h.env...)),
		interp.StdIO(strings.NewReader(""), out, out),
		interp.Params(append(shellOpts(sopts), append([]string{"--"}, args...)...)...),
		interp.CallHandler(e.call),
		interp.ExecHandlers(func(interp.ExecHandlerFunc) interp.ExecHandlerFunc { return e.exec }),
		interp.OpenHandler(e.open),
		interp.StatHandler(e.stat),
		interp.AccessHandler(e.access),
		interp.ReadDirHandler2(e.readDir),
	)
	if err != nil {
		return nil, fmt.Errorf("evaluating %s: %w", file, err)
	}
	// Set directly: interp.Dir would stat the host's directory.
	r.Dir = h.wd
	ctx, cancel := context.WithTimeout(ctx, maxScriptTime)
	defer cancel()
	var overMemory atomic.Bool
	watched := make(chan struct{})
	go func() {
		defer close(watched)
		watchHeap(ctx, func() { overMemory.Store(true); cancel() })
	}()
	runErr := r.Run(ctx, f)
	timedOut := ctx.Err() != nil
	cancel()
	<-watched

	e.mu.Lock()
	defer e.mu.Unlock()
	switch {
	case e.failure != nil:
		return nil, e.failure
	case e.final != nil:
		res := &scriptResult{Argv: e.final.argv, Line: e.final.line, Effects: e.effects}
		res.Env, res.Unset = envDiff(envMap(h.env), e.final.env)
		return res, nil
	case overMemory.Load():
		return nil, &ScriptError{Script: file, Line: e.line, Reason: fmt.Sprintf("the evaluation took more than %d MiB of memory", maxScriptHeap>>20)}
	case timedOut:
		return nil, &ScriptError{Script: file, Line: e.line, Reason: fmt.Sprintf("the evaluation did not end within %s (a loop that waits for something?)", maxScriptTime)}
	}
	if st, ok := interp.IsExitStatus(runErr); ok || runErr == nil {
		out.mu.Lock()
		msg := strings.TrimSpace(buf.String())
		out.mu.Unlock()
		if len(msg) > 200 {
			msg = msg[:200] + "…"
		}
		reason := fmt.Sprintf("the script exits (status %d) without running a program", st)
		if msg != "" {
			reason += fmt.Sprintf(" (it printed %q)", msg)
		}
		return nil, &ScriptError{Script: file, Line: e.line, Reason: reason}
	}
	return nil, &ScriptError{Script: file, Line: e.line, Reason: runErr.Error()}
}

// watchHeap calls over when the live heap grows by more than
// maxScriptHeap, polling until ctx ends; interp checks its context between
// commands, so the evaluation stops at the next one.
func watchHeap(ctx context.Context, over func()) {
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	read := func() uint64 {
		metrics.Read(sample)
		if sample[0].Value.Kind() != metrics.KindUint64 {
			return 0
		}
		return sample[0].Value.Uint64()
	}
	base := read()
	tick := time.NewTicker(2 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			if read() > base+maxScriptHeap {
				over()
				return
			}
		}
	}
}

// shellOpts keeps the #! options interp knows (-e, -u, -x, -f, -eu).
func shellOpts(sopts []string) []string {
	var out []string
	for _, o := range sopts {
		if len(o) < 2 || o[0] != '-' || strings.Trim(o[1:], "aefnuvx") != "" {
			continue
		}
		for _, c := range o[1:] {
			if c != 'x' && c != 'v' {
				out = append(out, "-"+string(c))
			}
		}
	}
	return out
}

// procSubstCmd stands in for a process substitution: interp would make a
// FIFO on the host for it, so reaching one stops the evaluation there.
const procSubstCmd = "harden-process-substitution"

// unsupported refuses a coprocess (it runs in the background) and
// replaces each process substitution <(…) with $(procSubstCmd), so that
// one in a branch the script does not take costs nothing.
func unsupported(file string, f *syntax.File) *ScriptError {
	var se *ScriptError
	syntax.Walk(f, func(n syntax.Node) bool {
		switch n := n.(type) {
		case *syntax.CoprocClause:
			if se == nil {
				se = &ScriptError{Script: file, Line: n.Pos().Line(), Reason: "coproc is not evaluated"}
			}
		case *syntax.Word:
			if lit, ok := firstLit(n); ok && userTilde.MatchString(lit) && se == nil {
				// expand would look the user up in the host's passwd
				se = &ScriptError{Script: file, Line: n.Pos().Line(), Reason: "~user is not evaluated"}
			}
			for i, part := range n.Parts {
				if ps, ok := part.(*syntax.ProcSubst); ok {
					lit := &syntax.Lit{ValuePos: ps.OpPos, ValueEnd: ps.OpPos, Value: procSubstCmd}
					call := &syntax.CallExpr{Args: []*syntax.Word{{Parts: []syntax.WordPart{lit}}}}
					n.Parts[i] = &syntax.CmdSubst{Left: ps.OpPos, Right: ps.Rparen, Stmts: []*syntax.Stmt{{Position: ps.OpPos, Cmd: call}}}
				}
			}
		}
		return true
	})
	return se
}

// userTilde is a word that starts with ~name.
var userTilde = regexp.MustCompile(`^~[A-Za-z0-9_.-]+`)

// firstLit returns the literal a word starts with.
func firstLit(w *syntax.Word) (string, bool) {
	if len(w.Parts) == 0 {
		return "", false
	}
	lit, ok := w.Parts[0].(*syntax.Lit)
	if !ok {
		return "", false
	}
	return lit.Value, true
}

// effect records what the script did that the new image will not do.
func (e *scriptEval) effect(line uint, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if line > 0 {
		msg = fmt.Sprintf("%s line %d: %s", e.script, line, msg)
	} else {
		msg = e.script + ": " + msg
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, m := range e.effects {
		if m == msg {
			return
		}
	}
	e.effects = append(e.effects, msg)
}

// fail stops the evaluation: the script's effect cannot be told.
func (e *scriptEval) fail(line uint, format string, args ...any) error {
	se := &ScriptError{Script: e.script, Line: line, Reason: fmt.Sprintf(format, args...)}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.failure == nil && e.final == nil {
		e.failure = se
	}
	return se
}

// done stops the evaluation at the exec of the program, whose
// environment is what env exports.
func (e *scriptEval) done(env shexpand.Environ, line uint, argv []string) error {
	c := &execCall{argv: append([]string{}, argv...), line: line, env: exported(env)}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.failure == nil && e.final == nil {
		e.final = c
	}
	return c
}

// shellVars are variables of the shell itself, not of the program.
var shellVars = map[string]bool{"UID": true, "EUID": true, "GID": true, "HOSTNAME": true, "PWD": true,
	"OLDPWD": true, "SHLVL": true, "_": true, "IFS": true, "OPTIND": true, "PPID": true}

// exported returns the exported variables of env.
func exported(env shexpand.Environ) map[string]string {
	m := map[string]string{}
	env.Each(func(name string, vr shexpand.Variable) bool {
		if vr.IsSet() && vr.Exported && vr.Kind == shexpand.String {
			m[name] = vr.Str
		} else {
			delete(m, name)
		}
		return true
	})
	return m
}

// envDiff returns what after sets (KEY=VALUE) and unsets compared with
// before, leaving out the shell's own variables.
func envDiff(before, after map[string]string) (set, unset []string) {
	for k, v := range after {
		if old, ok := before[k]; (!ok || old != v) && !shellVars[k] {
			set = append(set, k+"="+v)
		}
	}
	for k := range before {
		if _, ok := after[k]; !ok && !shellVars[k] {
			unset = append(unset, k)
		}
	}
	sort.Strings(set)
	sort.Strings(unset)
	return set, unset
}

// lockedWriter serialises writes: background jobs write concurrently.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
