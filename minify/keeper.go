package minify

import (
	"context"
	"fmt"
	"io/fs"
	"path"
	"strings"

	"github.com/harden-dev/harden/fsindex"
)

// Keeper is what the rules and runtime profiles use to add paths to the
// plan. Every path goes through it, so symlinks on the way, parent
// directories, hardlink targets, the deny list, --include and --exclude
// and the ELF closure are handled once.
type Keeper struct {
	x    *fsindex.Index
	o    *options
	plan *Selection
	env  map[string]string
	prog *Program

	queue    []elfJob
	elfSeen  map[string]bool
	filters  []treeFilter
	trees    map[string]bool
	libc     *libcInfo
	confDirs map[string]bool
	sonames  map[string]string
	// usesIconv: a kept ELF file calls iconv_open, so gconv is needed
	usesIconv bool
	// ownTZ says why the runtime needs no /usr/share/zoneinfo
	ownTZ    string
	appRoots []string
	// serverUsers are accounts the program switches to (KeepUser)
	serverUsers []string
	// wholeRuntimes are directories of runtimes kept whole (native.go)
	wholeRuntimes []string
}

type treeFilter struct {
	name string
	drop func(e *fsindex.Entry) (bool, string)
}

func newKeeper(x *fsindex.Index, o *options) *Keeper {
	return &Keeper{
		x: x, o: o,
		plan:    &Selection{items: map[string]*Item{}, dropped: map[string]string{}, x: x, o: o},
		env:     envMap(x.Config.Config.Env),
		elfSeen: map[string]bool{},
		trees:   map[string]bool{},
		sonames: map[string]string{},
	}
}

// Index is the original image's filesystem.
func (k *Keeper) Index() *fsindex.Index { return k.x }

// Program is what the entrypoint runs.
func (k *Keeper) Program() *Program { return k.prog }

// Env returns the value of an environment variable of the image config.
func (k *Keeper) Env(name string) string { return k.env[name] }

// Warn records a warning for the user.
func (k *Keeper) Warn(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	for _, w := range k.plan.Warnings {
		if w == msg {
			return
		}
	}
	k.plan.Warnings = append(k.plan.Warnings, msg)
}

// AddFilter drops entries from every tree kept with KeepTree when drop says
// so (node's dev dependencies, python's test suites). Paths kept one by one
// are not filtered.
func (k *Keeper) AddFilter(name string, drop func(e *fsindex.Entry) (bool, string)) {
	k.filters = append(k.filters, treeFilter{name: name, drop: drop})
}

// OwnTimeZones says the runtime carries its own time zone rules, so
// /usr/share/zoneinfo is dropped unless --tzdata asks for it.
func (k *Keeper) OwnTimeZones(why string) { k.ownTZ = why }

// MarkApp says that paths at or below dir are the app's (the second layer
// with LayersApp).
func (k *Keeper) MarkApp(dir string) {
	k.appRoots = append(k.appRoots, cleanPath(dir))
}

// Keep keeps the path p, following symlinks inside the image root and
// keeping every link on the way, and returns the resolved path. Keeping a
// directory keeps the directory alone; see KeepTree. A path that does not
// exist gives an error wrapping fs.ErrNotExist.
func (k *Keeper) Keep(p string, r Reason) (string, error) {
	res, err := k.x.Resolve(p)
	if err != nil {
		return "", err
	}
	for _, l := range res.Links {
		if e, ok := k.x.Lookup(l); ok {
			k.add(e, Reason{Rule: "symlink", Why: "on the way from " + cleanPath(p) + " (" + r.Rule + ")"})
		}
	}
	if res.Entry == nil {
		return "/", nil
	}
	if !k.add(res.Entry, r) {
		return "", fmt.Errorf("%s: %s", res.Path, k.plan.dropped[res.Path])
	}
	return res.Path, nil
}

// KeepTree keeps the directory p and everything below it, except what the
// filters, the deny list and --exclude drop. Symlinks in the tree keep their
// targets (a link to a directory keeps that directory's tree too).
func (k *Keeper) KeepTree(p string, r Reason, filter func(e *fsindex.Entry) (bool, string)) (string, error) {
	dir, err := k.Keep(p, r)
	if err != nil {
		return "", err
	}
	e, err := k.x.Stat(dir)
	if err != nil || !e.IsDir() {
		return dir, nil
	}
	k.keepTree(dir, r, filter)
	return dir, nil
}

