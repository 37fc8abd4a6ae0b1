package fsindex

import (
	"path"
	"sort"
	"strings"
)

// applier folds layer results into the filesystem tree, in layer order.
type applier struct {
	x *Index
}

func newApplier(x *Index) *applier {
	x.root = &node{entry: &Entry{Path: "/", Type: TypeDir, Mode: 0o755, implicit: true}, children: map[string]*node{}}
	x.data = map[string][]byte{}
	x.parsed = map[string]map[string]any{}
	return &applier{x: x}
}

// apply folds one layer in. Whiteouts and opaque markers act on the lower
// layers only (OCI image spec), so they go first, whatever their place in
// the tar; then the entries are added in tar order.
func (a *applier) apply(li int, res *layerResult) {
	l := &a.x.Layers[li]
	l.Changes = make([]Change, 0, len(res.records))
	a.x.Anomalies = append(a.x.Anomalies, res.anomalies...)
	a.x.Skipped = append(a.x.Skipped, res.skipped...)
	for i := range res.records {
		r := &res.records[i]
		switch r.kind {
		case kindWhiteout:
			l.Changes = append(l.Changes, Change{Path: r.path, Kind: Removed})
			if n, parent := a.lookup(r.path); n != nil {
				a.remove(parent, path.Base(r.path), li)
			}
		case kindOpaque:
			l.Changes = append(l.Changes, Change{Path: r.path, Kind: OpaqueDir})
			if n, _ := a.lookup(r.path); n != nil && n.entry.Type == TypeDir {
				for _, name := range sortedNames(n.children) {
					a.remove(n, name, li)
				}
			}
		}
	}
	for i := range res.records {
		r := &res.records[i]
		if r.kind != kindEntry {
			continue
		}
		if r.typ == TypeRegular {
			l.FileBytes += r.size
		}
		kind := a.add(li, r)
		l.Changes = append(l.Changes, Change{Path: r.path, Kind: kind, Type: r.typ, Size: r.size})
		if r.typ == TypeDir {
			continue
		}
		if kind == Added {
			l.Added++
			l.AddedBytes += r.size
		} else {
			l.Modified++
			l.ModifiedBytes += r.size
		}
	}
}

// lookup returns the node at p and its parent, or nil.
func (a *applier) lookup(p string) (n, parent *node) {
	parent = a.x.root.find(path.Dir(p))
	if parent == nil || parent.children == nil {
		return nil, nil
	}
	return parent.children[path.Base(p)], parent
}

// remove takes name (and everything below it) out of parent.
func (a *applier) remove(parent *node, name string, layer int) {
	n := parent.children[name]
	if n == nil {
		return
	}
	delete(parent.children, name)
	l := &a.x.Layers[layer]
	var walk func(n *node)
	walk = func(n *node) {
		e := n.entry
		if !e.implicit || e.Type != TypeDir {
			a.x.Removed = append(a.x.Removed, Removal{Path: e.Path, Type: e.Type, Size: e.Size, Layer: e.Layer, RemovedIn: layer})
		}
		if e.Type != TypeDir {
			l.Removed++
			l.RemovedBytes += e.Size
		}
		a.dropData(e.Path)
		for _, name := range sortedNames(n.children) {
			walk(n.children[name])
		}
	}
	walk(n)
}

func (a *applier) dropData(p string) {
	delete(a.x.data, p)
	for _, m := range a.x.parsed {
		delete(m, p)
	}
}

// add puts a record in the tree and says whether it added or modified it.
func (a *applier) add(li int, r *record) ChangeKind {
	parent := a.parents(li, r.path)
	name := path.Base(r.path)
	e := &Entry{
		Path: r.path, Type: r.typ, Mode: r.mode, UID: r.uid, GID: r.gid, Size: r.size,
		Link: r.link, ModTime: r.modTime, Layer: li, Added: li, Xattrs: r.xattrs,
	}
	kind := Added
	old := parent.children[name]
	switch {
	case old == nil:
		parent.children[name] = &node{entry: e}
	case old.entry.Type == TypeDir && r.typ == TypeDir:
		// a directory listed again: new metadata, same children
		kind = Modified
		if !old.entry.implicit {
			e.Added = old.entry.Added
			e.Modified = append(append([]int{}, old.entry.Modified...), li)
		}
		old.entry = e
	default:
		// a file replacing anything, or a directory replacing a file: the
		// old version (and what was below it) is gone.
		kind = Modified
		oldAdded, oldMods := old.entry.Added, old.entry.Modified
		if old.entry.Type == TypeDir && len(old.children) > 0 {
			for _, c := range sortedNames(old.children) {
				a.remove(old, c, li)
			}
		}
		a.dropData(r.path)
		e.Added = oldAdded
		e.Modified = append(append([]int{}, oldMods...), li)
		parent.children[name] = &node{entry: e}
	}
	if r.data != nil {
		a.x.data[r.path] = r.data
	} else if kind == Modified {
		delete(a.x.data, r.path)
	}
	for want, v := range r.parsed {
		m := a.x.parsed[want]
		if m == nil {
			m = map[string]any{}
			a.x.parsed[want] = m
		}
		m[r.path] = v
	}
	if kind == Modified && r.parsed == nil {
		for _, m := range a.x.parsed {
			delete(m, r.path)
		}
	}
	if r.typ == TypeDir {
		n := parent.children[name]
		if n.children == nil {
			n.children = map[string]*node{}
		}
	}
	return kind
}

// parents returns the directory node that holds p, creating directories no
// layer listed. A non-directory in the way is replaced by a directory, as
// overlayfs does when an upper layer has a directory there.
func (a *applier) parents(li int, p string) *node {
	cur := a.x.root
	dir := path.Dir(p)
	if dir == "/" {
		return cur
	}
	walked := ""
	for _, part := range strings.Split(dir[1:], "/") {
		walked += "/" + part
		next, ok := cur.children[part]
		if ok && next.entry.Type != TypeDir {
			a.x.Anomalies = append(a.x.Anomalies, Anomaly{Layer: li, Name: p,
				Problem: walked + " is a " + next.entry.Type.String() + " in a lower layer; replaced by a directory"})
			a.remove(cur, part, li)
			ok = false
		}
		if !ok {
			next = &node{
				entry:    &Entry{Path: walked, Type: TypeDir, Mode: 0o755, Layer: li, Added: li, implicit: true},
				children: map[string]*node{},
			}
			cur.children[part] = next
		}
		cur = next
	}
	return cur
}

// freeze builds the sorted path list and the path map from the tree.
func (a *applier) freeze() {
	x := a.x
	x.byPath = map[string]*Entry{}
	var walk func(n *node)
	walk = func(n *node) {
		for _, c := range n.children {
			x.byPath[c.entry.Path] = c.entry
			walk(c)
		}
	}
	walk(x.root)
	x.paths = make([]string, 0, len(x.byPath))
	for p := range x.byPath {
		x.paths = append(x.paths, p)
	}
	sort.Strings(x.paths)
	for p := range x.data {
		if _, ok := x.byPath[p]; !ok {
			delete(x.data, p)
		}
	}
}

// sortedNames returns a directory's child names in order, so that Removed
// lists removals the same way on every run.
func sortedNames(children map[string]*node) []string {
	names := make([]string, 0, len(children))
	for name := range children {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}
