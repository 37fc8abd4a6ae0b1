package minify

import (
	"fmt"
	"path"
	"regexp"
	"strings"

	"github.com/harden-dev/harden/elfinfo"
	"github.com/harden-dev/harden/fsindex"
)

// defaultPath is the PATH a container gets when the image sets none.
const defaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

// maxInterpreters bounds nested shebang interpreters, as Linux does.
const maxInterpreters = 4

// Program is what the entrypoint runs, resolved inside the image.
type Program struct {
	// Argv is the container's command line (Entrypoint + Cmd), after a
	// simple shell-form command was rewritten to exec form.
	Argv []string `json:"argv"`
	// Found is argv[0] as found through PATH, before symlinks (a venv's
	// bin/python is a link to the system interpreter).
	Found string `json:"found"`
	// Path is the canonical path of the executable the kernel runs in the
	// end: the interpreter, for a script.
	Path string `json:"path"`
	// Scripts lists the scripts on the way to Path (a shebang chain).
	Scripts []string `json:"scripts,omitempty"`
	// Args are the arguments Path gets (for a script chain: the
	// interpreter's options, the script, then the original arguments).
	Args []string `json:"args"`
	// ELF summarises Path.
	ELF *elfinfo.Info `json:"elf,omitempty"`
	// WorkingDir is the container's working directory ("/" when unset).
	WorkingDir string `json:"workingDir"`
	// ShellForm is the shell command line that was rewritten to Argv.
	ShellForm string `json:"shellForm,omitempty"`
	// Evaluated lists the entrypoint shell scripts (docker-entrypoint.sh)
	// that were evaluated and replaced by the command they exec, Argv.
	Evaluated []string `json:"evaluated,omitempty"`
	// ScriptEffects lists what those scripts did before the exec that the
	// new image no longer does (they are warnings too).
	ScriptEffects []string `json:"scriptEffects,omitempty"`
	// Env lists the variables (KEY=VALUE) those scripts export for the
	// program, which the new image's config sets; UnsetEnv the variables
	// they remove.
	Env      []string `json:"env,omitempty"`
	UnsetEnv []string `json:"unsetEnv,omitempty"`
	// Init is an init wrapper in front of the command (tini --), kept in
	// the new image's entrypoint; InitFound is its path in the image.
	Init      []string `json:"init,omitempty"`
	InitFound string   `json:"initFound,omitempty"`
}

// Base is the base name of the program (node, python3.11, java).
func (p *Program) Base() string { return path.Base(p.Path) }

// resolveEntrypoint finds what the container runs.
func (k *Keeper) resolveEntrypoint() (*Program, error) {
	cfg := k.x.Config.Config
	entry, cmd := cfg.Entrypoint, cfg.Cmd
	if k.o.entrypointSet {
		entry = k.o.entrypoint
		if !k.o.cmdSet {
			cmd = nil
		}
	}
	if k.o.cmdSet {
		cmd = k.o.cmd
	}
	argv := append(append([]string{}, entry...), cmd...)
	if len(argv) == 0 || argv[0] == "" {
		return nil, ErrNoEntrypoint
	}
	wd := cfg.WorkingDir
	if wd == "" {
		wd = "/"
	}
	prog := &Program{Argv: argv, WorkingDir: cleanPath(wd)}
	argv, err := k.stripInit(prog, argv, wd)
	if err != nil {
		return nil, err
	}
	for round := 0; ; round++ {
		next, err := k.resolveArgv(prog, argv, wd)
		if err != nil {
			return nil, err
		}
		if next == nil {
			return prog, nil
		}
		if round >= maxScriptDepth {
			return nil, fmt.Errorf("%w: entrypoint scripts exec more than %d scripts in a row", ErrShellEntrypoint, maxScriptDepth)
		}
		argv = next
	}
}

