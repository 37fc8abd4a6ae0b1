package fsindex

import (
	"path"
	"sort"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// Index is the squashed filesystem of an image, with per-layer changes and
// the contents analyzers asked for. It is read-only once Build returns, so
// any number of goroutines may read it.
type Index struct {
	// Config is the image config (Env, User, Entrypoint, History, ...).
	Config *v1.ConfigFile
	// Layers describes every layer, in order.
	Layers []Layer
	// Removed lists paths that layers removed (whiteouts, opaque dirs,
	// replacement of a directory by a file), in the order they went.
	Removed []Removal
	// Anomalies lists suspicious tar entries that were refused or confined.
	Anomalies []Anomaly
	// Skipped lists files a want matched but that were not kept.
	Skipped []Skipped

	root   *node
	byPath map[string]*Entry
	paths  []string // sorted
	data   map[string][]byte
	parsed map[string]map[string]any // want name → path → value
}

// node is a directory tree node used while applying layers.
type node struct {
	entry    *Entry
	children map[string]*node
}

// Len returns the number of entries (the root excluded).
func (x *Index) Len() int { return len(x.paths) }

// Lookup returns the entry at p without following symlinks (like lstat).
func (x *Index) Lookup(p string) (*Entry, bool) {
	e, ok := x.byPath[cleanPath(p)]
	return e, ok
}

// Walk calls fn for every entry in path order. It stops at the first error.
func (x *Index) Walk(fn func(*Entry) error) error {
	for _, p := range x.paths {
		if err := fn(x.byPath[p]); err != nil {
			return err
		}
	}
	return nil
}

// Entries returns every entry in path order.
func (x *Index) Entries() []*Entry {
	out := make([]*Entry, len(x.paths))
	for i, p := range x.paths {
		out[i] = x.byPath[p]
	}
	return out
}

// Under returns the entries below dir (dir excluded), in path order.
func (x *Index) Under(dir string) []*Entry {
	dir = cleanPath(dir)
	prefix := dir + "/"
	if dir == "/" {
		prefix = "/"
	}
	i := sort.SearchStrings(x.paths, prefix)
	var out []*Entry
	for ; i < len(x.paths) && strings.HasPrefix(x.paths[i], prefix); i++ {
		out = append(out, x.byPath[x.paths[i]])
	}
	return out
}

// Children returns the direct children of dir, sorted by name.
func (x *Index) Children(dir string) []*Entry {
	n := x.root.find(cleanPath(dir))
	if n == nil {
		return nil
	}
	names := make([]string, 0, len(n.children))
	for name := range n.children {
		names = append(names, name)
	}
	sort.Strings(names)
	out := make([]*Entry, len(names))
	for i, name := range names {
		out[i] = n.children[name].entry
	}
	return out
}

// Content returns the kept content of a file. Hardlinks return their
// target's content.
func (x *Index) Content(p string) ([]byte, bool) {
	p = cleanPath(p)
	if d, ok := x.data[p]; ok {
		return d, true
	}
	if e, ok := x.byPath[p]; ok && e.Type == TypeHardlink {
		d, ok := x.data[e.Link]
		return d, ok
	}
	return nil, false
}

// parsedAt returns the value want's parse made of the file at p. Hardlinks
// return their target's value. Get reads it with its type.
func (x *Index) parsedAt(want, p string) (any, bool) {
	m := x.parsed[want]
	p = cleanPath(p)
	if v, ok := m[p]; ok {
		return v, true
	}
	if e, ok := x.byPath[p]; ok && e.Type == TypeHardlink {
		v, ok := m[e.Link]
		return v, ok
	}
	return nil, false
}

// KeptPaths returns the paths whose bytes were kept, sorted.
func (x *Index) KeptPaths() []string {
	out := make([]string, 0, len(x.data))
	for p := range x.data {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// Target returns the regular file a hardlink points at, or e itself.
func (x *Index) Target(e *Entry) *Entry {
	if e.Type == TypeHardlink {
		if t, ok := x.byPath[e.Link]; ok {
			return t
		}
	}
	return e
}

// cleanPath makes p absolute and clean.
func cleanPath(p string) string {
	return path.Clean("/" + p)
}

// find returns the node at clean absolute path p, without following links.
func (n *node) find(p string) *node {
	if p == "/" {
		return n
	}
	cur := n
	for _, part := range strings.Split(p[1:], "/") {
		if cur.children == nil {
			return nil
		}
		next, ok := cur.children[part]
		if !ok {
			return nil
		}
		cur = next
	}
	return cur
}
