package minify

import (
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/harden-dev/harden/elfinfo"
	"github.com/harden-dev/harden/fsindex"
)

// elfJob is a kept ELF file whose dependencies are still to be resolved.
type elfJob struct {
	path string
	info *elfinfo.Info
	// rpath holds the DT_RPATH directories of the objects that loaded this
	// one, already expanded: glibc searches them too unless the object has
	// a DT_RUNPATH.
	rpath []string
	// required marks the closure of the entrypoint: a missing library there
	// is an error with WithStrict. Libraries of files kept whole (a JRE's
	// lib directory) are loaded on demand and only warned about.
	required bool
}

// enqueueELF schedules p's dependencies.
func (k *Keeper) enqueueELF(p string, info *elfinfo.Info, rpath []string, required bool) {
	if k.elfSeen[p] {
		return
	}
	k.elfSeen[p] = true
	k.queue = append(k.queue, elfJob{path: p, info: info, rpath: rpath, required: required})
}

// closure resolves the interpreter and DT_NEEDED of every queued ELF file,
// recursively, the way ld.so would.
func (k *Keeper) closure() error {
	for len(k.queue) > 0 {
		job := k.queue[0]
		k.queue = k.queue[1:]
		if err := k.resolveDeps(job); err != nil {
			return err
		}
	}
	return nil
}

func (k *Keeper) resolveDeps(job elfJob) error {
	info := job.info
	if s, ok := elfSummary(k.x, job.path); ok && s.UsesIconv && job.required {
		k.usesIconv = true
	}
	if info.Interp != "" {
		if _, err := k.Keep(info.Interp, Reason{Rule: "elf-interp", Why: "PT_INTERP of " + job.path}); err != nil {
			if err := k.missing(job, info.Interp, err); err != nil {
				return err
			}
		}
	}
	origin := path.Dir(job.path)
	own := expandAll(info.RPath, origin, info)
	inherited := job.rpath
	if len(info.RunPath) == 0 {
		inherited = append(append([]string{}, own...), job.rpath...)
	}
	for _, lib := range info.Needed {
		found, err := k.findLibrary(lib, info, own, job.rpath, expandAll(info.RunPath, origin, info))
		if loaded, ok := k.sonames[lib]; err != nil && ok && k.compatibleWith(info, loaded) {
			// ld.so reuses a loaded object with that soname (libjvm.so for
			// the JRE's libraries, which have no search path to it). Only
			// when the search fails: an app's bundled copy of a library
			// must not stand in for the one the program loads first.
			k.Keep(loaded, Reason{Rule: "elf-needed", Why: lib + " (by soname), needed by " + job.path})
			continue
		}
		if err != nil {
			if err := k.missing(job, lib, err); err != nil {
				return err
			}
			continue
		}
		libPath, err := k.Keep(found, Reason{Rule: "elf-needed", Why: lib + ", needed by " + job.path})
		if err != nil {
			continue
		}
		if li, ok := elfInfo(k.x, libPath); ok {
			if k.elfSeen[libPath] {
				continue
			}
			k.elfSeen[libPath] = true
			k.queue = append(k.queue, elfJob{path: libPath, info: li, rpath: inherited, required: job.required})
			if isLibc(lib) {
				k.sawLibc(libPath, li)
			}
			if strings.HasPrefix(lib, "libcrypto.so") || strings.HasPrefix(lib, "libssl.so") {
				k.sawOpenSSL(libPath, lib)
			}
		}
	}
	if s, ok := elfSummary(k.x, job.path); ok {
		k.keepDlopened(job, s.Dlopen, own, expandAll(info.RunPath, origin, info))
	}
	if strings.Contains(info.Interp, "ld-linux") || strings.Contains(info.Interp, "ld64.so") {
		if libc, err := k.findLibrary("libc.so.6", info, nil, nil, nil); err == nil {
			if p, err := k.x.Resolve(libc); err == nil {
				if li, ok := elfInfo(k.x, p.Path); ok {
					k.sawLibc(p.Path, li)
				}
			}
		}
	}
	return nil
}

