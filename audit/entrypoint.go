package audit

import (
	"path"
	"strings"

	"github.com/harden-dev/harden/facts"
	"github.com/harden-dev/harden/fsindex"
)

// Entrypoint is what a container of the image runs.
type Entrypoint struct {
	// Argv is Entrypoint followed by Cmd.
	Argv []string `json:"argv,omitempty"`
	// ShellForm is true when Argv is "/bin/sh -c COMMAND" (a Dockerfile
	// ENTRYPOINT or CMD written without JSON brackets).
	ShellForm bool `json:"shellForm,omitempty"`
	// Program is the command that runs first: Argv[0], or the first word
	// of the shell command.
	Program string `json:"program,omitempty"`
	// Path is Program found in the image ("" when it is not there), Real
	// the file after symlinks and hardlinks.
	Path string `json:"path,omitempty"`
	Real string `json:"real,omitempty"`
	// Interpreter is the script interpreter Real names in its #! line,
	// with "/usr/bin/env X" resolved to X.
	Interpreter string `json:"interpreter,omitempty"`
	// Needs lists the command names the entrypoint itself runs: they are
	// not reported as removable package managers or tools.
	Needs []string `json:"needs,omitempty"`
	// needsReal holds the files those names run, so another name of the
	// same file (nodejs for node) is exempt too.
	needsReal map[string]bool
}

// needs reports whether the entrypoint runs the command name (or a
// versioned form of it: python3.11 for python3).
func (ep *Entrypoint) needs(name string) bool {
	return ep.needsName(name)
}

// runs reports whether the entrypoint runs the tool, by name or by file.
// A multi-call binary is matched by name only: running busybox's sh does
// not make its wget needed.
func (ep *Entrypoint) runs(t Tool) bool {
	return ep.needsName(t.Name) || t.MultiCall == "" && ep.needsReal[t.Real]
}

func (ep *Entrypoint) needsName(name string) bool {
	for _, n := range ep.Needs {
		if n == name || runtimeName(n) == runtimeName(name) && interpreterRE.MatchString(name) {
			return true
		}
	}
	return false
}

// entrypointOf works out the entrypoint from the config and the index.
func entrypointOf(x *fsindex.Index) *Entrypoint {
	ep := entrypointArgs(x)
	ep.needsReal = map[string]bool{}
	workdir := ""
	if x.Config != nil {
		workdir = x.Config.Config.WorkingDir
	}
	for _, n := range ep.Needs {
		if p, ok := lookPath(x, n, workdir); ok {
			if r, err := x.Resolve(p); err == nil && r.Entry != nil {
				ep.needsReal[x.Target(r.Entry).Path] = true
			}
		}
	}
	if ep.Real != "" {
		ep.needsReal[ep.Real] = true
	}
	return ep
}

// entrypointArgs reads the entrypoint and the program it runs.
func entrypointArgs(x *fsindex.Index) *Entrypoint {
	ep := &Entrypoint{}
	if x.Config == nil {
		return ep
	}
	c := x.Config.Config
	ep.Argv = append(append([]string(nil), c.Entrypoint...), c.Cmd...)
	if len(ep.Argv) == 0 {
		return ep
	}
	prog := ep.Argv[0]
	args := ep.Argv[1:]
	if len(ep.Argv) >= 3 && isShellPath(ep.Argv[0]) && ep.Argv[1] == "-c" {
		ep.ShellForm = true
		ep.Needs = append(ep.Needs, path.Base(ep.Argv[0]))
		words := strings.Fields(ep.Argv[2])
		for len(words) > 0 && (words[0] == "exec" || strings.Contains(words[0], "=")) {
			words = words[1:]
		}
		if len(words) == 0 {
			return ep
		}
		prog, args = words[0], words[1:]
	}
	ep.Program = prog
	ep.Needs = append(ep.Needs, path.Base(prog))
	// "env node app.js" and "tini -- node app.js" run the next word.
	if b := path.Base(prog); (b == "env" || b == "tini" || b == "dumb-init") && len(args) > 0 {
		for _, a := range args {
			if !strings.HasPrefix(a, "-") && !strings.Contains(a, "=") {
				ep.Needs = append(ep.Needs, path.Base(a))
				break
			}
		}
	}
	p, ok := lookPath(x, prog, c.WorkingDir)
	if !ok {
		return ep
	}
	ep.Path = p
	if r, err := x.Resolve(p); err == nil && r.Entry != nil {
		ep.Real = x.Target(r.Entry).Path
	}
	if line, ok := scriptLine(x, ep.Real); ok {
		fields := strings.Fields(line)
		if len(fields) > 0 {
			ep.Interpreter = fields[0]
			if path.Base(fields[0]) == "env" && len(fields) > 1 {
				ep.Interpreter = fields[1]
				if fields[1] == "-S" && len(fields) > 2 {
					ep.Interpreter = fields[2]
				}
			}
			ep.Needs = append(ep.Needs, path.Base(ep.Interpreter))
		}
	}
	return ep
}

func isShellPath(p string) bool {
	k, _ := classify(path.Base(p))
	return k == KindShell
}

// lookPath finds a command in the image as a shell would: a name with a
// slash relative to the working directory, otherwise in PATH.
func lookPath(x *fsindex.Index, prog, workdir string) (string, bool) {
	if prog == "" {
		return "", false
	}
	if strings.Contains(prog, "/") {
		p := prog
		if !strings.HasPrefix(p, "/") {
			p = path.Join("/", workdir, p)
		}
		if e, err := x.Stat(p); err == nil && e != nil && !e.IsDir() {
			return path.Clean(p), true
		}
		return "", false
	}
	for _, d := range searchDirs(x) {
		p := path.Join(d, prog)
		if e, err := x.Stat(p); err == nil && e != nil && !e.IsDir() {
			return p, true
		}
	}
	return "", false
}

// hasShell reports whether /bin/sh runs something.
func hasShell(x *fsindex.Index) bool {
	e, err := x.Stat("/bin/sh")
	return err == nil && e != nil && x.Target(e).IsExecutable()
}

// scriptLine returns what follows "#!" on the first line of the executable
// script at p (at most 256 bytes, trimmed).
func scriptLine(x *fsindex.Index, p string) (string, bool) {
	e, ok := x.Lookup(p)
	if !ok || e.Mode&0o111 == 0 {
		return "", false
	}
	line, ok := fsindex.Get(x, facts.Shebang, p)
	if !ok || len(line) <= 2 {
		return "", false
	}
	return strings.TrimSpace(strings.TrimRight(line[2:], "\r")), true
}
