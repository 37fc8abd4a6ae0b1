package minify

import (
	"path"
	"regexp"
	"sort"
	"strings"

	"github.com/harden-dev/harden/fsindex"
)

// WantPython keeps, for every Python file and every .pth file, what it
// imports (a *pyFile).
const WantPython = "minify/python"

// pythonProfile keeps what a CPython app needs beyond the interpreter's ELF
// closure: the standard library without test suites, idlelib, tkinter and
// ensurepip; lib-dynload (each extension with its own ELF closure); the
// site/dist-packages the app imports (found by reading its imports, and
// theirs); PYTHONPATH; and the virtual environment the entrypoint is in.
type pythonProfile struct{}

var (
	pythonBinary = regexp.MustCompile(`^python(3(\.[0-9]+)?)?$`)
	pyImport     = regexp.MustCompile(`(?m)^[ \t]*import[ \t]+([A-Za-z_][\w.]*(?:[ \t]*,[ \t]*[A-Za-z_][\w.]*)*)`)
	pyFrom       = regexp.MustCompile(`(?m)^[ \t]*from[ \t]+([A-Za-z_][\w.]*)[ \t]+import\b`)
	pyImportAll  = regexp.MustCompile(`(?m)^[ \t]*import[ \t]+([^\n#;]*)`)
	pyFromAll    = regexp.MustCompile(`(?m)^[ \t]*from[ \t]+(\.+[\w.]*|[A-Za-z_][\w.]*)[ \t]+import[ \t]*(\([^)]*\)|(?:[^\n#;\\]|\\\n)*)`)
	pyName       = regexp.MustCompile(`^[A-Za-z_][\w.]*$`)
	pyDynamic    = regexp.MustCompile(`(?:import_module|__import__)\(\s*['"]([A-Za-z_][\w.]*)['"]`)
	pyVersion    = regexp.MustCompile(`^python(3\.[0-9]+)$`)
)

// stdlibDropped are directories of the standard library a server never
// needs.
var stdlibDropped = map[string]string{
	"test": "the standard library's test suite", "tests": "a test suite", "idle_test": "a test suite",
	"idlelib": "the IDLE editor", "tkinter": "Tk GUI bindings", "turtledemo": "demo programs",
	"ensurepip": "bundles pip, a package manager", "site-packages": "only the packages the app imports are kept",
	"dist-packages": "only the packages the app imports are kept",
}

// pyFile is what WantPython keeps of one file.
type pyFile struct {
	// Imports are the top-level modules the file imports.
	Imports []string
	// Refs are the modules it may import, dotted, relative ones with their
	// leading dots: `from a import b` gives a and a.b (b may be a
	// submodule), `from . import c` gives .c.
	Refs []string
	// Lazy are the Refs imported only inside functions or except clauses.
	Lazy []string
	// Paths are the directories a .pth file adds to sys.path.
	Paths []string
}

func (pythonProfile) Name() string { return "python3" }

// pythonFiles keeps what every Python file (and .pth file) imports.
var pythonFiles = fsindex.NewKey(WantPython, 4<<20, fsindex.MatchPath(func(p string) bool {
	return strings.HasSuffix(p, ".pth") || strings.HasSuffix(p, ".py")
}), parsePython)

func (pythonProfile) Wants() []fsindex.Want { return []fsindex.Want{pythonFiles.Want()} }

func (pythonProfile) Match(p *Program) bool {
	return p.ELF != nil && pythonBinary.MatchString(p.Base())
}

func (pythonProfile) Keep(k *Keeper) error {
	prog := k.Program()
	prefix := path.Dir(path.Dir(prog.Path))
	stdlib := k.pythonStdlib(prefix, prog.Base())
	if stdlib == "" {
		k.Warn("python3: no standard library found under %s/lib", prefix)
		return nil
	}
	version := strings.TrimPrefix(path.Base(stdlib), "python")
	if _, ok := k.Index().Lookup("/etc/python" + version); ok {
		k.KeepTree("/etc/python"+version, Reason{Rule: "profile/python3", Why: "Debian's sitecustomize"}, nil)
	}
	venv := ""
	if d := path.Dir(path.Dir(prog.Found)); d != "/" {
		if _, ok := k.Index().Lookup(path.Join(d, "pyvenv.cfg")); ok {
			k.Keep(path.Join(d, "pyvenv.cfg"), Reason{Rule: "profile/python3", Why: "the virtual environment the entrypoint is in"})
			k.MarkApp(d)
			venv = d
		}
	}
	for _, d := range strings.Split(k.Env("PYTHONPATH"), ":") {
		if strings.HasPrefix(d, "/") && !systemDirs[path.Clean(d)] {
			if p, err := k.KeepTree(d, Reason{Rule: "profile/python3", Why: "PYTHONPATH"}, nil); err == nil {
				k.MarkApp(p)
			}
		}
	}
	k.pythonImports(k.pythonSysPath(prefix, stdlib, pythonScriptDir(prog), venv), newPyStdlib(k, stdlib))
	return nil
}

