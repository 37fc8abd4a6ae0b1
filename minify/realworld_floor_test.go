package minify_test

import (
	"path"
	"strings"

	"github.com/harden-dev/harden/facts"
	"github.com/harden-dev/harden/fsindex"
)

// floorPaths completes what strace saw with what the kernel opens without
// a system call the trace shows: the command the trace helper executes
// first (its execve is not in the trace), the ELF interpreter
// (PT_INTERP) of every executable and the #! interpreter of every script.
// Without them a dynamically linked Go binary's floor is its libc alone.
func floorPaths(x *fsindex.Index, argv []string, traced []string) []string {
	out := append([]string{}, traced...)
	seen := map[string]bool{}
	var add func(p string)
	add = func(p string) {
		res, err := x.Resolve(p)
		if err != nil || res.Entry == nil {
			return
		}
		e := x.Target(res.Entry)
		if seen[e.Path] {
			return
		}
		seen[e.Path] = true
		out = append(out, e.Path)
		if info, ok := fsindex.Get(x, facts.ELF, e.Path); ok && info != nil && info.Interp != "" {
			add(info.Interp)
		}
		if line, ok := fsindex.Get(x, facts.Shebang, e.Path); ok {
			if f := strings.Fields(strings.TrimPrefix(line, "#!")); len(f) > 0 {
				add(f[0])
			}
		}
	}
	if len(argv) > 0 {
		add(lookPath(x, argv[0]))
	}
	for _, p := range traced {
		add(p)
	}
	return out
}

// lookPath finds a command in the image the way execvp would, through the
// PATH of the image's environment.
func lookPath(x *fsindex.Index, name string) string {
	if strings.Contains(name, "/") {
		return name
	}
	dirs := "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
	for _, e := range x.Config.Config.Env {
		if v, ok := strings.CutPrefix(e, "PATH="); ok {
			dirs = v
		}
	}
	for _, d := range strings.Split(dirs, ":") {
		p := path.Join("/", d, name)
		if res, err := x.Resolve(p); err == nil && res.Entry != nil {
			if e := x.Target(res.Entry); e.IsExecutable() {
				return p
			}
		}
	}
	return name
}
