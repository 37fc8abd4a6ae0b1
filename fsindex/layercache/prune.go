package layercache

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// Status describes what the cache directory holds.
type Status struct {
	Dir string `json:"dir"`
	// Version is the running analyzer's; entries of other versions are
	// never read and go first when pruning.
	Version  string          `json:"version"`
	Layers   int             `json:"layers"`
	Bytes    int64           `json:"bytes"`
	Versions []VersionStatus `json:"versions"`
}

// VersionStatus counts the layers stored by one analyzer version.
type VersionStatus struct {
	Version string `json:"version"`
	Current bool   `json:"current"`
	Layers  int    `json:"layers"`
	Bytes   int64  `json:"bytes"`
}

// PruneResult says what Prune removed and what is left.
type PruneResult struct {
	RemovedLayers int    `json:"removed_layers"`
	FreedBytes    int64  `json:"freed_bytes"`
	Left          Status `json:"left"`
}

// layerEntry is one layer directory found on disk.
type layerEntry struct {
	version, path string
	bytes         int64
	used          time.Time
}

// staleTemp is how old a temporary file must be before Prune takes it for
// the leftover of a crashed writer.
const staleTemp = time.Hour

// scan lists the layer directories. A missing cache directory is empty.
func (c *Cache) scan() ([]layerEntry, error) {
	versions, err := os.ReadDir(c.dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []layerEntry
	for _, v := range versions {
		if !v.IsDir() {
			continue
		}
		vdir := filepath.Join(c.dir, v.Name())
		layers, err := os.ReadDir(vdir)
		if err != nil {
			return nil, err
		}
		for _, l := range layers {
			if !l.IsDir() {
				continue
			}
			e := layerEntry{version: v.Name(), path: filepath.Join(vdir, l.Name())}
			if info, err := l.Info(); err == nil {
				e.used = info.ModTime()
			}
			files, err := os.ReadDir(e.path)
			if err != nil {
				continue // removed meanwhile
			}
			for _, f := range files {
				info, err := f.Info()
				if err != nil {
					continue
				}
				if strings.HasPrefix(f.Name(), ".tmp-") && time.Since(info.ModTime()) > staleTemp {
					_ = os.Remove(filepath.Join(e.path, f.Name()))
					continue
				}
				e.bytes += info.Size()
			}
			out = append(out, e)
		}
	}
	return out, nil
}

func (c *Cache) status(layers []layerEntry) Status {
	st := Status{Dir: c.dir, Version: c.version, Versions: []VersionStatus{}}
	byVersion := map[string]*VersionStatus{}
	for _, l := range layers {
		v := byVersion[l.version]
		if v == nil {
			v = &VersionStatus{Version: l.version, Current: l.version == c.version}
			byVersion[l.version] = v
		}
		v.Layers++
		v.Bytes += l.bytes
		st.Layers++
		st.Bytes += l.bytes
	}
	for _, v := range byVersion {
		st.Versions = append(st.Versions, *v)
	}
	sort.Slice(st.Versions, func(i, j int) bool { return st.Versions[i].Version < st.Versions[j].Version })
	return st
}

// Status counts the layers and bytes the cache holds.
func (c *Cache) Status() (Status, error) {
	layers, err := c.scan()
	if err != nil {
		return Status{}, err
	}
	return c.status(layers), nil
}

// Prune removes layers until the cache holds at most maxBytes: layers of
// other analyzer versions first, then the least recently used.
func (c *Cache) Prune(maxBytes int64) (PruneResult, error) {
	layers, err := c.scan()
	if err != nil {
		return PruneResult{}, err
	}
	sort.Slice(layers, func(i, j int) bool {
		a, b := layers[i], layers[j]
		if (a.version == c.version) != (b.version == c.version) {
			return a.version != c.version
		}
		return a.used.Before(b.used)
	})
	var total int64
	for _, l := range layers {
		total += l.bytes
	}
	var res PruneResult
	kept := layers[:0]
	for _, l := range layers {
		if total <= maxBytes {
			kept = append(kept, l)
			continue
		}
		if err := os.RemoveAll(l.path); err != nil {
			return res, err
		}
		total -= l.bytes
		res.RemovedLayers++
		res.FreedBytes += l.bytes
		_ = os.Remove(filepath.Dir(l.path)) // the version directory, once empty
	}
	res.Left = c.status(kept)
	return res, nil
}