// pythonScriptDir is sys.path[0]: the script's directory, or the working
// directory for -m, -c and the REPL.
func pythonScriptDir(prog *Program) string {
	for i, a := range prog.Args {
		switch {
		case a == "-m" || a == "-c" || a == "-":
			return prog.WorkingDir
		case a == "-W" || a == "-X" || a == "--check-hash-based-pycs":
			if i+1 < len(prog.Args) {
				prog = &Program{Args: prog.Args[i+2:], WorkingDir: prog.WorkingDir}
				return pythonScriptDir(prog)
			}
		case strings.HasPrefix(a, "-"):
		default:
			return path.Dir(resolveIn(prog.WorkingDir, a))
		}
	}
	return prog.WorkingDir
}

// pythonStdlib finds the standard library directory for the interpreter.
func (k *Keeper) pythonStdlib(prefix, base string) string {
	if m := pyVersion.FindStringSubmatch(base); m != nil {
		d := path.Join(prefix, "lib", "python"+m[1])
		if e, err := k.x.Stat(d); err == nil && e.IsDir() {
			return d
		}
	}
	var found []string
	for _, c := range k.x.Children(path.Join(prefix, "lib")) {
		if c.IsDir() && pyVersion.MatchString(path.Base(c.Path)) {
			if _, ok := k.x.Lookup(path.Join(c.Path, "os.py")); ok {
				found = append(found, c.Path)
			}
		}
	}
	if len(found) == 0 {
		return ""
	}
	sort.Strings(found)
	return found[len(found)-1]
}

// pythonImports keeps the modules the app imports, and theirs, each from
// where the interpreter would find it on sys.path.
func (k *Keeper) pythonImports(sp *pySysPath, std *pyStdlib) {
	files := fsindex.All(k.x, pythonFiles)
	var todo []string
	sites := map[string]bool{}
	for _, site := range sp.sites {
		sites[site] = true
	}
	placed := map[string]bool{}
	// follow says whether the top-level module top is followed module by
	// module: the standard library's, and regular packages in site
	// directories (the app's own directories are kept whole).
	follow := func(top string) bool {
		in, ok := placed[top]
		if !ok {
			m, found := sp.find(k.x, top)
			switch {
			case !found:
			case std.owns(m.entry):
				in = true
			case sites[m.entry] && len(m.paths) == 1 && path.Dir(m.paths[0]) == m.entry && hasInit(k.x, m.paths[0]):
				in = true
				std.sites[top] = m.entry
				k.keepDistInfo(m.entry, top)
			}
			placed[top] = in
		}
		return in
	}
	std.route = func(mod string, eager bool) {
		if follow(topLevel(mod)) {
			std.add(mod, eager)
		} else {
			todo = append(todo, topLevel(mod))
		}
	}
	addFrom := func(prefix string) {
		for p, f := range files {
			if f != nil && (strings.HasPrefix(p, prefix+"/") || p == prefix) && !strings.HasSuffix(p, ".pth") {
				todo = append(todo, f.Imports...)
				lazy := map[string]bool{}
				for _, ref := range f.Lazy {
					lazy[ref] = true
				}
				for _, ref := range f.Refs {
					if !strings.HasPrefix(ref, ".") {
						std.route(ref, !lazy[ref])
					}
				}
			}
		}
	}
	for _, mod := range pythonStartup {
		std.route(mod, true)
	}
	prog := k.Program()
	if !systemDirs[prog.WorkingDir] {
		addFrom(prog.WorkingDir)
	}
	for i, a := range prog.Args {
		switch {
		case strings.HasSuffix(a, ".py"):
			p := resolveIn(prog.WorkingDir, a)
			addFrom(p)
			if d := path.Dir(p); !systemDirs[d] {
				addFrom(d)
			}
		case a == "-m" && i+1 < len(prog.Args):
			std.route(prog.Args[i+1], true)
		}
	}
	// .pth files run their import lines at start-up, and the directories
	// they name are on sys.path.
	for _, site := range sp.sites {
		for _, pth := range k.pthFiles(site) {
			k.Keep(pth, Reason{Rule: "profile/python3", Why: ".pth file, processed at start-up"})
			if f := files[pth]; f != nil {
				for _, m := range f.Imports {
					std.route(m, true)
				}
				for _, d := range f.Paths {
					if _, err := k.Keep(resolveIn(site, d), Reason{Rule: "profile/python3", Why: "added to sys.path by " + pth}); err != nil {
						k.o.log.Debug("a .pth directory is not in the image", "pth", pth, "dir", d)
					}
				}
			}
		}
	}
	seen := map[string]bool{}
	for len(todo) > 0 || len(std.todo) > 0 {
		if len(todo) == 0 {
			std.run()
			continue
		}
		mod := todo[0]
		todo = todo[1:]
		if seen[mod] || len(seen) > 10000 {
			continue
		}
		seen[mod] = true
		m, ok := sp.find(k.x, mod)
		if !ok {
			continue // a builtin module, or one the app guards with try/except
		}
		if follow(mod) {
			continue // routed with its dotted name and eagerness
		}
		for _, p := range k.keepPythonModule(m, mod) {
			addFrom(p)
		}
	}
}

