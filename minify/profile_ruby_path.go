package minify

import (
	"path"
	"sort"
	"strings"

	"github.com/harden-dev/harden/fsindex"
)

// rubyLoadPath is where require looks: $LOAD_PATH in ruby's order (-I,
// RUBYLIB, site, vendor, the standard library, each followed by its arch
// directory), then the gems rubygems activates when a feature is on none
// of them.
type rubyLoadPath struct {
	// dirs are canonical directories, in order.
	dirs []string
	// user are the -I and RUBYLIB directories (the app's).
	user []string
	// gemDirs are the gem directories (GEM_HOME, GEM_PATH, Debian's and
	// upstream's defaults) that exist, in Gem.path order.
	gemDirs []string
	// system are the gem directories of the distribution (not kept whole
	// for Bundler).
	system map[string]bool
}

// rubyLoadPath builds the load path of the program's interpreter, or nil
// when its standard library is not in the image.
func (k *Keeper) rubyLoadPath() *rubyLoadPath {
	prog := k.Program()
	prefix := path.Dir(path.Dir(prog.Path))
	ver := k.rubyVersion(prefix, programVersion(prog))
	if ver == "" {
		return nil
	}
	arch := multiarch(prog.ELF)
	if arch == "" {
		arch = "x86_64-linux-gnu"
	}
	lp := &rubyLoadPath{system: map[string]bool{}}
	seen := map[string]bool{}
	add := func(list *[]string, d string) {
		res, err := k.x.Resolve(d)
		if err != nil || res.Entry == nil || !k.x.Target(res.Entry).IsDir() || seen[res.Path] {
			return
		}
		seen[res.Path] = true
		*list = append(*list, res.Path)
	}
	var user []string
	for i, a := range prog.Args {
		switch {
		case a == "-I" && i+1 < len(prog.Args):
			user = append(user, resolveIn(prog.WorkingDir, prog.Args[i+1]))
		case strings.HasPrefix(a, "-I") && len(a) > 2:
			user = append(user, resolveIn(prog.WorkingDir, a[2:]))
		}
	}
	for _, d := range strings.Split(k.Env("RUBYLIB"), ":") {
		if strings.HasPrefix(d, "/") {
			user = append(user, d)
		}
	}
	for _, d := range user {
		add(&lp.dirs, d)
	}
	lp.user = append(lp.user, lp.dirs...)
	lib := path.Join(prefix, "lib")
	// upstream's arch directories are named after the platform
	// (x86_64-linux); Debian's live under the multiarch triplet.
	upArch := strings.Replace(arch, "-linux-gnu", "-linux", 1)
	for _, d := range []string{
		"/usr/local/lib/site_ruby/" + ver, "/usr/local/lib/" + arch + "/site_ruby", "/usr/local/lib/site_ruby",
		lib + "/ruby/site_ruby/" + ver, lib + "/ruby/site_ruby/" + ver + "/" + upArch, lib + "/ruby/site_ruby",
		lib + "/ruby/vendor_ruby/" + ver, lib + "/" + arch + "/ruby/vendor_ruby/" + ver,
		lib + "/ruby/vendor_ruby/" + ver + "/" + upArch, lib + "/ruby/vendor_ruby",
		lib + "/ruby/" + ver, lib + "/" + arch + "/ruby/" + ver, lib + "/ruby/" + ver + "/" + upArch,
	} {
		add(&lp.dirs, d)
	}
	var gems []string
	for _, v := range []string{"GEM_HOME", "GEM_PATH", "BUNDLE_PATH"} {
		for _, d := range strings.Split(k.Env(v), ":") {
			if strings.HasPrefix(d, "/") {
				gems = append(gems, d, path.Join(d, "ruby", ver))
			}
		}
	}
	gems = append(gems, "/usr/local/bundle", "/var/lib/gems/"+ver, "/usr/local/lib/ruby/gems/"+ver)
	system := []string{lib + "/ruby/gems/" + ver, lib + "/" + arch + "/ruby/gems/" + ver,
		"/usr/share/rubygems-integration/" + ver, "/usr/share/rubygems-integration/all", "/usr/lib/" + arch + "/rubygems-integration/" + ver}
	for i, d := range append(gems, system...) {
		n := len(lp.gemDirs)
		add(&lp.gemDirs, d)
		if n < len(lp.gemDirs) && i >= len(gems) {
			lp.system[lp.gemDirs[n]] = true
		}
	}
	return lp
}