// resolveArgv fills prog for argv. When argv runs a shell script it
// evaluates, it returns the command the script execs instead, to be
// resolved in turn.
func (k *Keeper) resolveArgv(prog *Program, argv []string, wd string) ([]string, error) {
	found, res, err := k.lookPath(argv[0], wd)
	if err != nil {
		return nil, err
	}
	if DeniedKind(res) == KindShell && !k.o.keepShell {
		words, script, ok := shellForm(argv)
		if !ok {
			return k.replaceShellCommand(prog, argv, wd)
		}
		k.Warn("the command was shell form (%s -c %q); the minified image runs it in exec form %q", argv[0], script, words)
		prog.Argv, prog.ShellForm = words, script
		argv = words
		if found, res, err = k.lookPath(argv[0], wd); err != nil {
			return nil, err
		}
	}
	prog.Found = found
	args := argv[1:]
	cur := res
	for depth := 0; ; depth++ {
		if info, ok := elfInfo(k.x, cur); ok {
			prog.Path, prog.ELF, prog.Args = cur, info, args
			return nil, nil
		}
		line, ok := shebang(k.x, cur)
		if !ok {
			return nil, fmt.Errorf("%w: %s is neither an ELF executable nor a script with #!", ErrEntrypointMissing, cur)
		}
		if depth >= maxInterpreters {
			return nil, fmt.Errorf("%s: more than %d nested interpreters", argv[0], maxInterpreters)
		}
		prog.Scripts = append(prog.Scripts, cur)
		interp, iargs := parseShebang(line)
		if interp == "" {
			return nil, fmt.Errorf("%w: %s has an empty #! line", ErrEntrypointMissing, cur)
		}
		next, err := k.resolveInterp(interp, wd)
		if err != nil {
			return nil, fmt.Errorf("interpreter of %s: %w", cur, err)
		}
		if path.Base(next) == "env" && len(iargs) > 0 {
			// #!/usr/bin/env [-S] prog args: env finds prog through PATH.
			words := envCommand(iargs)
			if len(words) == 0 {
				return nil, fmt.Errorf("%s: #!%s names no program", cur, line[2:])
			}
			via, shell, err := k.lookPath(words[0], wd)
			if err != nil {
				return nil, fmt.Errorf("interpreter of %s: %w", cur, err)
			}
			if DeniedKind(shell) == KindShell && !k.o.keepShell && depth == 0 {
				return k.replaceScript(prog, cur, words[1:], args, wd)
			}
			prog.Scripts = append(prog.Scripts, next)
			if _, err := k.Keep(next, Reason{Rule: "interpreter", Why: "#!" + strings.TrimSpace(line[2:]) + " in " + cur}); err != nil {
				return nil, err
			}
			next = shell
			if _, err := k.Keep(via, Reason{Rule: "interpreter", Why: "found through PATH by #!" + strings.TrimSpace(line[2:]) + " in " + cur}); err != nil {
				return nil, err
			}
			iargs = words[1:]
		}
		if DeniedKind(next) == KindShell && !k.o.keepShell {
			if depth > 0 {
				return nil, fmt.Errorf("%w: %s is a shell script (#!%s) run through %s; harden keeps no shell unless --keep-shell",
					ErrShellEntrypoint, cur, strings.TrimSpace(line[2:]), prog.Scripts[0])
			}
			return k.replaceScript(prog, cur, iargs, args, wd)
		}
		args = append(append(append([]string{}, iargs...), cur), args...)
		cur = next
	}
}

// lookPath finds a command as execve would through the image's PATH, and
// returns the path it was found at and the resolved path.
func (k *Keeper) lookPath(name, wd string) (string, string, error) {
	var cands []string
	if strings.Contains(name, "/") {
		cands = []string{resolveIn(wd, name)}
	} else {
		pathEnv, ok := k.env["PATH"]
		if !ok {
			pathEnv = defaultPath
		}
		for _, dir := range strings.Split(pathEnv, ":") {
			if dir == "" || !strings.HasPrefix(dir, "/") {
				continue
			}
			cands = append(cands, path.Join(dir, name))
		}
	}
	for _, c := range cands {
		res, err := k.x.Resolve(c)
		if err != nil || res.Entry == nil {
			continue
		}
		e := k.x.Target(res.Entry)
		if e.Type == fsindex.TypeRegular && e.Mode&0o111 != 0 {
			return c, res.Path, nil
		}
	}
	if strings.Contains(name, "/") {
		return "", "", fmt.Errorf("%w: %s (no executable file there)", ErrEntrypointMissing, name)
	}
	return "", "", fmt.Errorf("%w: %s is not found in PATH %s", ErrEntrypointMissing, name, k.env["PATH"])
}

// resolveInterp resolves an interpreter path from a #! line.
func (k *Keeper) resolveInterp(p, wd string) (string, error) {
	res, err := k.x.Resolve(resolveIn(wd, p))
	if err != nil || res.Entry == nil {
		return "", fmt.Errorf("%w: %s", ErrEntrypointMissing, p)
	}
	return res.Path, nil
}

// resolveIn makes p absolute against dir.
func resolveIn(dir, p string) string {
	if strings.HasPrefix(p, "/") {
		return path.Clean(p)
	}
	return path.Join("/", dir, p)
}

// parseShebang splits "#!/usr/bin/python3 -u" into the interpreter and its
// arguments. Linux passes everything after the interpreter as one argument;
// it is split here only for env -S.
func parseShebang(line string) (string, []string) {
	rest := strings.TrimSpace(strings.TrimPrefix(line, "#!"))
	interp, arg, _ := strings.Cut(rest, " ")
	if i := strings.IndexByte(interp, '\t'); i >= 0 {
		interp, arg = interp[:i], interp[i+1:]+" "+arg
	}
	arg = strings.TrimSpace(arg)
	if arg == "" {
		return interp, nil
	}
	return interp, strings.Fields(arg)
}

