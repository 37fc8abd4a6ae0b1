package fsindex

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strings"
)

// maxSymlinks is how many links a lookup follows before giving up, as
// Linux's ELOOP limit.
const maxSymlinks = 40

// ErrLoop is returned (wrapped) when a path has too many symlinks.
var ErrLoop = errors.New("too many levels of symbolic links")

// Resolution is the outcome of resolving a path inside the image.
type Resolution struct {
	// Entry is what the path names in the end (nil for the root).
	Entry *Entry
	// Path is the resolved path, free of symlinks.
	Path string
	// Links lists the symlinks followed on the way, in order, so a copy of
	// the filesystem can keep every path the original resolved.
	Links []string
}

// Resolve follows symlinks in every component of p, the final one too, the
// way the kernel would in a chroot at the image root: absolute targets start
// at the image root and ".." stops at it, so no link leads outside the
// image. A missing component yields an error wrapping fs.ErrNotExist.
func (x *Index) Resolve(p string) (Resolution, error) { return x.resolve(p, true) }

// ResolveParent is Resolve without following a symlink in the last component
// (like lstat on the resolved parent).
func (x *Index) ResolveParent(p string) (Resolution, error) { return x.resolve(p, false) }

func (x *Index) resolve(p string, followLast bool) (Resolution, error) {
	var res Resolution
	todo := splitPath(p)
	cur := "/"
	hops := 0
	for len(todo) > 0 {
		part := todo[0]
		todo = todo[1:]
		switch part {
		case "", ".":
			continue
		case "..":
			cur = path.Dir(cur)
			continue
		}
		cand := path.Join(cur, part)
		e, ok := x.byPath[cand]
		if !ok {
			return res, fmt.Errorf("%s: %s: %w", p, cand, fs.ErrNotExist)
		}
		if e.Type == TypeSymlink && (len(todo) > 0 || followLast) {
			hops++
			if hops > maxSymlinks {
				return res, fmt.Errorf("%s: %w", p, ErrLoop)
			}
			res.Links = append(res.Links, cand)
			if strings.HasPrefix(e.Link, "/") {
				cur = "/"
			}
			todo = append(splitPath(e.Link), todo...)
			continue
		}
		if len(todo) > 0 && e.Type != TypeDir {
			return res, fmt.Errorf("%s: %s is not a directory: %w", p, cand, fs.ErrNotExist)
		}
		cur = cand
	}
	res.Path = cur
	if cur != "/" {
		res.Entry = x.byPath[cur]
	}
	return res, nil
}

// Stat is Resolve returning just the entry.
func (x *Index) Stat(p string) (*Entry, error) {
	r, err := x.Resolve(p)
	if err != nil {
		return nil, err
	}
	if r.Entry == nil {
		return x.root.entry, nil
	}
	return r.Entry, nil
}

func splitPath(p string) []string {
	return strings.Split(strings.Trim(p, "/"), "/")
}
