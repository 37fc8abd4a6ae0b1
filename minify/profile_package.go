package minify

import (
	"path"
	"strings"

	"github.com/harden-dev/harden/facts"
	"github.com/harden-dev/harden/fsindex"
)

// notRuntime are package files a program never reads at run time:
// documentation, manuals, translations, shell completions, service
// manager units and desktop integration.
var notRuntime = []string{
	"/usr/share/doc/", "/usr/share/man/", "/usr/share/info/", "/usr/share/locale/", "/usr/share/lintian/",
	"/usr/share/doc-base/", "/usr/share/bash-completion/", "/usr/share/zsh/", "/usr/share/fish/", "/usr/share/menu/",
	"/usr/share/applications/", "/usr/share/icons/", "/usr/share/pixmaps/", "/usr/share/gtk-doc/", "/usr/share/help/",
	"/etc/init.d/", "/etc/init/", "/etc/systemd/", "/lib/systemd/", "/usr/lib/systemd/", "/etc/logrotate.d/",
	"/etc/cron.d/", "/etc/cron.daily/", "/etc/default/", "/usr/lib/tmpfiles.d/", "/usr/lib/sysusers.d/",
}

// keepOwningPackage is the fallback for a program no profile matches: it
// keeps the files of the OS package that owns the program (without docs and
// man pages) beside the ELF closure, and says so; it is never silent.
func (k *Keeper) keepOwningPackage(prog *Program) {
	name, manager, files := k.owningPackage(prog)
	if name == "" {
		k.Warn("no runtime profile matches %s and no OS package owns it: only the program and its ELF closure are kept (add a profile with --profile, or --include)", prog.Path)
		return
	}
	r := Reason{Rule: "package:" + name, Why: "no runtime profile matches " + prog.Path + "; a file of its " + manager + " package " + name}
	n := 0
	for _, f := range files {
		if isNotRuntime(f) {
			continue
		}
		e, canonical, ok := k.canonical(f)
		if !ok || e.IsDir() {
			continue
		}
		if st, err := k.x.Stat(canonical); err == nil && st.IsDir() {
			continue
		}
		if _, err := k.Keep(f, r); err == nil {
			n++
		}
	}
	k.plan.Profiles = append(k.plan.Profiles, "package:"+name)
	k.Warn("no runtime profile matches %s: kept the %d files of its package %s (no docs, man pages or translations) and the ELF closure; if it needs more, add a profile with --profile", prog.Path, n, name)
}

func isNotRuntime(p string) bool {
	for _, d := range notRuntime {
		if strings.HasPrefix(p, d) {
			return true
		}
	}
	return false
}

// owningPackage finds the package that lists the entrypoint as found
// through PATH (redis-server) or, failing that, the program it resolves to.
func (k *Keeper) owningPackage(prog *Program) (name, manager string, files []string) {
	for _, p := range []string{prog.Found, prog.Path} {
		if p == "" {
			continue
		}
		want := p
		if _, c, ok := k.canonical(p); ok {
			want = c
		}
		if name, files := k.dpkgOwner(want); name != "" {
			return name, "dpkg", files
		}
		if name, files := k.apkOwner(want); name != "" {
			return name, "apk", files
		}
	}
	return "", "", nil
}

// dpkgOwner returns the Debian package whose file list has the canonical
// path p.
func (k *Keeper) dpkgOwner(p string) (string, []string) {
	base := path.Base(p)
	for _, l := range fsindex.Paths(k.x, facts.DpkgFiles) {
		if !strings.HasSuffix(l, ".list") {
			continue // info/*.list only, not status.d's md5sums
		}
		files, _ := fsindex.Get(k.x, facts.DpkgFiles, l)
		for _, f := range files {
			if path.Base(f) != base {
				continue
			}
			if _, c, ok := k.canonical(f); ok && c == p {
				pkg, _, _ := strings.Cut(strings.TrimSuffix(path.Base(l), ".list"), ":")
				return pkg, files
			}
		}
	}
	return "", nil
}

// apkOwner returns the Alpine package whose file list has the canonical
// path p.
func (k *Keeper) apkOwner(p string) (string, []string) {
	db, _ := fsindex.Get(k.x, facts.ApkInstalled, facts.ApkInstalledPath)
	for _, pkg := range db {
		for _, f := range pkg.Files {
			if path.Base(f) != path.Base(p) {
				continue
			}
			if _, c, ok := k.canonical(f); ok && c == p && validPackageName(pkg.Name) {
				return pkg.Name, pkg.Files
			}
		}
	}
	return "", nil
}
