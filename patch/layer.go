package patch

import (
	"archive/tar"
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"sort"
	"strings"
	"time"

	"github.com/harden-dev/harden/debian"
	"github.com/harden-dev/harden/fsindex"
)

// layerWriter writes the patch layer: the new packages' files at their
// paths in the image (parents resolved through the image's symlinks, so
// /lib stays a link to usr/lib), whiteouts and the package database.
type layerWriter struct {
	tw         *tar.Writer
	x          *fsindex.Index
	epoch      time.Time
	distroless bool
	// written maps a canonical path to the package that wrote it.
	written map[string]string
	// newDirs are directories this layer creates.
	newDirs map[string]bool
	// keep are conffiles the image changed: dpkg keeps the local version.
	keep  map[string]bool
	files int64
}

// pkgFiles is what one package's data archive held.
type pkgFiles struct {
	paths   []string          // every path, as the package names it, in order
	canon   map[string]bool   // their canonical paths
	written map[string]bool   // package paths whose file the layer writes
	md5     map[string]string // conffile -> md5 of the shipped version
}

func (w *layerWriter) clamp(t time.Time) time.Time {
	if t.IsZero() || t.After(w.epoch) {
		return w.epoch
	}
	return t
}

// canonicalDir resolves a directory through the image's symlinks; a
// directory the image lacks keeps its name below its resolved parent.
func (w *layerWriter) canonicalDir(p string) (string, error) {
	if p == "/" {
		return "/", nil
	}
	res, err := w.x.Resolve(p)
	if err == nil {
		if res.Entry != nil && !res.Entry.IsDir() {
			return "", fmt.Errorf("%s is a %s in the image, the package needs a directory", p, res.Entry.Type)
		}
		return res.Path, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return "", err
	}
	parent, err := w.canonicalDir(path.Dir(p))
	if err != nil {
		return "", err
	}
	return path.Join(parent, path.Base(p)), nil
}

// canonical is p with its parent resolved.
func (w *layerWriter) canonical(p string) (string, error) {
	dir, err := w.canonicalDir(path.Dir(p))
	if err != nil {
		return "", err
	}
	return path.Join(dir, path.Base(p)), nil
}

// existing returns the image's entry at canonical path c, if any.
func (w *layerWriter) existing(c string) *fsindex.Entry {
	e, ok := w.x.Lookup(c)
	if !ok {
		return nil
	}
	return e
}

// addPackage copies a package's data archive into the layer.
func (w *layerWriter) addPackage(ctx context.Context, name string, newPkg bool, data io.Reader) (*pkgFiles, error) {
	pf := &pkgFiles{canon: map[string]bool{}, written: map[string]bool{}, md5: map[string]string{}}
	tr := tar.NewReader(data)
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return pf, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: data archive: %w", name, err)
		}
		p := path.Clean("/" + strings.TrimPrefix(h.Name, "./"))
		if p == "/" {
			continue
		}
		pf.paths = append(pf.paths, p)
		if h.Typeflag == tar.TypeDir {
			if err := w.dir(p, h); err != nil {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
			if c, err := w.canonicalDir(p); err == nil {
				pf.canon[c] = true
			}
			continue
		}
		c, err := w.canonical(p)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		pf.canon[c] = true
		if h.Typeflag == tar.TypeReg && w.keep[p] {
			sum := md5.New() // a conffile the image changed: dpkg keeps it
			if _, err := io.Copy(sum, tr); err != nil {
				return nil, fmt.Errorf("%s: %s: %w", name, p, err)
			}
			pf.md5[p] = hex.EncodeToString(sum.Sum(nil))
			continue
		}
		if old := w.existing(c); old != nil && old.IsDir() {
			return nil, fmt.Errorf("%s: %s is a directory in the image and a file in the package", name, p)
		} else if old == nil && w.distroless && !newPkg {
			continue // minified or distroless: the image dropped this file
		}
		if by, dup := w.written[c]; dup {
			return nil, fmt.Errorf("%s and %s both ship %s", by, name, p)
		}
		if err := w.entry(h, c, tr, pf, p); err != nil {
			return nil, fmt.Errorf("%s: %s: %w", name, p, err)
		}
		w.written[c] = name
	}
}

