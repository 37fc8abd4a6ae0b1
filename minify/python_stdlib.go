package minify

import (
	"path"
	"strings"

	"github.com/harden-dev/harden/fsindex"
)

// pythonStartup are the modules the interpreter imports before the app
// runs (sys.modules of `python3 -c pass`, and site's own imports), which
// no import statement of the app names.
var pythonStartup = []string{
	"abc", "codecs", "encodings", "genericpath", "io", "os", "posixpath", "stat",
	"site", "_sitebuiltins", "sitecustomize", "usercustomize", "_collections_abc",
	"zipimport", "runpy", "importlib", "importlib.machinery", "importlib.util",
	"_distutils_system_mod", "sysconfig",
	// the codecs of the usual locales, and idna (socket and http name
	// hosts with it), loaded by name: their bytecode is kept
	"encodings.utf_8", "encodings.ascii", "encodings.latin_1", "encodings.idna",
}

// pythonStdlibExtra are modules the standard library imports by a computed
// name (so no import statement names them), kept whenever the module on
// the left is (a whole package, "p.*", without bytecode unless an import
// statement reaches the module): codecs by encoding name, sysconfig's build data, dbm's
// backends, the default XML parsers, and the accelerators a module's
// fallback would hide from a reader that skipped try blocks.
var pythonStdlibExtra = map[string][]string{
	"encodings": {"encodings.*"},
	"sysconfig": {"_sysconfigdata_*"},
	"json":      {"_json", "json.decoder", "json.encoder", "json.scanner"},
	"email":     {"email.*"},
	"dbm":       {"dbm.*"},
	"shelve":    {"dbm.*"},
	"xml.sax":   {"xml.sax.expatreader"},
	"xml.dom":   {"xml.dom.minidom", "xml.dom.expatbuilder"},
	// multiprocessing starts its children with `python -c "from
	// multiprocessing.spawn import ..."`, a string no reader sees.
	"multiprocessing": {"multiprocessing.*"},
	"pickle":          {"_pickle", "_compat_pickle"},
	"decimal":         {"_decimal"},
}

// pyStdlib keeps the standard library module by module: a module is kept
// when the app, its packages, the interpreter's start-up or a kept stdlib
// module imports it (import statements in try blocks and functions count).
type pyStdlib struct {
	k *Keeper
	// root is lib/python3.X; dynload its lib-dynload.
	root, dynload string
	// sites maps the top-level packages followed in site directories to
	// their sys.path entry.
	sites map[string]string
	// seen is 1 for a module kept lazily, 2 for one kept eagerly.
	seen map[string]int8
	todo []pyTodo
	// route schedules an absolute module name a kept module imports: here
	// when sys.path finds it in the standard library, else in the site
	// directories.
	route func(mod string, eager bool)
}

// pyTodo is a module to keep; eager when it runs as the app starts (an
// import outside any function or except clause, from a module that runs
// at start), so its
// cached bytecode is kept too. A module only a function imports keeps
// its source alone: it still imports, compiled when it does.
type pyTodo struct {
	mod   string
	eager bool
}

func newPyStdlib(k *Keeper, root string) *pyStdlib {
	return &pyStdlib{k: k, root: root, dynload: path.Join(root, "lib-dynload"), seen: map[string]int8{}, sites: map[string]string{}}
}

// owns reports whether the sys.path entry holds the standard library.
func (s *pyStdlib) owns(entry string) bool { return entry == s.root || entry == s.dynload }

// add schedules a dotted module name (a trailing ".*" means every module
// of the package); a module seen lazily is kept again when reached eagerly.
func (s *pyStdlib) add(mod string, eager bool) {
	level := int8(1)
	if eager {
		level = 2
	}
	if mod != "" && s.seen[mod] < level && len(s.seen) < 20000 {
		s.seen[mod] = level
		s.todo = append(s.todo, pyTodo{mod, eager})
	}
}

// run keeps every scheduled module and what it imports.
func (s *pyStdlib) run() {
	for len(s.todo) > 0 {
		mod, eager := s.todo[0].mod, s.todo[0].eager
		s.todo = s.todo[1:]
		for _, extra := range pythonStdlibExtra[mod] {
			s.add(extra, eager && !strings.HasSuffix(extra, "*"))
		}
		if pkg, ok := strings.CutSuffix(mod, ".*"); ok {
			s.keepAll(pkg, eager)
			continue
		}
		if prefix, ok := strings.CutSuffix(mod, "*"); ok {
			for _, c := range s.k.x.Children(s.root) {
				if b := path.Base(c.Path); strings.HasPrefix(b, prefix) && strings.HasSuffix(b, ".py") {
					s.add(strings.TrimSuffix(b, ".py"), eager)
				}
			}
			continue
		}
		s.keep(mod, eager)
	}
}

// keepAll schedules every module of the package pkg.
func (s *pyStdlib) keepAll(pkg string, eager bool) {
	dir := path.Join(s.root, strings.ReplaceAll(pkg, ".", "/"))
	s.add(pkg, eager)
	for _, c := range s.k.x.Children(dir) {
		b := path.Base(c.Path)
		switch {
		case c.IsDir() && b != "__pycache__" && stdlibDropped[b] == "":
			s.add(pkg+"."+b, eager)
			s.add(pkg+"."+b+".*", eager)
		case strings.HasSuffix(b, ".py") && b != "__init__.py":
			s.add(pkg+"."+strings.TrimSuffix(b, ".py"), eager)
		}
	}
}

