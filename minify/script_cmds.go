package minify

import (
	"context"
	"fmt"
	"path"
	"strconv"
	"strings"

	"mvdan.cc/sh/v3/interp"
)

// nonrootName is the name the minified image's passwd gives NonrootUID.
const nonrootName = "nonroot"

// call runs before every simple command, builtins and functions included:
// it counts steps, catches exec, and answers the builtins that would look
// at the host (command -v, type, hash) from the image.
func (e *scriptEval) call(ctx context.Context, args []string) ([]string, error) {
	hc := interp.HandlerCtx(ctx)
	line := hc.Pos.Line()
	e.mu.Lock()
	e.steps++
	steps := e.steps
	if line > 0 {
		e.line = line
	}
	e.mu.Unlock()
	if steps > maxScriptSteps {
		return nil, e.fail(line, "more than %d commands run (a loop that waits for something?)", maxScriptSteps)
	}
	switch args[0] {
	case procSubstCmd:
		return nil, e.fail(line, "process substitution <(…) is not evaluated")
	case "builtin":
		if len(args) > 1 {
			return e.call(ctx, args[1:]) // builtin command -v would look at the host
		}
	case "exec":
		rest := args[1:]
		for len(rest) > 0 && strings.HasPrefix(rest[0], "-") {
			if rest[0] == "--" {
				rest = rest[1:]
				break
			}
			if rest[0] == "-a" && len(rest) > 1 {
				rest = rest[2:]
				continue
			}
			rest = rest[1:]
		}
		if len(rest) == 0 {
			return args, nil // exec with only redirections
		}
		return nil, e.done(hc.Env, line, rest)
	case "command":
		rest, query, verbose := args[1:], false, false
		for len(rest) > 0 && strings.HasPrefix(rest[0], "-") {
			opt := rest[0]
			rest = rest[1:]
			if opt == "--" {
				break
			}
			query = query || strings.ContainsAny(opt, "vV")
			verbose = verbose || strings.Contains(opt, "V")
		}
		if query {
			return e.commandV(hc, rest, verbose), nil
		}
		if len(rest) == 0 {
			return []string{"true"}, nil
		}
		return rest, nil
	case "type", "hash":
		names := args[1:]
		for len(names) > 0 && strings.HasPrefix(names[0], "-") {
			opt := names[0]
			names = names[1:]
			if opt == "--" {
				break
			}
		}
		return e.commandV(hc, names, args[0] == "type"), nil
	case ".", "source":
		if len(args) < 2 {
			return args, nil
		}
		p, err := e.h.lookPath(args[1])
		if strings.Contains(args[1], "/") {
			p, err = resolveIn(hc.Dir, args[1]), nil
		}
		if err == nil && isHookDir(path.Dir(p)) {
			e.effect(line, "sources the hook %s; the new image does not", p)
			return []string{"true"}, nil
		}
		return args, nil
	case "ulimit":
		if len(args) > 1 && args[len(args)-1] != "-a" && !strings.HasPrefix(args[len(args)-1], "-") {
			e.effect(line, "sets a limit (%s); set it with docker run --ulimit", strings.Join(args, " "))
		}
		return []string{"true"}, nil
	case "umask":
		if len(args) > 1 {
			e.effect(line, "sets umask %s; the new image runs with the engine's umask", args[1])
		} else {
			writeLine(hc, "0022") // what Docker starts a container with
		}
		return []string{"true"}, nil
	case "cd", "pushd":
		if len(args) > 1 {
			e.effect(line, "changes directory (%s); the new image starts in its working directory", args[len(args)-1])
		}
	}
	return args, nil
}

// commandV answers command -v (and type, hash) from the image's PATH.
func (e *scriptEval) commandV(hc interp.HandlerContext, names []string, verbose bool) []string {
	ok := len(names) > 0
	for _, n := range names {
		switch {
		case interp.IsBuiltin(n):
			if verbose {
				fmt.Fprintf(hc.Stdout, "%s is a shell builtin\n", n)
			} else {
				fmt.Fprintln(hc.Stdout, n)
			}
		default:
			p, err := e.h.lookPath(n)
			if err != nil {
				ok = false
				continue
			}
			if verbose {
				fmt.Fprintf(hc.Stdout, "%s is %s\n", n, p)
			} else {
				fmt.Fprintln(hc.Stdout, p)
			}
		}
	}
	if ok {
		return []string{"true"}
	}
	return []string{"false"}
}

// exec runs a program the script starts and waits for (not exec'd). It
// never runs anything: the few tools entrypoint scripts use are simulated,
// hooks are recorded as effects, and anything else stops the evaluation.
func (e *scriptEval) exec(ctx context.Context, args []string) error {
	hc := interp.HandlerCtx(ctx)
	line := hc.Pos.Line()
	p, err := e.h.lookPath(args[0])
	if strings.Contains(args[0], "/") {
		if _, serr := e.h.x.Stat(resolveIn(hc.Dir, args[0])); serr == nil {
			p, err = resolveIn(hc.Dir, args[0]), nil
		}
	}
	if err != nil {
		fmt.Fprintf(hc.Stderr, "%s: not found\n", args[0])
		return interp.NewExitStatus(127)
	}
	if sim, ok := simulated[path.Base(p)]; ok {
		return sim(e, hc, line, args)
	}
	if isHookDir(path.Dir(p)) {
		e.effect(line, "runs the hook %s; the new image does not", p)
		return nil
	}
	if e.tail.IsValid() && hc.Pos == e.tail {
		e.effect(line, "runs %s as its last command without exec; the new image runs it directly", args[0])
		return e.done(hc.Env, line, args)
	}
	return e.fail(line, "it runs %s and goes on, and harden cannot tell what that does", strings.Join(quoteArgs(args), " "))
}

// isHookDir says whether dir holds hooks an entrypoint runs
// (/docker-entrypoint.d, /docker-entrypoint-initdb.d, /etc/entrypoint.d).
func isHookDir(dir string) bool {
	base := path.Base(dir)
	return strings.HasSuffix(base, ".d") && strings.Contains(base, "entrypoint")
}

func writeLine(hc interp.HandlerContext, s string) error {
	_, err := fmt.Fprintln(hc.Stdout, s)
	return err
}

// nonOptions drops the words that start with "-".
func nonOptions(args []string) []string {
	var out []string
	for _, a := range args {
		if !strings.HasPrefix(a, "-") {
			out = append(out, a)
		}
	}
	return out
}

// quoteArgs quotes the words that need it, for messages.
func quoteArgs(args []string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		if simpleWord.MatchString(a) {
			out[i] = a
		} else {
			out[i] = strconv.Quote(a)
		}
	}
	return out
}