// envCommand drops env's options and VAR=value words.
func envCommand(words []string) []string {
	for len(words) > 0 {
		w := words[0]
		switch {
		case w == "-S" || w == "-i" || w == "-" || w == "--ignore-environment" || strings.HasPrefix(w, "--split-string"):
			words = words[1:]
		case w == "-u" || w == "-C" || w == "--unset" || w == "--chdir":
			if len(words) < 2 {
				return nil
			}
			words = words[2:]
		case strings.HasPrefix(w, "-S"):
			words = append(strings.Fields(w[2:]), words[1:]...)
		case strings.HasPrefix(w, "-"):
			words = words[1:]
		case strings.Contains(w, "="):
			words = words[1:]
		default:
			return words
		}
	}
	return nil
}

// simpleWord is a shell word that means itself: no quotes, expansions,
// redirections, globs or operators.
var simpleWord = regexp.MustCompile(`^[A-Za-z0-9_./:@%+,=-]+$`)

// shellForm turns ["/bin/sh", "-c", "exec node index.js"] into
// ["node", "index.js"] when the script is one simple command.
func shellForm(argv []string) ([]string, string, bool) {
	if len(argv) != 3 || argv[1] != "-c" {
		return nil, strings.Join(argv[1:], " "), false
	}
	script := argv[2]
	words := strings.Fields(script)
	if len(words) > 0 && words[0] == "exec" {
		words = words[1:]
	}
	if len(words) == 0 || strings.Contains(words[0], "=") {
		return nil, script, false
	}
	for _, w := range words {
		if !simpleWord.MatchString(w) {
			return nil, script, false
		}
	}
	return words, script, true
}

// keepProgram keeps the entrypoint, the scripts and interpreters on the
// way, and the path the command was found at.
func (k *Keeper) keepProgram(prog *Program) error {
	if prog.InitFound != "" {
		if _, err := k.Keep(prog.InitFound, Reason{Rule: "entrypoint", Why: "init wrapper " + prog.Init[0] + " in front of the command"}); err != nil {
			return err
		}
	}
	if _, err := k.Keep(prog.Found, Reason{Rule: "entrypoint", Why: "argv[0] " + prog.Argv[0] + " of the command"}); err != nil {
		return err
	}
	for _, s := range prog.Scripts {
		if _, err := k.Keep(s, Reason{Rule: "entrypoint", Why: "script run by the command"}); err != nil {
			return err
		}
	}
	if _, err := k.Keep(prog.Path, Reason{Rule: "interpreter", Why: "the program the command runs in the end"}); err != nil {
		return err
	}
	return nil
}

// keepApp keeps the working directory and the paths named on the command
// line.
func (k *Keeper) keepApp(prog *Program) {
	wd := prog.WorkingDir
	if !systemDirs[wd] {
		if _, err := k.KeepTree(wd, Reason{Rule: "app", Why: "the working directory " + wd}, nil); err == nil {
			k.MarkApp(wd)
		} else if isMissing(err) {
			k.Warn("the working directory %s is not in the image; the engine will create it empty", wd)
		}
	} else if wd != "/" {
		k.Keep(wd, Reason{Rule: "app", Why: "the working directory (a system directory: not kept whole)"})
	}
	for _, a := range append(append([]string{}, prog.Argv[1:]...), prog.Args...) {
		for _, cand := range argPaths(a) {
			p := resolveIn(wd, cand)
			if systemDirs[p] {
				continue
			}
			e, err := k.x.Stat(p)
			if err != nil {
				continue
			}
			r := Reason{Rule: "app", Why: "named on the command line (" + a + ")"}
			if e.IsDir() {
				if _, err := k.KeepTree(p, r, nil); err == nil {
					k.MarkApp(p)
				}
				continue
			}
			if _, err := k.Keep(p, r); err == nil && !strings.HasPrefix(p, "/usr/") {
				k.MarkApp(p)
			}
		}
	}
}

// argPaths returns the words of an argument that may name files:
// "index.js", "/app/app.jar", "--config=/etc/app.yaml", "-cp a.jar:lib/*".
func argPaths(a string) []string {
	if a == "" || strings.ContainsAny(a, "\n\x00") {
		return nil
	}
	if _, v, ok := strings.Cut(a, "="); ok && strings.HasPrefix(a, "-") {
		a = v
	} else if strings.HasPrefix(a, "-") {
		return nil
	}
	var out []string
	for _, part := range strings.Split(a, ":") {
		part = strings.TrimSuffix(part, "/*")
		if part != "" && part != "." && part != ".." {
			out = append(out, part)
		}
	}
	return out
}
