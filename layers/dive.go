package layers

import (
	"path"
	"sort"
	"strings"

	"github.com/harden-dev/harden/fsindex"
)

// DiveMetrics are Dive's image-level figures.
type DiveMetrics struct {
	// Efficiency is Dive's score: the sum over paths of the smallest size a
	// path was seen with, over the sum of all sizes seen (1 when nothing).
	Efficiency float64 `json:"efficiency"`
	// WastedBytes sums every version of each path seen more than once,
	// the version that stays in the image included (Dive's definition).
	WastedBytes int64 `json:"wastedBytes"`
	// UserWastedPercent is WastedBytes over the bytes of all layers but
	// the first, as a ratio (0.48 = 48 %).
	UserWastedPercent float64 `json:"userWastedPercent"`
	// Inefficiencies lists the paths Dive counts as wasted, largest first.
	Inefficiencies []FileWaste `json:"inefficiencies"`
}

// FileWaste is one path that costs more than it should.
type FileWaste struct {
	Path string `json:"path"`
	// Count is how many layers wrote or removed the path.
	Count int `json:"count"`
	// Bytes is the waste attributed to the path.
	Bytes int64 `json:"bytes"`
	// Removed tells that the final image does not have the path at all.
	Removed bool `json:"removed,omitempty"`
}

// diveMetrics recomputes Dive's filetree.Efficiency from the index's
// per-layer changes, the way Dive builds and walks its trees:
//
//   - each layer is a tree of its tar entries (a path listed twice keeps
//     the later entry), whiteouts are nodes named ".wh.NAME", parents the
//     tar does not list are nodes with no metadata (not directories, size
//     0), and an opaque marker adds only its directory;
//   - the leaves of each layer's tree are visited depth first, children in
//     name order: an entry counts its size; a whiteout counts the whole
//     subtree it hides in the stack of the layers below when that was a
//     directory, and nothing when it was not; a whiteout of a path the
//     layers below do not have stops the visit of that layer (Dive returns
//     an error there and the rest of the layer is not counted);
//   - the stack is built by grafting each layer's tree onto the one below,
//     depth first: whiteouts remove their path, every other node (implied
//     parents included) replaces the metadata of the path, so a directory
//     a layer only implies is no longer a directory for a later whiteout.
func diveMetrics(x *fsindex.Index, userSize int64) DiveMetrics {
	type acc struct {
		path    string
		count   int
		sum     int64
		minimum int64
	}
	byPath := map[string]int{} // index into accs, which keeps first-seen order
	var accs []acc
	stacked := newDiveNode() // Dive's stacked tree of the layers below
	for _, l := range x.Layers {
		tree := diveLayerTree(l.Changes)
		tree.visitLeaves("", func(p string, n *diveNode) bool {
			size := n.size
			if n.whiteout {
				prev := stacked.find(p)
				if prev == nil {
					return false
				}
				size = 0
				if prev.dir {
					size = prev.total()
				}
			}
			i, ok := byPath[p]
			if !ok {
				i = len(accs)
				byPath[p] = i
				accs = append(accs, acc{path: p, minimum: -1})
			}
			a := &accs[i]
			a.count++
			a.sum += size
			if a.minimum < 0 || size < a.minimum {
				a.minimum = size
			}
			return true
		})
		stacked.graft(tree)
	}
	var m DiveMetrics
	var minSum, total int64
	for _, a := range accs {
		p := a.path
		minSum += a.minimum
		total += a.sum
		if a.count >= 2 {
			m.WastedBytes += a.sum
			_, exists := x.Lookup(p)
			m.Inefficiencies = append(m.Inefficiencies, FileWaste{Path: p, Count: a.count, Bytes: a.sum, Removed: !exists})
		}
	}
	m.Efficiency = 1
	if total > 0 {
		m.Efficiency = float64(minSum) / float64(total)
	}
	if userSize > 0 {
		m.UserWastedPercent = float64(m.WastedBytes) / float64(userSize)
	}
	sortWaste(m.Inefficiencies)
	return m
}