// missing records a library that could not be found.
func (k *Keeper) missing(job elfJob, lib string, cause error) error {
	msg := fmt.Sprintf("%s, needed by %s, is not in the image", lib, job.path)
	if !isMissing(cause) {
		msg = fmt.Sprintf("%s, needed by %s: %v", lib, job.path, cause)
	}
	if job.required && k.o.strict {
		return fmt.Errorf("%w: %s", ErrMissingLibrary, msg)
	}
	if job.required {
		k.Warn("%s", msg)
	} else {
		k.Warn("%s (loaded on demand; the program may not need it)", msg)
	}
	return nil
}

// findLibrary searches for a DT_NEEDED name as glibc's ld.so does:
// DT_RPATH of the object and its loaders (when it has no DT_RUNPATH),
// LD_LIBRARY_PATH, DT_RUNPATH, ld.so.conf, then the default directories.
// Only files of the same ELF class and machine match.
func (k *Keeper) findLibrary(name string, from *elfinfo.Info, rpath, inherited, runpath []string) (string, error) {
	if strings.Contains(name, "/") {
		if _, err := k.x.Resolve(name); err != nil {
			return "", err
		}
		return name, nil
	}
	var dirs []string
	if len(runpath) == 0 {
		dirs = append(dirs, rpath...)
		dirs = append(dirs, inherited...)
	}
	if v := k.env["LD_LIBRARY_PATH"]; v != "" {
		for _, d := range strings.Split(v, ":") {
			dirs = append(dirs, expand(d, "", from))
		}
	}
	dirs = append(dirs, runpath...)
	dirs = append(dirs, k.libDirs(from)...)
	for _, d := range dirs {
		if d == "" || !strings.HasPrefix(d, "/") {
			continue
		}
		cand := path.Join(d, name)
		res, err := k.x.Resolve(cand)
		if err != nil || res.Entry == nil {
			continue
		}
		e := k.x.Target(res.Entry)
		if e.Type != fsindex.TypeRegular {
			continue
		}
		if li, ok := elfInfo(k.x, e.Path); !ok || !compatible(from, li) {
			continue // not an ELF file ld.so could load into this process
		}
		if k.confDirs[d] {
			k.keepLdCache()
		}
		return cand, nil
	}
	return "", fmt.Errorf("%s: %w", name, errNotFound)
}

var errNotFound = fmt.Errorf("not found in the library path: %w", fs.ErrNotExist)

// compatible reports whether a library can be loaded into a process of
// from's class and machine.
func compatible(from, lib *elfinfo.Info) bool {
	return from == nil || (from.Class == lib.Class && from.Machine == lib.Machine)
}

// libDirs returns ld.so.conf's directories and the defaults for from's
// machine, or the musl path file's for a musl program.
func (k *Keeper) libDirs(from *elfinfo.Info) []string {
	if from != nil && strings.Contains(from.Interp, "ld-musl-") {
		base := strings.TrimSuffix(path.Base(from.Interp), ".so.1")
		if data, ok := k.x.Content("/etc/" + base + ".path"); ok {
			return strings.FieldsFunc(string(data), func(r rune) bool { return r == ':' || r == '\n' || r == ' ' })
		}
		return []string{"/lib", "/usr/local/lib", "/usr/lib"}
	}
	dirs := k.ldSoConf("/etc/ld.so.conf", 0)
	if k.confDirs == nil {
		k.confDirs = map[string]bool{}
		for _, d := range dirs {
			k.confDirs[d] = true
		}
	}
	triplet := multiarch(from)
	if triplet != "" {
		dirs = append(dirs, "/lib/"+triplet, "/usr/lib/"+triplet)
	}
	if from != nil && from.Class == 64 {
		dirs = append(dirs, "/lib64", "/usr/lib64")
	}
	return append(dirs, "/lib", "/usr/lib")
}

// ldSoConf reads an ld.so.conf file and its includes (globs relative to
// /etc), depth-limited.
func (k *Keeper) ldSoConf(file string, depth int) []string {
	if depth > 8 {
		return nil
	}
	data, ok := k.x.Content(file)
	if !ok {
		return nil
	}
	var dirs []string
	for _, line := range parseLdSoConf(data) {
		if inc, ok := strings.CutPrefix(line, "include "); ok {
			for _, pat := range strings.Fields(inc) {
				pat = resolveIn("/etc", pat)
				for _, f := range k.glob(pat) {
					dirs = append(dirs, k.ldSoConf(f, depth+1)...)
				}
			}
			continue
		}
		dirs = append(dirs, line)
	}
	return dirs
}

