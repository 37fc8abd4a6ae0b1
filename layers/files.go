package layers

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/harden-dev/harden/fsindex"
	"github.com/harden-dev/harden/report"
)

// File is the stable JSON shape of one entry of `harden files`.
type File struct {
	Path     string `json:"path"`
	Type     string `json:"type"`
	Mode     string `json:"mode"`
	UID      int    `json:"uid"`
	GID      int    `json:"gid"`
	Size     int64  `json:"size"`
	Link     string `json:"link,omitempty"`
	Layer    int    `json:"layer"`
	Added    int    `json:"addedIn"`
	Modified []int  `json:"modifiedIn,omitempty"`
}

// CheckTypes rejects a --type that names no entry type (file, dir,
// symlink, …).
func CheckTypes(types []string) error {
	valid := []fsindex.Type{fsindex.TypeRegular, fsindex.TypeDir, fsindex.TypeSymlink, fsindex.TypeHardlink, fsindex.TypeChar, fsindex.TypeBlock, fsindex.TypeFIFO}
	for _, t := range types {
		if !slices.ContainsFunc(valid, func(ty fsindex.Type) bool { return t == ty.String() }) {
			return fmt.Errorf("unknown --type %q (want file, dir, symlink, hardlink, char, block or fifo)", t)
		}
	}
	return nil
}

// Files returns the entry at prefix (when it exists) and everything below,
// of the types given (none: all) and whose visible version comes from layer
// (below 0: any).
func Files(x *fsindex.Index, prefix string, types []string, layer int) []*fsindex.Entry {
	var out []*fsindex.Entry
	if e, ok := x.Lookup(prefix); ok {
		out = append(out, e)
	}
	out = append(out, x.Under(prefix)...)
	keep := out[:0]
	for _, e := range out {
		if len(types) > 0 && !slices.ContainsFunc(types, func(t string) bool { return strings.EqualFold(t, e.Type.String()) }) {
			continue
		}
		if layer >= 0 && e.Layer != layer {
			continue
		}
		keep = append(keep, e)
	}
	return keep
}

// FilesJSON is the JSON shape of entries.
func FilesJSON(entries []*fsindex.Entry) []File {
	out := make([]File, 0, len(entries))
	for _, e := range entries {
		out = append(out, File{Path: e.Path, Type: e.Type.String(), Mode: e.ModeString(), UID: e.UID, GID: e.GID,
			Size: e.Size, Link: e.Link, Layer: e.Layer, Added: e.Added, Modified: e.Modified})
	}
	return out
}

// WriteFiles prints entries as a table (mode, owner, size, layer, path),
// or with format json as FilesJSON.
func WriteFiles(w io.Writer, format string, entries []*fsindex.Entry) error {
	if format == "json" {
		return report.WriteJSON(w, FilesJSON(entries))
	}
	t := report.NewTable("MODE", "UID:GID", "SIZE", "LAYER", "PATH").AlignRight(2, 3)
	for _, e := range entries {
		p := e.Path
		switch e.Type {
		case fsindex.TypeSymlink:
			p += " -> " + e.Link
		case fsindex.TypeHardlink:
			p += " link to " + e.Link
		}
		t.Add(e.ModeString(), fmt.Sprintf("%d:%d", e.UID, e.GID), e.Size, e.Layer, p)
	}
	return t.WriteText(w)
}