// whiteoutPrefix marks a whiteout entry's name in a layer tar.
const whiteoutPrefix = ".wh."

// diveNode is a node of one of Dive's trees: a layer's, or the stack of
// several. In a layer's tree, whiteout nodes keep their ".wh." name.
type diveNode struct {
	dir      bool
	size     int64
	whiteout bool
	children map[string]*diveNode
}

func newDiveNode() *diveNode { return &diveNode{} }

// child returns the child called name, creating it when missing.
func (t *diveNode) child(name string) *diveNode {
	if n := t.children[name]; n != nil {
		return n
	}
	if t.children == nil {
		t.children = map[string]*diveNode{}
	}
	n := newDiveNode()
	t.children[name] = n
	return n
}

// diveLayerTree builds Dive's tree of one layer's tar entries.
func diveLayerTree(changes []fsindex.Change) *diveNode {
	root := newDiveNode()
	for _, c := range changes {
		switch c.Kind {
		case fsindex.OpaqueDir:
			root.add(c.Path) // the marker itself is never added
		case fsindex.Removed:
			n := root.add(path.Join(path.Dir(c.Path), whiteoutPrefix+path.Base(c.Path)))
			n.dir, n.size, n.whiteout = false, 0, true
		default:
			n := root.add(c.Path)
			n.dir, n.size, n.whiteout = c.Type == fsindex.TypeDir, c.Size, false
		}
	}
	return root
}

// add returns the node at p, creating it and its parents (with no
// metadata) when missing.
func (t *diveNode) add(p string) *diveNode {
	cur := t
	for _, part := range strings.Split(strings.Trim(p, "/"), "/") {
		if part != "" {
			cur = cur.child(part)
		}
	}
	return cur
}

// find returns the node at p, or nil.
func (t *diveNode) find(p string) *diveNode {
	cur := t
	for _, part := range strings.Split(strings.Trim(p, "/"), "/") {
		if part == "" {
			continue
		}
		if cur = cur.children[part]; cur == nil {
			return nil
		}
	}
	return cur
}

// total sums the node and everything below it.
func (t *diveNode) total() int64 {
	n := t.size
	for _, c := range t.children {
		n += c.total()
	}
	return n
}

// sortedNames lists the children in name order, as Dive visits them.
func (t *diveNode) sortedNames() []string {
	if len(t.children) == 0 {
		return nil
	}
	names := make([]string, 0, len(t.children))
	for name := range t.children {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// visitLeaves calls fn on every leaf below t, depth first in name order,
// with the leaf's path (a whiteout's without its prefix). It stops, and
// returns false, as soon as fn returns false.
func (t *diveNode) visitLeaves(dir string, fn func(p string, n *diveNode) bool) bool {
	for _, name := range t.sortedNames() {
		c := t.children[name]
		if len(c.children) > 0 {
			if !c.visitLeaves(dir+"/"+name, fn) {
				return false
			}
			continue
		}
		if c.whiteout {
			name = strings.TrimPrefix(name, whiteoutPrefix)
		}
		if !fn(dir+"/"+name, c) {
			return false
		}
	}
	return true
}

// graft stacks a layer's tree onto t, the node of the stack at the same
// path, the way Dive's Stack does: depth first, children before their
// parent, whiteouts removing their path, every other node replacing the
// metadata at its path.
func (t *diveNode) graft(upper *diveNode) {
	for _, name := range upper.sortedNames() {
		c := upper.children[name]
		if c.whiteout {
			delete(t.children, strings.TrimPrefix(name, whiteoutPrefix))
			continue
		}
		n := t.child(name)
		n.graft(c)
		n.dir, n.size = c.dir, c.size
	}
}

// sortWaste orders by bytes, largest first, then by path.
func sortWaste(ws []FileWaste) {
	sort.Slice(ws, func(i, j int) bool {
		if ws[i].Bytes != ws[j].Bytes {
			return ws[i].Bytes > ws[j].Bytes
		}
		return ws[i].Path < ws[j].Path
	})
}
