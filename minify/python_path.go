package minify

import (
	"path"
	"sort"
	"strings"

	"github.com/harden-dev/harden/fsindex"
)

// pySysPath is the interpreter's module search path, in the order CPython
// builds sys.path: the script's directory, PYTHONPATH, the standard
// library's zip, the standard library, lib-dynload, then each site
// directory followed by the directories its .pth files add.
type pySysPath struct {
	// entries are canonical directories (or the stdlib zip), in order.
	entries []string
	// sites are the site directories among them (their .pth files run at
	// start-up).
	sites []string
}

// pythonSysPath builds the search path of the interpreter whose standard
// library is stdlib (prefix/lib/python3.X). scriptDir is sys.path[0]; venv
// is the virtual environment's root, or "".
func (k *Keeper) pythonSysPath(prefix, stdlib, scriptDir, venv string) *pySysPath {
	sp := &pySysPath{}
	seen := map[string]bool{}
	add := func(d string) bool {
		res, err := k.x.Resolve(d)
		if err != nil || res.Entry == nil || seen[res.Path] {
			return false
		}
		seen[res.Path] = true
		sp.entries = append(sp.entries, res.Path)
		return true
	}
	if scriptDir != "" {
		add(scriptDir)
	}
	for _, d := range strings.Split(k.Env("PYTHONPATH"), ":") {
		if strings.HasPrefix(d, "/") {
			add(d)
		}
	}
	version := strings.TrimPrefix(path.Base(stdlib), "python")
	add(path.Join(prefix, "lib", "python"+strings.ReplaceAll(version, ".", "")+".zip"))
	add(stdlib)
	add(path.Join(stdlib, "lib-dynload"))
	for _, site := range k.pythonSites(prefix, version, venv) {
		if !add(site) {
			continue
		}
		site = sp.entries[len(sp.entries)-1]
		sp.sites = append(sp.sites, site)
		for _, pth := range k.pthFiles(site) {
			if f, ok := fsindex.Get(k.x, pythonFiles, pth); ok {
				if f == nil {
					continue
				}
				for _, d := range f.Paths {
					add(resolveIn(site, d))
				}
			}
		}
	}
	return sp
}

// pythonSites lists the site directories site.py would add, in its order.
// Debian's interpreter (prefix /usr) uses dist-packages: the local one,
// then python3's, then the deprecated versioned one; an upstream build
// (the official images' /usr/local) uses lib/python3.X/site-packages. A
// virtual environment's site-packages comes first.
func (k *Keeper) pythonSites(prefix, version, venv string) []string {
	var sites []string
	if venv != "" {
		sites = append(sites, path.Join(venv, "lib", "python"+version, "site-packages"))
	}
	if k.debianPython(prefix) {
		return append(sites, "/usr/local/lib/python"+version+"/dist-packages",
			path.Join(prefix, "lib", "python3", "dist-packages"),
			path.Join(prefix, "lib", "python"+version, "dist-packages"))
	}
	return append(sites, path.Join(prefix, "lib", "python"+version, "site-packages"),
		path.Join(prefix, "lib64", "python"+version, "site-packages"))
}

// debianPython reports whether the interpreter at prefix is Debian's
// (patched to use dist-packages) rather than an upstream build.
func (k *Keeper) debianPython(prefix string) bool {
	if prefix != "/usr" {
		return false
	}
	if e, err := k.x.Stat("/usr/lib/python3/dist-packages"); err == nil && e.IsDir() {
		return true
	}
	_, ok := k.x.Lookup("/etc/debian_version")
	return ok
}

// pthFiles lists a site directory's .pth files in the order site.py
// processes them (sorted by name).
func (k *Keeper) pthFiles(site string) []string {
	var out []string
	for _, c := range k.x.Children(site) {
		if strings.HasSuffix(c.Path, ".pth") && k.x.Target(c).Type == fsindex.TypeRegular {
			out = append(out, c.Path)
		}
	}
	sort.Strings(out)
	return out
}

// pyModule is where a top-level module was found on sys.path.
type pyModule struct {
	// entry is the sys.path entry it was found in (the first portion's,
	// for a namespace package).
	entry string
	// paths are the package directory, the module or extension file, or
	// every portion of a namespace package.
	paths []string
}

// find looks a top-level module up the way importlib's PathFinder does:
// the first entry holding a regular package (name/__init__.*), a module
// (name.py, name.pyc) or an extension (name.*.so) wins; directories without
// __init__ are namespace portions, used only when no entry has a regular
// package or module, and then all of them together.
func (sp *pySysPath) find(x *fsindex.Index, name string) (pyModule, bool) {
	var portions []string
	for _, entry := range sp.entries {
		e, ok := x.Lookup(entry)
		if !ok || !e.IsDir() {
			continue // the stdlib zip: its modules are kept with it
		}
		pkg := path.Join(entry, name)
		isDir := false
		if res, err := x.Resolve(pkg); err == nil && res.Entry != nil && x.Target(res.Entry).IsDir() {
			isDir = true
			if hasInit(x, res.Path) {
				return pyModule{entry: entry, paths: []string{pkg}}, true
			}
		}
		if f := moduleFile(x, entry, name); f != "" {
			return pyModule{entry: entry, paths: []string{f}}, true
		}
		if isDir {
			portions = append(portions, pkg)
		}
	}
	if len(portions) == 0 {
		return pyModule{}, false
	}
	return pyModule{entry: path.Dir(portions[0]), paths: portions}, true
}

// hasInit reports whether dir is a regular package.
func hasInit(x *fsindex.Index, dir string) bool {
	for _, c := range x.Children(dir) {
		if base := path.Base(c.Path); base == "__init__.py" || base == "__init__.pyc" ||
			(strings.HasPrefix(base, "__init__.") && strings.HasSuffix(base, ".so")) {
			return true
		}
	}
	return false
}

// moduleFile finds name's module file in dir, extensions first as
// importlib's FileFinder tries them.
func moduleFile(x *fsindex.Index, dir, name string) string {
	var ext, src, pyc string
	for _, c := range x.Children(dir) {
		base := path.Base(c.Path)
		if !strings.HasPrefix(base, name+".") || x.Target(c).IsDir() {
			continue
		}
		switch rest := base[len(name):]; {
		case strings.HasSuffix(rest, ".so"):
			ext = c.Path
		case rest == ".py":
			src = c.Path
		case rest == ".pyc":
			pyc = c.Path
		}
	}
	for _, f := range []string{ext, src, pyc} {
		if f != "" {
			return f
		}
	}
	return ""
}
