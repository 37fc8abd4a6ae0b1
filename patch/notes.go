package patch

import (
	"bytes"
	"fmt"
	"path"
	"regexp"
	"sort"
	"strings"
)

// Note is something a package's maintainer scripts (or triggers) would do
// that the patch layer does not, and what was done instead.
type Note struct {
	Package string `json:"package"`
	// Does is what the scripts do: "alternatives", "ldconfig", "users",
	// "triggers", "other".
	Does    string `json:"does"`
	Instead string `json:"instead"`
}

// scriptActions are the things a maintainer script does that matter to an
// image, and what patch does about each.
var scriptActions = []struct {
	does    string
	re      *regexp.Regexp
	instead string
}{
	{"alternatives", regexp.MustCompile(`update-alternatives`), "not run: the image's alternatives links are kept as they are (same names)"},
	{"users", regexp.MustCompile(`\b(adduser|useradd|addgroup|groupadd|systemd-sysusers)\b`), "not run: /etc/passwd and /etc/group are kept as the image has them"},
	{"ldconfig", regexp.MustCompile(`\bldconfig\b`), ""},
}

// notes says, for each update, what its scripts would have done.
func notes(r *Result, debs []opened, files []*pkgFiles, w *layerWriter) []Note {
	var out []Note
	for i, od := range debs {
		var all []byte
		names := make([]string, 0, len(od.d.Scripts))
		for n := range od.d.Scripts {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			if n != "conffiles" && n != "triggers" {
				all = append(all, od.d.Scripts[n]...)
			}
		}
		matched := false
		for _, a := range scriptActions {
			if a.re.Match(all) {
				matched = true
				instead := a.instead
				if a.does == "ldconfig" {
					instead = ldNote(w, files[i])
				}
				out = append(out, Note{Package: od.u.Name, Does: a.does, Instead: instead})
			}
		}
		if ran := scriptsWithCode(od.d.Scripts); len(ran) > 0 && !matched {
			out = append(out, Note{Package: od.u.Name, Does: "other: " + strings.Join(ran, ", "),
				Instead: "not run; none of the actions above was found in them (check what they do if the package needs it)"})
		}
		if trig := triggers(od.d.Scripts["triggers"]); len(trig) > 0 {
			instead := "not run"
			if strings.Contains(strings.Join(trig, " "), "ldconfig") {
				instead = ldNote(w, files[i])
			}
			out = append(out, Note{Package: od.u.Name, Does: "triggers: " + strings.Join(trig, "; "), Instead: instead})
		}
	}
	return out
}

// ldNote says whether ld.so.cache is still true: it is when every shared
// library the layer writes replaces a file at the same path (a security
// update keeps its sonames), so every cache entry still names a file.
func ldNote(w *layerWriter, pf *pkgFiles) string {
	cache, hasCache := w.x.Content(ldCache)
	var added []string
	for p := range pf.written {
		if !strings.Contains(path.Base(p), ".so") {
			continue
		}
		c, err := w.canonical(p)
		if err != nil {
			continue
		}
		if w.existing(c) == nil && !(hasCache && bytes.Contains(cache, []byte(c))) {
			added = append(added, p)
		}
	}
	sort.Strings(added)
	switch {
	case !hasCache:
		return "ldconfig not run: the image has no /etc/ld.so.cache, the loader searches its default paths"
	case len(added) == 0:
		return "ldconfig not run and /etc/ld.so.cache not regenerated: every library written replaces one at the same path, so the cache stays true"
	default:
		return fmt.Sprintf("ldconfig not run: /etc/ld.so.cache was NOT regenerated and does not name %s; the loader finds them only in its default paths", strings.Join(added, ", "))
	}
}

// triggers returns the directives of a triggers file, comments dropped.
func triggers(data []byte) []string {
	var out []string
	for _, l := range strings.Split(string(data), "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			out = append(out, strings.Join(strings.Fields(l), " "))
		}
	}
	return out
}

// scriptsWithCode names the maintainer scripts that do more than
// debhelper's empty skeleton (comments, set -e, exit 0).
func scriptsWithCode(scripts map[string][]byte) []string {
	var out []string
	for _, n := range []string{"preinst", "postinst", "prerm", "postrm"} {
		for _, l := range strings.Split(string(scripts[n]), "\n") {
			l = strings.TrimSpace(l)
			if l != "" && !strings.HasPrefix(l, "#") && l != "set -e" && l != "exit 0" {
				out = append(out, n)
				break
			}
		}
	}
	return out
}