// systemDirs are never kept whole through a symlink or a working directory.
var systemDirs = map[string]bool{
	"/": true, "/usr": true, "/etc": true, "/lib": true, "/lib64": true, "/lib32": true, "/bin": true, "/sbin": true,
	"/usr/lib": true, "/usr/lib64": true, "/usr/bin": true, "/usr/sbin": true, "/usr/share": true, "/usr/local": true,
	"/usr/local/lib": true, "/usr/local/bin": true, "/var": true, "/var/lib": true, "/opt": true, "/home": true,
	"/root": true, "/srv": true, "/tmp": true, "/proc": true, "/sys": true, "/dev": true, "/run": true, "/boot": true,
	"/usr/include": true, "/usr/lib/x86_64-linux-gnu": true, "/usr/lib/aarch64-linux-gnu": true, "/mnt": true, "/media": true,
}

func (k *Keeper) keepTree(dir string, r Reason, filter func(e *fsindex.Entry) (bool, string)) {
	if k.trees[dir] {
		return
	}
	k.trees[dir] = true
	skip := ""
	for _, e := range k.x.Under(dir) {
		if skip != "" && strings.HasPrefix(e.Path, skip+"/") {
			continue
		}
		skip = ""
		if why, drop := k.filtered(e, filter); drop {
			k.drop(e.Path, why)
			if e.IsDir() {
				skip = e.Path
			}
			continue
		}
		if !k.add(e, r) {
			if e.IsDir() {
				skip = e.Path
			}
			continue
		}
		if e.Type != fsindex.TypeSymlink {
			continue
		}
		target, err := k.Keep(e.Path, Reason{Rule: "symlink-target", Why: "target of " + e.Path + " (" + r.Rule + ")"})
		if err != nil {
			continue
		}
		if te, err := k.x.Stat(target); err == nil && te.IsDir() && !systemDirs[target] &&
			!strings.HasPrefix(dir+"/", target+"/") {
			k.keepTree(target, r, filter)
		}
	}
}

func (k *Keeper) filtered(e *fsindex.Entry, filter func(e *fsindex.Entry) (bool, string)) (string, bool) {
	if filter != nil {
		if drop, why := filter(e); drop {
			return why, true
		}
	}
	for _, f := range k.filters {
		if drop, why := f.drop(e); drop {
			return f.name + ": " + why, true
		}
	}
	return "", false
}

func (k *Keeper) drop(p, why string) {
	if _, ok := k.plan.dropped[p]; !ok {
		k.plan.dropped[p] = why
	}
}

// included reports whether an --include glob names p (or a directory above).
func (k *Keeper) included(p string) bool {
	for _, g := range k.o.includes {
		if matchGlob(g, p) {
			return true
		}
	}
	return false
}

func (k *Keeper) excluded(p string) (string, bool) {
	for _, g := range k.o.excludes {
		if matchGlob(g, p) {
			return g, true
		}
	}
	return "", false
}

// add puts an original entry into the plan with its parents. It returns
// false when the deny list or --exclude refuse it.
func (k *Keeper) add(e *fsindex.Entry, r Reason) bool {
	if it, ok := k.plan.items[e.Path]; ok {
		it.addReason(r)
		return true
	}
	if _, gone := k.plan.dropped[e.Path]; gone && r.Rule != "include" {
		return false
	}
	if g, ok := k.excluded(e.Path); ok {
		k.drop(e.Path, "excluded by --exclude "+g)
		return false
	}
	if kind := k.denied(e); kind != "" {
		k.drop(e.Path, fmt.Sprintf("a %s; harden never keeps one unless --include names it", kind))
		return false
	}
	k.addParents(e.Path)
	it := &Item{Path: e.Path, Type: e.Type, Mode: e.Mode &^ (fs.ModeSetuid | fs.ModeSetgid), Link: e.Link, Size: e.Size, Source: e}
	if e.Type == fsindex.TypeHardlink {
		it.Size = k.x.Target(e).Size
	}
	it.addReason(r)
	k.plan.items[e.Path] = it
	switch e.Type {
	case fsindex.TypeHardlink:
		if t := k.x.Target(e); t != e {
			k.add(t, Reason{Rule: "hardlink", Why: "target of the hardlink " + e.Path})
		}
	case fsindex.TypeRegular:
		if s, ok := elfSummary(k.x, e.Path); ok {
			if s.SOName != "" {
				if _, dup := k.sonames[s.SOName]; !dup {
					k.sonames[s.SOName] = e.Path
				}
			}
			k.enqueueELF(e.Path, s.Info, nil, r.Rule == "entrypoint" || r.Rule == "interpreter")
		}
	}
	return true
}