// rubyVersion finds the standard library's version directory
// (prefix/lib/ruby/3.1.0) for a program version ("3.1", or "*").
func (k *Keeper) rubyVersion(prefix, want string) string {
	var found []string
	for _, c := range k.x.Children(path.Join(prefix, "lib", "ruby")) {
		base := path.Base(c.Path)
		if c.IsDir() && base[0] >= '0' && base[0] <= '9' && (want == "*" || base == want || strings.HasPrefix(base, want+".")) {
			found = append(found, base)
		}
	}
	if len(found) == 0 {
		return ""
	}
	sort.Strings(found)
	return found[len(found)-1]
}

// find returns the files a require of feature loads: the first hit along
// the load path (each directory tried with .rb, then .so), else the first
// gem that has it. An absolute or ./ name is looked up as a path.
func (lp *rubyLoadPath) find(x *fsindex.Index, feature, wd string) []string {
	if strings.HasPrefix(feature, "/") || strings.HasPrefix(feature, "./") || strings.HasPrefix(feature, "../") {
		return rubyCandidates(x, resolveIn(wd, feature))
	}
	for _, d := range lp.dirs {
		if c := rubyCandidates(x, path.Join(d, feature)); len(c) > 0 {
			return c[:1]
		}
	}
	for _, g := range lp.gemDirs {
		for _, lib := range gemLibs(x, g) {
			if c := rubyCandidates(x, path.Join(lib, feature)); len(c) > 0 {
				return c[:1]
			}
		}
	}
	return nil
}

// gemLibs lists a gem directory's require paths: each gem's lib (highest
// version first) and its compiled extensions.
func gemLibs(x *fsindex.Index, gemDir string) []string {
	var out []string
	gems := x.Children(path.Join(gemDir, "gems"))
	for i := len(gems) - 1; i >= 0; i-- {
		if lib := path.Join(gems[i].Path, "lib"); isDir(x, lib) {
			out = append(out, lib)
		}
	}
	for _, plat := range x.Children(path.Join(gemDir, "extensions")) {
		for _, v := range x.Children(plat.Path) {
			for _, g := range x.Children(v.Path) {
				if g.IsDir() {
					out = append(out, g.Path)
				}
			}
		}
	}
	return out
}

func isDir(x *fsindex.Index, p string) bool {
	res, err := x.Resolve(p)
	return err == nil && res.Entry != nil && x.Target(res.Entry).IsDir()
}

// rubyCandidates returns the file a feature path names: itself when it has
// an extension ruby loads (.rb, .so), else name.rb, then name.so.
func rubyCandidates(x *fsindex.Index, p string) []string {
	exts := []string{".rb", ".so"}
	switch path.Ext(p) {
	case ".rb":
		exts = []string{""}
	case ".so", ".o", ".bundle", ".dll":
		p, exts = strings.TrimSuffix(p, path.Ext(p)), []string{".so"}
	}
	for _, e := range exts {
		res, err := x.Resolve(p + e)
		if err == nil && res.Entry != nil && !x.Target(res.Entry).IsDir() {
			return []string{p + e}
		}
	}
	return nil
}

// inGem reports whether p is a gem's file (not the interpreter's own
// library).
func (lp *rubyLoadPath) inGem(p string) bool {
	for _, g := range lp.gemDirs {
		if strings.HasPrefix(p, g+"/gems/") || strings.HasPrefix(p, g+"/extensions/") {
			return true
		}
	}
	return false
}