// keep keeps the module mod (a.b.c: a and a.b's __init__ too, as the
// import system runs them) and schedules its imports.
func (s *pyStdlib) keep(mod string, eager bool) {
	parts := strings.Split(mod, ".")
	dir := s.root
	site, inSite := s.sites[parts[0]]
	if inSite {
		dir = site
	}
	for i, part := range parts {
		if !inSite && stdlibDropped[part] != "" || inSite && part == "tests" && i != len(parts)-1 {
			return
		}
		name := strings.Join(parts[:i+1], ".")
		pkg := path.Join(dir, part)
		e, ok := s.k.x.Lookup(pkg)
		isDir := ok && e.IsDir()
		if isDir && hasInit(s.k.x, pkg) {
			s.keepFile(moduleFile(s.k.x, pkg, "__init__"), name, name, eager)
			s.keepDir(pkg, name, inSite, eager)
			dir = pkg
			continue
		}
		if i == len(parts)-1 {
			if f := moduleFile(s.k.x, dir, part); f != "" {
				s.keepFile(f, name, strings.Join(parts[:i], "."), eager)
				return
			}
			if i == 0 && !inSite {
				if f := moduleFile(s.k.x, s.dynload, part); f != "" {
					s.keepFile(f, name, "", eager)
					return
				}
			}
		}
		if !isDir {
			return
		}
		// a namespace package: a folder without __init__
		s.keepDir(pkg, name, inSite, eager)
		dir = pkg
	}
}

// keepDir keeps what a reached package's folder holds besides modules.
func (s *pyStdlib) keepDir(dir, pkg string, inSite, eager bool) {
	if inSite {
		s.keepPackageDir(dir, pkg, eager)
	} else {
		s.keepData(dir)
	}
}

// keepFile keeps one module file, its cached bytecode, and schedules what
// it imports; pkg is the package its relative imports start from.
func (s *pyStdlib) keepFile(f, mod, pkg string, eager bool) {
	if _, ok := s.k.x.Lookup(f); !ok {
		return
	}
	r := Reason{Rule: "profile/python3", Why: "module " + mod + ", imported by the app, its packages, the standard library or the interpreter's start-up"}
	if _, err := s.k.Keep(f, r); err != nil {
		return
	}
	if stem, ok := strings.CutSuffix(path.Base(f), ".py"); ok && eager {
		for _, c := range s.k.x.Children(path.Join(path.Dir(f), "__pycache__")) {
			if strings.HasPrefix(path.Base(c.Path), stem+".") && strings.HasSuffix(c.Path, ".pyc") {
				s.k.Keep(c.Path, Reason{Rule: "profile/python3", Why: "bytecode of " + mod})
			}
		}
	}
	pf, _ := fsindex.Get(s.k.x, pythonFiles, f)
	if pf == nil {
		return
	}
	lazy := map[string]bool{}
	for _, ref := range pf.Lazy {
		lazy[ref] = true
	}
	for _, ref := range pf.Refs {
		if abs := resolveRelative(ref, pkg); abs != "" {
			s.route(abs, eager && !lazy[ref])
		}
	}
}

// keepData keeps the non-Python files directly in a kept package (lib2to3's
// grammar, for one).
func (s *pyStdlib) keepData(dir string) {
	for _, c := range s.k.x.Children(dir) {
		if c.Type != fsindex.TypeRegular {
			continue
		}
		if ext := path.Ext(c.Path); ext != ".py" && ext != ".pyc" {
			s.k.Keep(c.Path, Reason{Rule: "profile/python3", Why: "data of a kept standard library package"})
		}
	}
}

// keepPackageDir keeps what an installed package's directory holds besides
// its modules: data files and data directories (werkzeug's debugger
// assets), minus tests and build-only files. In a directory holding
// extension modules every module is kept: C code imports modules by name
// where no reader sees it (numpy.core's _multiarray_umath imports
// numpy.core._exceptions). Extensions themselves are kept when an import
// reaches them.
func (s *pyStdlib) keepPackageDir(dir, pkg string, eager bool) {
	drop := packageTests(dir)
	r := Reason{Rule: "profile/python3", Why: "data of package " + pkg}
	var modules []string
	hasExt := false
	for _, c := range s.k.x.Children(dir) {
		b := path.Base(c.Path)
		if skip, _ := drop(c); skip {
			continue
		}
		switch {
		case c.IsDir():
			if b != "__pycache__" && !hasInit(s.k.x, c.Path) && !hasModules(s.k.x, c.Path) {
				s.k.KeepTree(c.Path, r, drop)
			}
		case strings.HasSuffix(b, ".py"):
			modules = append(modules, strings.TrimSuffix(b, ".py"))
		case strings.HasSuffix(b, ".so") || strings.HasSuffix(b, ".pyc"):
			hasExt = hasExt || strings.HasSuffix(b, ".so")
		default:
			s.k.Keep(c.Path, r)
		}
	}
	if hasExt {
		for _, m := range modules {
			if m != "__init__" && m != "setup" && m != "conftest" {
				s.add(pkg+"."+m, eager)
			}
		}
	}
}

// hasModules reports whether dir holds Python modules (a namespace
// subpackage, followed by its imports, rather than data).
func hasModules(x *fsindex.Index, dir string) bool {
	for _, c := range x.Children(dir) {
		if b := path.Base(c.Path); strings.HasSuffix(b, ".py") || strings.HasSuffix(b, ".so") {
			return true
		}
	}
	return false
}
