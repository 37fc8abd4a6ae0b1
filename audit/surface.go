package audit

import (
	"path"
	"sort"
	"strings"

	"github.com/harden-dev/harden/fsindex"
)

// defaultPath is searched in addition to the image's PATH.
var defaultPath = []string{"/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"}

// Tool is a program an attacker could use, found under a command name in a
// directory of PATH.
type Tool struct {
	// Name is the command name, e.g. "sh".
	Name string `json:"name"`
	Kind Kind   `json:"kind"`
	// Category refines KindTool: network, debug, editor, build, vcs,
	// privilege, interpreter.
	Category string `json:"category,omitempty"`
	// Path is where the name is, e.g. "/bin/sh".
	Path string `json:"path"`
	// Real is the file that runs, after symlinks and hardlinks, e.g.
	// "/usr/bin/dash" or "/bin/busybox".
	Real string `json:"real"`
	// Links lists the symlinks followed from Path to Real.
	Links []string `json:"links,omitempty"`
	// MultiCall is "busybox" or "toybox" when the name is an applet.
	MultiCall string `json:"multiCall,omitempty"`
	// entry is the real file's entry (for evidence).
	entry *fsindex.Entry
	at    *fsindex.Entry
}

// Surface is what Inventory finds.
type Surface struct {
	// Shells, PackageManagers, Installers and Tools list every command
	// name found, sorted by name then path.
	Shells          []Tool `json:"shells"`
	PackageManagers []Tool `json:"packageManagers"`
	Installers      []Tool `json:"installers"`
	Tools           []Tool `json:"tools"`
	// Applets counts, per multi-call binary (real path), the command names
	// that run it.
	Applets map[string]int `json:"applets,omitempty"`
	// Executables counts regular files and hardlinks with an execute bit.
	Executables int `json:"executables"`
}

// Names returns the distinct command names of tools, sorted.
func Names(tools []Tool) []string {
	seen := map[string]bool{}
	var out []string
	for _, t := range tools {
		if !seen[t.Name] {
			seen[t.Name] = true
			out = append(out, t.Name)
		}
	}
	sort.Strings(out)
	return out
}

// searchDirs returns the directories of the image's PATH and the standard
// ones, resolved inside the image and without duplicates.
func searchDirs(x *fsindex.Index) []string {
	dirs := append([]string(nil), defaultPath...)
	if x.Config != nil {
		for _, kv := range x.Config.Config.Env {
			if v, ok := strings.CutPrefix(kv, "PATH="); ok {
				dirs = append(strings.Split(v, ":"), dirs...)
			}
		}
	}
	seen := map[string]bool{}
	var out []string
	for _, d := range dirs {
		if !strings.HasPrefix(d, "/") {
			continue
		}
		r, err := x.Resolve(d)
		if err != nil || (r.Entry != nil && !r.Entry.IsDir()) || seen[r.Path] {
			continue
		}
		seen[r.Path] = true
		out = append(out, r.Path)
	}
	return out
}

// hardlinkNames maps each regular file that has hardlinks to the paths of
// those links.
func hardlinkNames(x *fsindex.Index) map[string][]string {
	m := map[string][]string{}
	for _, e := range x.Entries() {
		if e.Type == fsindex.TypeHardlink {
			m[e.Link] = append(m[e.Link], e.Path)
		}
	}
	return m
}

// Inventory finds the shells, package managers, language installers and
// debug or network tools an image holds: every command name in a PATH
// directory (the image's PATH and the standard ones) that harden knows,
// resolved through symlinks and hardlinks to the file that runs. A
// busybox or toybox link is reported under its applet name with MultiCall
// set. Dangling links and files without an execute bit are left out.
func Inventory(x *fsindex.Index) *Surface {
	s := &Surface{Applets: map[string]int{}}
	links := hardlinkNames(x)
	for _, e := range x.Entries() {
		if e.IsExecutable() {
			s.Executables++
		}
	}
	for _, dir := range searchDirs(x) {
		for _, e := range x.Children(dir) {
			name := path.Base(e.Path)
			t, ok := resolveTool(x, e, links)
			if !ok {
				continue
			}
			if t.MultiCall != "" && name != t.MultiCall {
				s.Applets[t.Real]++
			}
			kind, cat := classify(name)
			if kind == "" {
				continue
			}
			t.Name, t.Kind, t.Category = name, kind, cat
			switch kind {
			case KindShell:
				if t.MultiCall != "" && name == t.MultiCall {
					t.Name = t.MultiCall
				}
				s.Shells = append(s.Shells, t)
			case KindPackageManager:
				s.PackageManagers = append(s.PackageManagers, t)
			case KindInstaller:
				s.Installers = append(s.Installers, t)
			default:
				s.Tools = append(s.Tools, t)
			}
		}
	}
	for _, l := range []*[]Tool{&s.Shells, &s.PackageManagers, &s.Installers, &s.Tools} {
		sort.SliceStable(*l, func(i, j int) bool {
			a, b := (*l)[i], (*l)[j]
			if a.Name != b.Name {
				return a.Name < b.Name
			}
			return a.Path < b.Path
		})
	}
	if len(s.Applets) == 0 {
		s.Applets = nil
	}
	return s
}

// resolveTool follows e to the executable file it runs.
func resolveTool(x *fsindex.Index, e *fsindex.Entry, links map[string][]string) (Tool, bool) {
	t := Tool{Path: e.Path, at: e}
	real := e
	if e.Type == fsindex.TypeSymlink {
		r, err := x.Resolve(e.Path)
		if err != nil || r.Entry == nil {
			return t, false
		}
		t.Links = r.Links
		real = r.Entry
	}
	real = x.Target(real)
	if !real.IsExecutable() || real.Type != fsindex.TypeRegular {
		return t, false
	}
	t.Real, t.entry = real.Path, real
	// A hardlink group has no one real name: prefer a multi-call name.
	names := append([]string{real.Path}, links[real.Path]...)
	for _, n := range names {
		if b := path.Base(n); multiCall(b) {
			t.Real, t.MultiCall = n, b
			break
		}
	}
	return t, true
}
