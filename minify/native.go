package minify

import (
	"path"
	"strings"

	"github.com/harden-dev/harden/elfinfo"
)

// dlopenNames drops from names those the file needs or is (DT_NEEDED and
// its own soname are resolved as dependencies already).
func dlopenNames(info *elfinfo.Info, names []string) []string {
	skip := map[string]bool{info.SOName: true}
	for _, n := range info.Needed {
		skip[n] = true
	}
	var out []string
	for _, n := range names {
		if !skip[n] && !skip[path.Base(n)] {
			out = append(out, n)
		}
	}
	return out
}

// keepDlopened keeps the libraries a kept ELF file names in its strings
// and that exist where its dlopen would look (its RPATH/RUNPATH, the
// library path, or an absolute path): glibc's libgcc_s for thread
// cancellation, a binding's optional codec, an addon's plugins. They are
// loaded on demand, so one that is missing is no error; a name that is no
// library in the image is just a string.
//
// glibc's own strings are not followed (glibc.go keeps what it loads), nor
// those of runtimes kept whole for on-demand loading (a JRE's libnet.so
// names libgio for desktop proxy settings).
func (k *Keeper) keepDlopened(job elfJob, names, own, runpath []string) {
	if isLibc(job.info.SOName) || isLibc(path.Base(job.path)) {
		return
	}
	for _, dir := range k.wholeRuntimes {
		if strings.HasPrefix(job.path, dir+"/") {
			return
		}
	}
	for _, name := range names {
		found, err := k.findLibrary(name, job.info, own, job.rpath, runpath)
		if err != nil {
			continue
		}
		if _, err := k.Keep(found, Reason{Rule: "elf-dlopen", Why: name + " is named in the strings of " + job.path + " (loaded with dlopen)"}); err != nil {
			k.o.log.Debug("a library named in an ELF file's strings is not kept", "lib", found, "by", job.path, "err", err)
		}
	}
}

// keptWhole says that dir holds a runtime kept whole, whose native
// libraries load on demand: their dlopen names are not followed.
func (k *Keeper) keptWhole(dir string) { k.wholeRuntimes = append(k.wholeRuntimes, dir) }
