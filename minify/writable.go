package minify

import (
	"path"
	"sort"
	"strings"

	"github.com/harden-dev/harden/fsindex"
)

// AddWritable records a directory the program writes to (temp files, pid
// file, logs): Selection.Writable lists it, so the runtime can mount a
// tmpfs there in a read-only container. The directory is kept (created
// when the image lacks it). Directories whose tmpfs would hide the system
// (/, /usr, /etc, /var…) are refused with a warning.
func (k *Keeper) AddWritable(dir, why string) {
	dir = cleanPath(dir)
	if res, err := k.x.Resolve(dir); err == nil {
		dir = res.Path
	} else if res, err := k.x.ResolveParent(dir); err == nil {
		dir = res.Path
	}
	if systemDirs[dir] && dir != "/tmp" && dir != "/run" {
		k.Warn("%s: %s is not made writable: a tmpfs there would hide the system", why, dir)
		return
	}
	// a tmpfs on a directory covers what is below it: keep the outermost
	kept := k.plan.Writable[:0]
	for _, w := range k.plan.Writable {
		if w == dir || strings.HasPrefix(dir, w+"/") {
			return
		}
		if !strings.HasPrefix(w, dir+"/") {
			kept = append(kept, w)
		}
	}
	k.plan.Writable = append(kept, dir)
	sort.Strings(k.plan.Writable)
	r := Reason{Rule: "writable", Why: "written at run time (" + why + ")"}
	if e, err := k.x.Stat(dir); err == nil {
		if e.IsDir() {
			k.Keep(dir, r)
		}
		return
	}
	if _, ok := k.plan.items[dir]; !ok && path.IsAbs(dir) {
		k.generate(&Item{Path: dir, Type: fsindex.TypeDir, Mode: 0o755}, r)
	}
}

// KeepUser keeps the image's passwd and group entries of an account the
// program switches to (nginx's and php-fpm's workers), when the image has
// it.
func (k *Keeper) KeepUser(name string) {
	if name == "" || !validService(name) {
		return
	}
	for _, u := range k.serverUsers {
		if u == name {
			return
		}
	}
	k.serverUsers = append(k.serverUsers, name)
}

// serverAccounts returns the accounts KeepUser named that the image's
// /etc/passwd has.
func (k *Keeper) serverAccounts() []account {
	var out []account
	accounts := k.passwd()
	for _, name := range k.serverUsers {
		for _, a := range accounts {
			if a.name == name {
				out = append(out, a)
			}
		}
	}
	return out
}