// denied says whether the deny list refuses e: executables and symlinks by
// name, anything in a package manager's directory.
func (k *Keeper) denied(e *fsindex.Entry) Kind {
	kind := deniedKindByDir(e.Path)
	if kind == "" && (e.Type == fsindex.TypeSymlink || e.IsExecutable()) {
		kind = deniedKindByName(e.Path)
	}
	if kind == "" || k.included(e.Path) || (kind == KindShell && k.o.keepShell) {
		return ""
	}
	return kind
}

// addParents keeps the directories above p (p is canonical, so they are
// real directories), with their original modes.
func (k *Keeper) addParents(p string) {
	var missing []string
	for d := path.Dir(p); d != "/"; d = path.Dir(d) {
		if _, ok := k.plan.items[d]; ok {
			break
		}
		missing = append(missing, d)
	}
	for i := len(missing) - 1; i >= 0; i-- {
		d := missing[i]
		it := &Item{Path: d, Type: fsindex.TypeDir, Mode: 0o755, Reasons: []Reason{{Rule: "parent", Why: "directory above a kept path"}}}
		if e, ok := k.x.Lookup(d); ok && e.IsDir() {
			it.Mode, it.Source = e.Mode&^(fs.ModeSetuid|fs.ModeSetgid), e
		}
		k.plan.items[d] = it
	}
}

// generate adds a file harden writes (or replaces a kept one).
func (k *Keeper) generate(it *Item, r Reason) {
	k.addParents(it.Path)
	it.addReason(r)
	k.plan.items[it.Path] = it
}

// run applies every rule in order.
func (k *Keeper) run(ctx context.Context) error {
	prog, err := k.resolveEntrypoint()
	if err != nil {
		return err
	}
	k.prog = prog
	k.plan.Program = prog
	for _, g := range k.o.includes {
		k.keepIncluded(g)
	}
	for _, p := range profilesFor(k.o.profiles) {
		if !p.Match(prog) {
			continue
		}
		k.plan.Profiles = append(k.plan.Profiles, p.Name())
		if err := p.Keep(k); err != nil {
			return fmt.Errorf("profile %s: %w", p.Name(), err)
		}
	}
	if len(k.plan.Profiles) == 0 {
		k.keepOwningPackage(prog)
	}
	if err := k.keepProgram(prog); err != nil {
		return err
	}
	k.keepApp(prog)
	for _, t := range k.o.traced {
		if _, err := k.Keep(t, Reason{Rule: "trace", Why: "opened while the original ran under --trace"}); err != nil {
			k.o.log.Debug("traced path not kept", "path", t, "err", err)
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := k.closure(); err != nil {
		return err
	}
	k.keepEssentials()
	if err := k.closure(); err != nil {
		return err
	}
	k.keepGconv()
	if err := k.closure(); err != nil {
		return err
	}
	k.config()
	k.packages()
	k.markApp()
	return ctx.Err()
}

// keepIncluded keeps every path an --include glob matches.
func (k *Keeper) keepIncluded(g string) {
	n := 0
	for _, e := range k.x.Entries() {
		if !matchGlob(g, e.Path) {
			continue
		}
		n++
		r := Reason{Rule: "include", Why: "--include " + g}
		if e.Type == fsindex.TypeSymlink {
			if _, err := k.Keep(e.Path, r); err != nil {
				k.add(e, r)
			}
			continue
		}
		k.add(e, r)
	}
	if n == 0 {
		k.Warn("--include %s matches nothing in the image", g)
	}
}

// markApp flags the app's items for LayersApp.
func (k *Keeper) markApp() {
	for _, it := range k.plan.items {
		for _, root := range k.appRoots {
			if it.Path == root || strings.HasPrefix(it.Path, root+"/") {
				it.App = true
			}
		}
	}
}
