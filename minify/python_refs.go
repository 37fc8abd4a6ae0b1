package minify

import (
	"sort"
	"strings"
)

// resolveRelative turns a reference as parsePython records it (".x",
// "..x.y" or "a.b") into an absolute module name; pkg is the importing
// module's package. "" when it climbs above the top level.
func resolveRelative(ref, pkg string) string {
	dots := len(ref) - len(strings.TrimLeft(ref, "."))
	if dots == 0 {
		return ref
	}
	base := pkg
	for i := 1; i < dots; i++ {
		j := strings.LastIndexByte(base, '.')
		if j < 0 {
			if base == "" {
				return ""
			}
			base = ""
			continue
		}
		base = base[:j]
	}
	if base == "" {
		return ""
	}
	if rest := ref[dots:]; rest != "" {
		return base + "." + rest
	}
	return base
}

// pythonRefs lists the dotted modules a Python source may import (see
// pyFile.Refs), wherever the statement is: a try block or a function
// imports too. lazy are those imported only inside functions.
func pythonRefs(text string) (refs, lazy []string) {
	starts, inDef := pyDefBodies(text)
	eager := map[string]bool{}
	seen := map[string]bool{}
	add := func(m string, at int) {
		if m == "" || len(refs) >= 2000 {
			return
		}
		line := sort.SearchInts(starts, at+1) - 1
		if line < 0 || !inDef[line] {
			eager[m] = true
		}
		if !seen[m] {
			seen[m] = true
			refs = append(refs, m)
		}
	}
	firstWord := func(s string) string {
		s = strings.Trim(strings.TrimSpace(s), "()\\\n\t ")
		w, _, _ := strings.Cut(s, " ")
		w, _, _ = strings.Cut(w, "\t")
		return w
	}
	for _, m := range pyImportAll.FindAllStringSubmatchIndex(text, -1) {
		for _, name := range strings.Split(text[m[2]:m[3]], ",") {
			if w := firstWord(name); pyName.MatchString(w) {
				add(w, m[0])
			}
		}
	}
	for _, m := range pyFromAll.FindAllStringSubmatchIndex(text, -1) {
		from := text[m[2]:m[3]]
		if strings.Trim(from, ".") != "" {
			add(from, m[0])
		}
		sep := "."
		if strings.HasSuffix(from, ".") {
			sep = ""
		}
		for _, name := range strings.Split(text[m[4]:m[5]], ",") {
			if w := firstWord(name); pyName.MatchString(w) && !strings.Contains(w, ".") {
				add(from+sep+w, m[0])
			}
		}
	}
	for _, m := range pyDynamic.FindAllStringSubmatchIndex(text, -1) {
		add(text[m[2]:m[3]], m[0])
	}
	for _, r := range refs {
		if !eager[r] {
			lazy = append(lazy, r)
		}
	}
	return refs, lazy
}

// pyDefBodies marks, for each line of a Python source, whether it is
// inside a function body or an except clause (by indentation under the
// def or except): imports there run late or only when another failed
// (_pydecimal, when _decimal is missing). Lines a reader
// misplaces (a docstring dedented to the margin) end the function early,
// which only makes more imports eager.
func pyDefBodies(text string) (starts []int, inDef []bool) {
	var defs []int // indentation of the enclosing defs
	off := 0
	for _, line := range strings.SplitAfter(text, "\n") {
		starts = append(starts, off)
		off += len(line)
		body := strings.TrimLeft(line, " \t")
		indent := len(line) - len(body)
		if strings.TrimSpace(body) == "" || strings.HasPrefix(body, "#") {
			inDef = append(inDef, len(defs) > 0)
			continue
		}
		for len(defs) > 0 && defs[len(defs)-1] >= indent {
			defs = defs[:len(defs)-1]
		}
		inDef = append(inDef, len(defs) > 0)
		if strings.HasPrefix(body, "def ") || strings.HasPrefix(body, "async def ") || strings.HasPrefix(body, "except") {
			defs = append(defs, indent)
		}
	}
	return starts, inDef
}