// keepPythonModule keeps a top-level module where sys.path finds it (a
// package directory, a module file, an extension, or every portion of a
// namespace package), and its dist-info.
func (k *Keeper) keepPythonModule(m pyModule, mod string) []string {
	r := Reason{Rule: "profile/python3", Why: "module " + mod + ", imported by the app or its packages, first on sys.path in " + m.entry}
	var kept []string
	for _, p := range m.paths {
		if kp, err := k.KeepTree(p, r, packageTests(p)); err == nil {
			kept = append(kept, kp)
		}
	}
	if len(kept) == 0 {
		return nil
	}
	k.keepDistInfo(m.entry, mod)
	return kept
}

// keepDistInfo keeps the metadata of the top-level module mod found in the
// sys.path entry (importlib.metadata reads it).
func (k *Keeper) keepDistInfo(entry, mod string) {
	norm := normalizeDist(mod)
	for _, c := range k.x.Children(entry) {
		base := path.Base(c.Path)
		if c.IsDir() && (strings.HasSuffix(base, ".dist-info") || strings.HasSuffix(base, ".egg-info")) {
			name, _, _ := strings.Cut(base, "-")
			if normalizeDist(name) == norm {
				k.KeepTree(c.Path, Reason{Rule: "profile/python3", Why: "metadata of " + mod}, nil)
			}
		}
	}
}

// packageBuildFiles are files of an installed package only builds and
// type checkers read: stubs, C headers and sources, Cython declarations,
// static libraries.
var packageBuildFiles = map[string]bool{".pyi": true, ".h": true, ".c": true, ".pxd": true, ".pyx": true, ".a": true}

// packageTests drops the test suites inside an installed package
// (numpy/core/tests): a package never imports its own tests at run time;
// and its build-only files.
func packageTests(root string) func(e *fsindex.Entry) (bool, string) {
	return func(e *fsindex.Entry) (bool, string) {
		if e.Path != root && e.IsDir() && path.Base(e.Path) == "tests" {
			return true, "a package's test suite"
		}
		if e.Type == fsindex.TypeRegular && packageBuildFiles[path.Ext(e.Path)] {
			return true, "a package's type stub, C header or source, or static library: read by builds, not at run time"
		}
		return false, ""
	}
}

func normalizeDist(s string) string {
	return strings.ToLower(strings.NewReplacer("-", "_", ".", "_").Replace(s))
}

func topLevel(mod string) string {
	m, _, _ := strings.Cut(mod, ".")
	return m
}

// parsePython finds the modules a Python file imports (or a .pth file's
// import lines and directories).
func parsePython(p string, data []byte) (*pyFile, error) {
	f := &pyFile{}
	seen := map[string]bool{}
	add := func(m string) {
		m = topLevel(m)
		if m != "" && !seen[m] && len(f.Imports) < 1000 {
			seen[m] = true
			f.Imports = append(f.Imports, m)
		}
	}
	text := string(data)
	if strings.HasSuffix(p, ".pth") {
		for _, line := range strings.Split(text, "\n") {
			line = strings.TrimSpace(line)
			switch {
			case line == "" || strings.HasPrefix(line, "#"):
			case strings.HasPrefix(line, "import ") || strings.HasPrefix(line, "import\t"):
				for _, m := range pyImport.FindAllStringSubmatch(line, -1) {
					for _, name := range strings.Split(m[1], ",") {
						add(strings.TrimSpace(name))
					}
				}
				// Debian's distutils-precedence.pth: "import os; ...
				// __import__('_distutils_hack').add_shim()"
				for _, m := range pyDynamic.FindAllStringSubmatch(line, -1) {
					add(m[1])
				}
			case len(f.Paths) < 100 && !strings.Contains(line, ".."):
				f.Paths = append(f.Paths, line)
			}
		}
		return f, nil
	}
	for _, m := range pyImport.FindAllStringSubmatch(text, -1) {
		for _, name := range strings.Split(m[1], ",") {
			add(strings.TrimSpace(name))
		}
	}
	for _, m := range pyFrom.FindAllStringSubmatch(text, -1) {
		add(m[1])
	}
	for _, m := range pyDynamic.FindAllStringSubmatch(text, -1) {
		add(m[1])
	}
	f.Refs, f.Lazy = pythonRefs(text)
	return f, nil
}