// parseLdSoConf returns the meaningful lines of an ld.so.conf: directories
// and "include PATTERN" lines; comments and hwcap lines are dropped.
func parseLdSoConf(data []byte) []string {
	var out []string
	for _, line := range strings.Split(string(data), "\n") {
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		line = strings.TrimSpace(line)
		switch {
		case line == "", strings.HasPrefix(line, "hwcap "):
			continue
		case strings.HasPrefix(line, "include") && len(line) > 7 && (line[7] == ' ' || line[7] == '\t'):
			out = append(out, "include "+strings.TrimSpace(line[8:]))
		default:
			// directories may be separated by spaces, commas or colons
			for _, d := range strings.FieldsFunc(line, func(r rune) bool { return r == ' ' || r == '\t' || r == ',' || r == ':' || r == '=' }) {
				if strings.HasPrefix(d, "/") {
					out = append(out, path.Clean(d))
				}
			}
		}
	}
	return out
}

// glob matches a pattern against the index, one component at a time in its
// last element (ld.so.conf includes are "/etc/ld.so.conf.d/*.conf").
func (k *Keeper) glob(pat string) []string {
	dir, base := path.Split(pat)
	res, err := k.x.Resolve(dir)
	if err != nil {
		return nil
	}
	var out []string
	for _, c := range k.x.Children(res.Path) {
		if ok, _ := path.Match(base, path.Base(c.Path)); ok {
			out = append(out, c.Path)
		}
	}
	sort.Strings(out)
	return out
}

// multiarch is the Debian multiarch triplet of a machine.
func multiarch(i *elfinfo.Info) string {
	if i == nil {
		return ""
	}
	switch i.Machine {
	case "EM_X86_64":
		return "x86_64-linux-gnu"
	case "EM_AARCH64":
		return "aarch64-linux-gnu"
	case "EM_386":
		return "i386-linux-gnu"
	case "EM_ARM":
		return "arm-linux-gnueabihf"
	case "EM_PPC64":
		return "powerpc64le-linux-gnu"
	case "EM_S390":
		return "s390x-linux-gnu"
	case "EM_RISCV":
		return "riscv64-linux-gnu"
	}
	return ""
}

// expandAll expands the dynamic string tokens of search path entries.
func expandAll(dirs []string, origin string, i *elfinfo.Info) []string {
	out := make([]string, 0, len(dirs))
	for _, d := range dirs {
		out = append(out, expand(d, origin, i))
	}
	return out
}

// expand replaces $ORIGIN, $LIB and $PLATFORM (also in ${} form).
func expand(d, origin string, i *elfinfo.Info) string {
	lib := "lib"
	if t := multiarch(i); t != "" {
		lib = "lib/" + t
	}
	platform := strings.ToLower(strings.TrimPrefix(machineName(i), "EM_"))
	r := strings.NewReplacer("${ORIGIN}", origin, "$ORIGIN", origin, "${LIB}", lib, "$LIB", lib,
		"${PLATFORM}", platform, "$PLATFORM", platform)
	d = r.Replace(d)
	if d == "" {
		return ""
	}
	return path.Clean(d)
}

func machineName(i *elfinfo.Info) string {
	if i == nil {
		return ""
	}
	if i.Machine == "EM_X86_64" {
		return "x86_64"
	}
	return i.Machine
}

func isLibc(name string) bool {
	return name == "libc.so.6" || strings.HasPrefix(name, "libc.musl-") || name == "libc.so"
}

// keepLdCache keeps /etc/ld.so.cache: ld.so finds the directories of
// ld.so.conf through it, not by reading ld.so.conf.
func (k *Keeper) keepLdCache() {
	if _, ok := k.x.Lookup("/etc/ld.so.cache"); ok {
		k.Keep("/etc/ld.so.cache", Reason{Rule: "elf-needed", Why: "ld.so finds the ld.so.conf directories through it"})
	}
}

func (k *Keeper) compatibleWith(from *elfinfo.Info, p string) bool {
	li, ok := elfInfo(k.x, p)
	return ok && compatible(from, li)
}
