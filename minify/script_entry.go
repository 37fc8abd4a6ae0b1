package minify

import (
	"context"
	"errors"
	"fmt"
	"path"
	"regexp"
	"strings"
)

// replaceScript evaluates the entrypoint shell script at file, run with
// the shell options sopts and the arguments args, and returns the command
// it execs: the new image runs that command directly. What the script did
// before the exec becomes warnings. When the script cannot be evaluated,
// the error names what blocked it and both ways out.
func (k *Keeper) replaceScript(prog *Program, file string, sopts, args []string, wd string) ([]string, error) {
	src, ok := k.x.Content(file)
	if !ok {
		return nil, scriptRefusal(file, &ScriptError{Script: file,
			Reason: fmt.Sprintf("harden did not read it (it is larger than %d KiB, or neither executable nor named *.sh)", maxScriptSize>>10)})
	}
	res, err := k.evalIn(file, src, sopts, args, wd)
	if err != nil {
		return nil, scriptRefusal(file, err)
	}
	k.plan.dropped[file] = fmt.Sprintf("the entrypoint script, evaluated: the new image runs the command it execs at line %d instead", res.Line)
	return k.applyScript(prog, file, res, wd)
}

// replaceShellCommand evaluates a command run through a shell: sh -c
// 'SCRIPT' [NAME ARGS...] or sh SCRIPT-FILE ARGS.
func (k *Keeper) replaceShellCommand(prog *Program, argv []string, wd string) ([]string, error) {
	switch {
	case len(argv) >= 3 && argv[1] == "-c":
		name, params := path.Base(argv[0])+" -c", []string(nil)
		if len(argv) > 3 {
			name, params = argv[3], argv[4:]
		}
		res, err := k.evalIn(name, []byte(argv[2]), nil, params, wd)
		if err != nil {
			return nil, fmt.Errorf("%w: %s runs %q through %s, and harden cannot tell what it runs: %v; "+
				"use an exec-form command (CMD [\"prog\", \"arg\"]), name the program with --entrypoint PROG --cmd ARG..., or keep a shell with --keep-shell",
				ErrShellEntrypoint, strings.Join(argv, " "), argv[2], argv[0], err)
		}
		return k.applyScript(prog, name, res, wd)
	case len(argv) >= 2 && !strings.HasPrefix(argv[1], "-"):
		r, err := k.x.Resolve(resolveIn(wd, argv[1]))
		if err != nil || r.Entry == nil {
			return nil, fmt.Errorf("%w: %s runs %s, which is not in the image", ErrEntrypointMissing, argv[0], argv[1])
		}
		return k.replaceScript(prog, r.Path, nil, argv[2:], wd)
	}
	return nil, fmt.Errorf("%w: %s runs through %s; use an exec-form command (CMD [\"prog\", \"arg\"]), --entrypoint PROG --cmd ARG..., or --keep-shell",
		ErrShellEntrypoint, strings.Join(argv, " "), argv[0])
}

// evalIn evaluates a script against the image.
func (k *Keeper) evalIn(name string, src []byte, sopts, args []string, wd string) (*scriptResult, error) {
	h := &scriptHost{x: k.x, env: k.scriptEnv(), wd: cleanPath(wd), lookPath: func(n string) (string, error) {
		found, _, err := k.lookPath(n, wd)
		return found, err
	}}
	return evalScript(context.Background(), h, name, src, sopts, args)
}

// applyScript makes what the script execs the command to resolve next,
// and records what the script did.
func (k *Keeper) applyScript(prog *Program, file string, res *scriptResult, wd string) ([]string, error) {
	argv := res.Argv
	if helper, rest, ok := dropPrivHelper(argv); ok {
		k.Warn("%s line %d: drops the helper %q: the new image already runs as the non-root user %d", file, res.Line, helper, NonrootUID)
		argv = rest
	}
	if len(argv) == 0 || argv[0] == "" {
		return nil, scriptRefusal(file, &ScriptError{Script: file, Line: res.Line, Reason: "it execs an empty command"})
	}
	if _, _, err := k.lookPath(argv[0], wd); err != nil {
		return nil, scriptRefusal(file, &ScriptError{Script: file, Line: res.Line,
			Reason: fmt.Sprintf("it execs %s, which is not in the image: %v", argv[0], errors.Unwrap(err))})
	}
	for _, eff := range res.Effects {
		k.Warn("%s", eff)
	}
	for _, kv := range res.Env {
		name, _, _ := strings.Cut(kv, "=")
		if secretName.MatchString(name) {
			k.Warn("%s exports %s; it may hold a secret, so the new image's config does not set it: pass it with docker run -e", file, name)
			continue
		}
		prog.Env = append(prog.Env, kv)
	}
	prog.UnsetEnv = append(prog.UnsetEnv, res.Unset...)
	k.Warn("the entrypoint script %s is not kept: the new image runs the command it execs at line %d, %q", file, res.Line, argv)
	prog.Evaluated = append(prog.Evaluated, file)
	prog.ScriptEffects = append(prog.ScriptEffects, res.Effects...)
	prog.Argv, prog.Scripts = argv, nil
	return argv, nil
}

// secretName matches variable names that usually hold a secret.
var secretName = regexp.MustCompile(`(?i)(pass|secret|token|key|credential|auth)`)

// scriptRefusal is the one error for an entrypoint script that cannot be
// replaced: what blocked it (with the line) and both ways out.
func scriptRefusal(file string, err error) error {
	return fmt.Errorf("%w: %s is a shell script and harden cannot tell what it runs: %v; "+
		"name the program with --entrypoint PROG --cmd ARG..., or keep a shell with --keep-shell",
		ErrShellEntrypoint, file, err)
}

// scriptEnv is the environment the container's entrypoint starts with:
// the image's Env, plus what the engine adds.
func (k *Keeper) scriptEnv() []string {
	env := append([]string{}, k.x.Config.Config.Env...)
	if _, ok := k.env["PATH"]; !ok {
		env = append(env, "PATH="+defaultPath)
	}
	if _, ok := k.env["HOME"]; !ok {
		env = append(env, "HOME=/")
	}
	uid := fmt.Sprint(NonrootUID)
	return append(env, "HOSTNAME=harden", "UID="+uid, "EUID="+uid, "GID="+uid)
}

// dropPrivHelper removes a privilege-dropping helper in front of the
// program: gosu USER, su-exec USER, setpriv OPTIONS, chroot --userspec.
func dropPrivHelper(argv []string) (string, []string, bool) {
	if len(argv) == 0 {
		return "", nil, false
	}
	switch path.Base(argv[0]) {
	case "gosu", "su-exec":
		if len(argv) < 3 {
			return "", nil, false
		}
		return strings.Join(argv[:2], " "), argv[2:], true
	case "setpriv":
		i := 1
		for i < len(argv) && strings.HasPrefix(argv[i], "-") {
			if argv[i] == "--" {
				i++
				break
			}
			i++
		}
		if i >= len(argv) {
			return "", nil, false
		}
		return strings.Join(argv[:i], " "), argv[i:], true
	}
	return "", nil, false
}

// scriptEnvApplied applies what the entrypoint scripts exported (set) and
// removed (unset) to the config's Env.
func scriptEnvApplied(env, set, unset []string) []string {
	drop := map[string]bool{}
	for _, n := range unset {
		drop[n] = true
	}
	for _, kv := range set {
		n, _, _ := strings.Cut(kv, "=")
		drop[n] = true
	}
	var out []string
	for _, kv := range env {
		if n, _, _ := strings.Cut(kv, "="); !drop[n] {
			out = append(out, kv)
		}
	}
	return append(out, set...)
}