// dir writes a directory the image does not have yet (a directory it has
// keeps its owner and mode, as dpkg leaves it).
func (w *layerWriter) dir(p string, h *tar.Header) error {
	c, err := w.canonicalDir(p)
	if err != nil {
		return err
	}
	if w.existing(c) != nil || w.newDirs[c] || c == "/" || w.distroless {
		return nil
	}
	w.newDirs[c] = true
	return w.tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: strings.TrimPrefix(c, "/") + "/", Mode: h.Mode & 0o7777,
		Uid: h.Uid, Gid: h.Gid, ModTime: w.clamp(h.ModTime), Format: tar.FormatPAX})
}

// entry writes one file, link or device of a package at canonical path c.
func (w *layerWriter) entry(h *tar.Header, c string, r io.Reader, pf *pkgFiles, p string) error {
	out := &tar.Header{Typeflag: h.Typeflag, Name: strings.TrimPrefix(c, "/"), Mode: h.Mode & 0o7777, Uid: h.Uid, Gid: h.Gid,
		ModTime: w.clamp(h.ModTime), Format: tar.FormatPAX}
	switch h.Typeflag {
	case tar.TypeReg:
		out.Size = h.Size
	case tar.TypeSymlink:
		out.Linkname = h.Linkname
	case tar.TypeLink:
		target, err := w.canonical(path.Clean("/" + strings.TrimPrefix(h.Linkname, "./")))
		if err != nil {
			return err
		}
		if _, ok := w.written[target]; !ok {
			return nil // its target was not written (a minified image dropped it)
		}
		out.Linkname = strings.TrimPrefix(target, "/")
	default:
		return fmt.Errorf("unsupported entry type %q in a package", h.Typeflag)
	}
	if err := w.tw.WriteHeader(out); err != nil {
		return err
	}
	if h.Typeflag == tar.TypeReg {
		sum := md5.New()
		if _, err := io.Copy(io.MultiWriter(w.tw, sum), io.LimitReader(r, h.Size)); err != nil {
			return err
		}
		pf.md5[p] = hex.EncodeToString(sum.Sum(nil))
	}
	pf.written[p] = true
	w.files++
	return nil
}

// whiteout removes a file the old version had and no package ships now.
func (w *layerWriter) whiteout(c string) error {
	return w.tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: strings.TrimPrefix(path.Join(path.Dir(c), ".wh."+path.Base(c)), "/"),
		Mode: 0o644, ModTime: w.epoch, Format: tar.FormatPAX})
}

// file writes a database file (root, 0644).
func (w *layerWriter) file(p string, data []byte) error { return w.fileMode(p, data, 0o644) }

// fileMode writes a database file owned by root.
func (w *layerWriter) fileMode(p string, data []byte, mode int64) error {
	c, err := w.canonical(p)
	if err != nil {
		return err
	}
	if err := w.tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: strings.TrimPrefix(c, "/"), Mode: mode, Size: int64(len(data)),
		ModTime: w.epoch, Format: tar.FormatPAX}); err != nil {
		return err
	}
	_, err = w.tw.Write(data)
	return err
}

// removedFiles returns the canonical paths of old that no new package ships
// and no other package lists, still present in the image, sorted.
func (w *layerWriter) removedFiles(old []string, shipped map[string]bool, others map[string]bool) []string {
	var out []string
	for _, p := range old {
		if others[p] {
			continue
		}
		c, err := w.canonical(p)
		if err != nil || shipped[c] {
			continue
		}
		if e := w.existing(c); e == nil || e.IsDir() {
			continue
		}
		out = append(out, c)
	}
	sort.Strings(out)
	return out
}

// statusStanza returns the control stanza with dpkg's Status line
// after Package (status file layout) and the conffiles' md5s.
func statusStanza(d *debian.Deb, withStatus bool, conffiles []string, md5s map[string]string) string {
	text := strings.TrimRight(string(d.Control), "\n")
	var b strings.Builder
	for i, line := range strings.Split(text, "\n") {
		b.WriteString(line)
		b.WriteByte('\n')
		if i == 0 && withStatus {
			b.WriteString("Status: install ok installed\n")
		}
	}
	if withStatus && len(conffiles) > 0 {
		b.WriteString("Conffiles:\n")
		for _, cf := range conffiles {
			fmt.Fprintf(&b, " %s %s\n", cf, md5s[cf])
		}
	}
	return b.String()
}
