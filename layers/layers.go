package layers

import (
	"github.com/harden-dev/harden/fsindex"
)

// Report is the layer accounting of one image. Its JSON form is stable.
type Report struct {
	Layers []LayerInfo `json:"layers"`
	// TotalBytes sums the regular-file bytes of every layer tar (Dive's
	// image size); UserBytes does the same without the first layer.
	TotalBytes int64 `json:"totalBytes"`
	UserBytes  int64 `json:"userBytes"`
	// ImageBytes is what the squashed filesystem holds: the regular files
	// a container sees. ImageFiles counts its regular files.
	ImageBytes int64 `json:"imageBytes"`
	ImageFiles int   `json:"imageFiles"`
	// StoredBytes sums the layers as stored (compressed where they are),
	// or -1 when a source does not tell.
	StoredBytes int64 `json:"storedBytes"`
	// Dive holds Dive's own figures, computed the way Dive computes them.
	Dive DiveMetrics `json:"dive"`
	// Reclaimable is harden's corrected figure: bytes a rebuild could drop.
	Reclaimable Reclaimable `json:"reclaimable"`
	// BaseLayers and OwnLayers count layers by origin; the rest are unknown.
	BaseLayers int `json:"baseLayers"`
	OwnLayers  int `json:"ownLayers"`
}

// LayerInfo is one row of the layer table.
type LayerInfo struct {
	Index   int    `json:"index"`
	DiffID  string `json:"diffID"`
	Digest  string `json:"digest,omitempty"`
	Command string `json:"command"`
	// Origin is "base", "own" or "" when the history does not tell.
	Origin string `json:"origin"`
	// Size is the regular-file bytes of the layer tar (Dive's layer size);
	// StoredSize the blob as stored (-1 when unknown).
	Size       int64 `json:"size"`
	StoredSize int64 `json:"storedSize"`
	// Added, Modified and Removed count non-directory paths.
	Added         int   `json:"added"`
	Modified      int   `json:"modified"`
	Removed       int   `json:"removed"`
	AddedBytes    int64 `json:"addedBytes"`
	ModifiedBytes int64 `json:"modifiedBytes"`
	RemovedBytes  int64 `json:"removedBytes"`
	// Wasted is the bytes of this layer's files that a later layer
	// replaced or removed (part of Reclaimable).
	Wasted int64 `json:"wasted"`
}

// Reclaimable counts, for every path, the copies that do not reach the
// final image: N-1 of a path written N times, and all copies of a path a
// later layer deleted. Unlike Dive it never counts the copy that stays.
type Reclaimable struct {
	Bytes int64 `json:"bytes"`
	// Ratio is Bytes over TotalBytes.
	Ratio float64     `json:"ratio"`
	Files []FileWaste `json:"files"`
}

// Analyze accounts for the layers of an indexed image.
func Analyze(x *fsindex.Index) *Report {
	r := &Report{StoredBytes: 0}
	for i, l := range x.Layers {
		info := LayerInfo{
			Index: l.Index, DiffID: l.DiffID.String(), Command: l.Instruction(), Origin: string(l.Origin),
			Size: l.FileBytes, StoredSize: l.Size,
			Added: l.Added, Modified: l.Modified, Removed: l.Removed,
			AddedBytes: l.AddedBytes, ModifiedBytes: l.ModifiedBytes, RemovedBytes: l.RemovedBytes,
		}
		if l.Digest.Hex != "" {
			info.Digest = l.Digest.String()
		}
		if l.DiffID.Hex == "" {
			info.DiffID = ""
		}
		r.Layers = append(r.Layers, info)
		r.TotalBytes += l.FileBytes
		if i > 0 {
			r.UserBytes += l.FileBytes
		}
		if l.Size < 0 || r.StoredBytes < 0 {
			r.StoredBytes = -1
		} else {
			r.StoredBytes += l.Size
		}
		switch l.Origin {
		case fsindex.OriginBase:
			r.BaseLayers++
		case fsindex.OriginOwn:
			r.OwnLayers++
		}
	}
	for _, e := range x.Entries() {
		if e.Type == fsindex.TypeRegular {
			r.ImageBytes += e.Size
			r.ImageFiles++
		}
	}
	r.Dive = diveMetrics(x, r.UserBytes)
	r.Reclaimable = reclaimable(x, r.Layers)
	if r.TotalBytes > 0 {
		r.Reclaimable.Ratio = float64(r.Reclaimable.Bytes) / float64(r.TotalBytes)
	}
	return r
}

// reclaimable finds the copies of files that never reach the final image,
// and charges each to the layer that wrote it.
func reclaimable(x *fsindex.Index, rows []LayerInfo) Reclaimable {
	type version struct {
		layer int
		size  int64
	}
	versions := map[string][]version{}
	var order []string
	for _, l := range x.Layers {
		for _, c := range l.Changes {
			if (c.Kind != fsindex.Added && c.Kind != fsindex.Modified) || c.Type != fsindex.TypeRegular {
				continue
			}
			if _, ok := versions[c.Path]; !ok {
				order = append(order, c.Path)
			}
			versions[c.Path] = append(versions[c.Path], version{l.Index, c.Size})
		}
	}
	var out Reclaimable
	for _, p := range order {
		vs := versions[p]
		keep := -1 // index in vs of the version the image shows
		if e, ok := x.Lookup(p); ok && e.Type == fsindex.TypeRegular {
			for i := len(vs) - 1; i >= 0; i-- {
				if vs[i].layer == e.Layer {
					keep = i
					break
				}
			}
		}
		var wasted int64
		for i, v := range vs {
			if i == keep {
				continue
			}
			wasted += v.size
			rows[v.layer].Wasted += v.size
		}
		if wasted > 0 {
			out.Bytes += wasted
			out.Files = append(out.Files, FileWaste{Path: p, Count: len(vs), Bytes: wasted, Removed: keep < 0})
		}
	}
	sortWaste(out.Files)
	return out
}
