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
// per-layer changes. Dive builds one tree per layer from the layer tar and
// visits its leaves: a regular entry counts its size; a whiteout counts
// the whole subtree it hides when that was a directory and nothing when it
// was a file. Opaque markers are ignored by Dive, and so here.
func diveMetrics(x *fsindex.Index, userSize int64) DiveMetrics {
	type acc struct {
		path    string
		count   int
		sum     int64
		minimum int64
	}
	n := 0
	for _, l := range x.Layers {
		n += len(l.Changes)
	}
	byPath := make(map[string]int, n) // index into accs, which keeps first-seen order
	accs := make([]acc, 0, n)
	stacked := &diveTree{dir: true} // Dive's stacked tree of the layers below
	for _, l := range x.Layers {
		leaves := diveLeaves(l.Changes)
		for _, c := range leaves {
			var size int64
			if c.Kind == fsindex.Removed {
				if prev := stacked.find(c.Path); prev != nil && prev.dir {
					size = prev.total()
				}
			} else {
				size = c.Size
			}
			i, ok := byPath[c.Path]
			if !ok {
				i = len(accs)
				byPath[c.Path] = i
				accs = append(accs, acc{path: c.Path, minimum: -1})
			}
			a := &accs[i]
			a.count++
			a.sum += size
			if a.minimum < 0 || size < a.minimum {
				a.minimum = size
			}
		}
		stacked.stackLayer(l.Changes)
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

// diveLeaves returns the changes that are leaves of the layer's tree: no
// other change of the layer lies below them. Opaque markers are dropped.
// When a tar lists a path twice, the later entry wins, as in Dive's tree.
func diveLeaves(changes []fsindex.Change) []fsindex.Change {
	last := make(map[string]int, len(changes))
	paths := make([]string, 0, len(changes))
	for i, c := range changes {
		if c.Kind == fsindex.OpaqueDir {
			continue
		}
		if _, ok := last[c.Path]; !ok {
			paths = append(paths, c.Path)
		}
		last[c.Path] = i
	}
	sort.Strings(paths)
	out := make([]fsindex.Change, 0, len(paths))
	for i, p := range paths {
		if i+1 < len(paths) && isBelow(paths[i+1], p) {
			continue // has something below it in this layer
		}
		out = append(out, changes[last[p]])
	}
	return out
}

// isBelow says whether path lies under dir (no allocation, unlike dir+"/").
func isBelow(path, dir string) bool {
	return len(path) > len(dir) && path[len(dir)] == '/' && strings.HasPrefix(path, dir)
}

// diveTree is Dive's stacked tree of the layers below the current one.
type diveTree struct {
	dir      bool
	size     int64
	children map[string]*diveTree
}

// find returns the node at p, or nil.
func (t *diveTree) find(p string) *diveTree {
	cur := t
	for _, part := range strings.Split(strings.Trim(p, "/"), "/") {
		if cur = cur.children[part]; cur == nil {
			return nil
		}
	}
	return cur
}

// size sums the node and everything below it.
func (t *diveTree) total() int64 {
	n := t.size
	for _, c := range t.children {
		n += c.total()
	}
	return n
}

// stackLayer applies a layer's changes to Dive's stacked tree: entries are
// added (with their parents as directories) and whiteouts remove subtrees.
func (t *diveTree) stackLayer(changes []fsindex.Change) {
	for _, c := range changes {
		switch c.Kind {
		case fsindex.OpaqueDir:
		case fsindex.Removed:
			if parent := t.find(path.Dir(c.Path)); parent != nil {
				delete(parent.children, path.Base(c.Path))
			}
		default:
			cur := t
			parts := strings.Split(strings.Trim(c.Path, "/"), "/")
			for _, part := range parts[:len(parts)-1] {
				next := cur.children[part]
				if next == nil {
					next = &diveTree{dir: true}
					if cur.children == nil {
						cur.children = map[string]*diveTree{}
					}
					cur.children[part] = next
				}
				cur = next
			}
			if cur.children == nil {
				cur.children = map[string]*diveTree{}
			}
			name := parts[len(parts)-1]
			n := cur.children[name]
			if n == nil {
				n = &diveTree{}
				cur.children[name] = n
			}
			n.dir, n.size = c.Type == fsindex.TypeDir, c.Size
		}
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
