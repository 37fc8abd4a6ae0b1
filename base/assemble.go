package base

import (
	"archive/tar"
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path"
	"strings"
	"time"

	"github.com/harden-dev/harden/debian"
)

// statusDir holds one control stanza per package, as in distroless images.
const statusDir = "var/lib/dpkg/status.d/"

// kind is what a path in the layer is.
type kind byte

const (
	kindDir kind = iota + 1
	kindFile
	kindLink
)

type written struct {
	kind     kind
	mode     int64
	uid, gid int
	owner    string // the package that wrote it ("" when generated)
}

// assembler writes the one layer of a base image: the data archives of
// the packages, then dpkg status files, users and the CA bundle.
type assembler struct {
	tw       *tar.Writer
	epoch    time.Time
	keepDocs bool
	log      *slog.Logger
	paths    map[string]written
	ca       caBundle
	// reserved are the paths harden writes itself; packages' copies are skipped.
	reserved map[string]bool
}

// fixedDirs are directories whose mode and owner harden sets, whichever
// package ships them first.
var fixedDirs = map[string]written{
	"tmp":          {kind: kindDir, mode: 0o1777},
	"root":         {kind: kindDir, mode: 0o700},
	"home/nonroot": {kind: kindDir, mode: 0o700, uid: nonrootUID, gid: nonrootUID},
}

func newAssembler(w io.Writer, epoch time.Time, keepDocs bool, spec Spec, log *slog.Logger) *assembler {
	a := &assembler{
		tw: tar.NewWriter(w), epoch: epoch.UTC().Truncate(time.Second), keepDocs: keepDocs, log: log,
		paths:    map[string]written{},
		reserved: map[string]bool{"etc/passwd": true, "etc/group": true, strings.TrimPrefix(caBundlePath, "/"): true},
	}
	for link := range spec.Symlinks {
		if name, err := cleanName(link); err == nil {
			a.reserved[name] = true
		}
	}
	return a
}

// clamp returns t, or the epoch if t is later (reproducible-builds.org's
// SOURCE_DATE_EPOCH clamping).
func (a *assembler) clamp(t time.Time) time.Time {
	t = t.UTC().Truncate(time.Second)
	if t.After(a.epoch) || t.IsZero() {
		return a.epoch
	}
	return t
}

// addDeb streams one package's data archive (the uncompressed tar of d) into the layer and writes its
// status file. It returns the number of entries written.
func (a *assembler) addDeb(ctx context.Context, name string, d *debian.Deb, data io.Reader) (int, error) {
	tr := tar.NewReader(bufio.NewReaderSize(data, 1<<20))
	kept := map[string]bool{}
	n := 0
	for {
		if err := ctx.Err(); err != nil {
			return n, err
		}
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return n, fmt.Errorf("package %s: reading %s: %w", name, d.DataName, err)
		}
		ok, err := a.addEntry(name, h, tr)
		if err != nil {
			return n, fmt.Errorf("package %s: %w", name, err)
		}
		if ok {
			n++
			kept[strings.TrimSuffix(mustClean(h.Name), "/")] = true
		}
	}
	if err := a.writeStatus(name, d, kept); err != nil {
		return n, fmt.Errorf("package %s: %w", name, err)
	}
	return n, nil
}

func mustClean(name string) string {
	c, _ := cleanName(name)
	return c
}

// addEntry writes one member of a data archive, after confining it. It
// reports whether the entry was written (docs, the root and special files
// are skipped).
func (a *assembler) addEntry(pkg string, h *tar.Header, r io.Reader) (bool, error) {
	name, err := cleanName(h.Name)
	if err != nil {
		return false, err
	}
	if name == "" {
		return false, nil
	}
	isDir, isLink := h.Typeflag == tar.TypeDir, h.Typeflag == tar.TypeSymlink || h.Typeflag == tar.TypeLink
	if !a.keepDocs && docsDropped(name, isDir, isLink) {
		return false, nil
	}
	if a.reserved[name] || strings.HasPrefix(name, statusDir) {
		a.log.Debug("harden writes this path itself; skipping the package's copy", "package", pkg, "path", "/"+name)
		return false, nil
	}
	switch h.Typeflag {
	case tar.TypeDir:
		return true, a.dir(name, h.Mode, h.Uid, h.Gid, h.ModTime, pkg)
	case tar.TypeReg, tar.TypeRegA:
		if err := a.parents(name); err != nil {
			return false, err
		}
		if skip, err := a.taken(name, kindFile, pkg); skip || err != nil {
			return false, err
		}
		var body io.Reader = r
		if a.ca.wants(name, h.Size) {
			pem, err := io.ReadAll(io.LimitReader(r, h.Size))
			if err != nil {
				return false, fmt.Errorf("reading %s: %w", name, err)
			}
			a.ca.add(name, pem)
			body = bytes.NewReader(pem)
		}
		hdr := a.header(h, name, tar.TypeReg)
		hdr.Size = h.Size
		if err := a.tw.WriteHeader(hdr); err != nil {
			return false, err
		}
		if _, err := io.CopyN(a.tw, body, h.Size); err != nil {
			return false, fmt.Errorf("copying %s: %w", name, err)
		}
		a.paths[name] = written{kind: kindFile, mode: h.Mode, uid: h.Uid, gid: h.Gid, owner: pkg}
		return true, nil
	case tar.TypeSymlink:
		if err := checkSymlink(name, h.Linkname); err != nil {
			return false, err
		}
		if err := a.parents(name); err != nil {
			return false, err
		}
		if skip, err := a.taken(name, kindLink, pkg); skip || err != nil {
			return false, err
		}
		hdr := a.header(h, name, tar.TypeSymlink)
		hdr.Linkname = h.Linkname
		if err := a.tw.WriteHeader(hdr); err != nil {
			return false, err
		}
		a.paths[name] = written{kind: kindLink, owner: pkg}
		return true, nil
	case tar.TypeLink:
		target, err := cleanName(h.Linkname)
		if err != nil {
			return false, err
		}
		if w, ok := a.paths[target]; !ok || w.kind != kindFile {
			return false, fmt.Errorf("%w: hard link %q -> %q names no file written before it", ErrUnsafePath, name, h.Linkname)
		}
		if err := a.parents(name); err != nil {
			return false, err
		}
		if skip, err := a.taken(name, kindFile, pkg); skip || err != nil {
			return false, err
		}
		hdr := a.header(h, name, tar.TypeLink)
		hdr.Linkname = target
		if err := a.tw.WriteHeader(hdr); err != nil {
			return false, err
		}
		a.paths[name] = written{kind: kindFile, owner: pkg}
		return true, nil
	}
	a.log.Warn("skipping special file", "package", pkg, "path", name, "type", string(h.Typeflag))
	return false, nil
}

// taken checks whether a path was written already. A directory cannot
// become a file or the reverse (an error). A file or link shipped by two
// packages keeps the first copy (skip is true), with a warning: an image
// layer holds each path once.
func (a *assembler) taken(name string, k kind, pkg string) (skip bool, err error) {
	w, ok := a.paths[name]
	if !ok {
		return false, nil
	}
	if (w.kind == kindDir) != (k == kindDir) {
		return false, fmt.Errorf("%q is a %s from %s and a %s here", name, w.kind, ownerName(w.owner), k)
	}
	a.log.Warn("path shipped twice; keeping the first copy", "path", "/"+name, "first", ownerName(w.owner), "then", ownerName(pkg))
	return true, nil
}

func ownerName(pkg string) string {
	if pkg == "" {
		return "harden"
	}
	return pkg
}

func (k kind) String() string {
	switch k {
	case kindDir:
		return "directory"
	case kindLink:
		return "symlink"
	}
	return "file"
}

// header makes a clean, reproducible header: no user or group names, no
// access or change times, times clamped, only xattrs kept from PAX records
// (file capabilities live there).
func (a *assembler) header(h *tar.Header, name string, typ byte) *tar.Header {
	out := &tar.Header{
		Typeflag: typ,
		Name:     name,
		Mode:     h.Mode & 0o7777,
		Uid:      h.Uid,
		Gid:      h.Gid,
		ModTime:  a.clamp(h.ModTime),
	}
	for k, v := range h.PAXRecords {
		if strings.HasPrefix(k, "SCHILY.xattr.") {
			if out.PAXRecords == nil {
				out.PAXRecords = map[string]string{}
			}
			out.PAXRecords[k] = v
		}
	}
	if out.PAXRecords != nil {
		out.Format = tar.FormatPAX
	}
	return out
}

// dir writes a directory the first time it is seen; later declarations
// are ignored. The directories in fixedDirs get harden's mode and owner.
func (a *assembler) dir(name string, mode int64, uid, gid int, mtime time.Time, pkg string) error {
	if err := a.parents(name); err != nil {
		return err
	}
	if w, ok := a.paths[name]; ok {
		if w.kind != kindDir {
			return fmt.Errorf("%q is a %s from %s and a directory here", name, w.kind, ownerName(w.owner))
		}
		return nil
	}
	if f, ok := fixedDirs[name]; ok {
		mode, uid, gid = f.mode, f.uid, f.gid
	}
	hdr := &tar.Header{Typeflag: tar.TypeDir, Name: name + "/", Mode: mode & 0o7777, Uid: uid, Gid: gid, ModTime: a.clamp(mtime)}
	if err := a.tw.WriteHeader(hdr); err != nil {
		return err
	}
	a.paths[name] = written{kind: kindDir, mode: mode & 0o7777, uid: uid, gid: gid, owner: pkg}
	return nil
}

// parents writes the missing parent directories of name (root-owned, 0755).
func (a *assembler) parents(name string) error {
	parent := path.Dir(name)
	if parent == "." {
		return nil
	}
	if w, ok := a.paths[parent]; ok {
		if w.kind == kindFile {
			return fmt.Errorf("%q needs %q to be a directory, but %s wrote a file there", name, parent, ownerName(w.owner))
		}
		return nil // a directory, or a link the runtime resolves inside the root
	}
	return a.dir(parent, 0o755, 0, 0, a.epoch, "")
}

// file writes a generated regular file.
func (a *assembler) file(name string, mode int64, uid, gid int, data []byte) error {
	if err := a.parents(name); err != nil {
		return err
	}
	if skip, err := a.taken(name, kindFile, ""); skip || err != nil {
		return err
	}
	hdr := &tar.Header{Typeflag: tar.TypeReg, Name: name, Mode: mode, Uid: uid, Gid: gid, Size: int64(len(data)), ModTime: a.epoch}
	if err := a.tw.WriteHeader(hdr); err != nil {
		return err
	}
	if _, err := a.tw.Write(data); err != nil {
		return err
	}
	a.paths[name] = written{kind: kindFile, mode: mode, uid: uid, gid: gid}
	return nil
}

// symlink writes a generated symbolic link.
func (a *assembler) symlink(name, target string) error {
	if err := checkSymlink(name, target); err != nil {
		return err
	}
	if err := a.parents(name); err != nil {
		return err
	}
	if skip, err := a.taken(name, kindLink, ""); skip || err != nil {
		return err
	}
	if err := a.tw.WriteHeader(&tar.Header{Typeflag: tar.TypeSymlink, Name: name, Linkname: target, Mode: 0o777, ModTime: a.epoch}); err != nil {
		return err
	}
	a.paths[name] = written{kind: kindLink}
	return nil
}

// writeStatus writes var/lib/dpkg/status.d/NAME (the control stanza, as
// distroless does) and NAME.md5sums with the lines of the files kept.
func (a *assembler) writeStatus(name string, d *debian.Deb, kept map[string]bool) error {
	dir := statusDir
	ctl := bytes.TrimRight(d.Control, "\n")
	if err := a.file(dir+name, 0o644, 0, 0, append(ctl, '\n')); err != nil {
		return err
	}
	if d.MD5Sums == nil {
		return nil
	}
	var sums bytes.Buffer
	sc := bufio.NewScanner(bytes.NewReader(d.MD5Sums))
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		_, p, ok := strings.Cut(line, "  ")
		if !ok {
			continue
		}
		if clean, err := cleanName(p); err == nil && kept[clean] {
			sums.WriteString(line + "\n")
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("reading md5sums: %w", err)
	}
	return a.file(dir+name+".md5sums", 0o644, 0, 0, sums.Bytes())
}

// finish writes what maintainer scripts and distroless would add: users,
// groups, home and tmp, the CA bundle, nsswitch.conf and the spec's links.
func (a *assembler) finish(spec Spec) error {
	steps := []func() error{
		func() error { return a.dir("root", 0o700, 0, 0, a.epoch, "") },
		func() error { return a.dir("home", 0o755, 0, 0, a.epoch, "") },
		func() error { return a.dir("home/nonroot", 0o700, nonrootUID, nonrootUID, a.epoch, "") },
		func() error { return a.dir("tmp", 0o1777, 0, 0, a.epoch, "") },
		func() error { return a.file("etc/passwd", 0o644, 0, 0, []byte(passwdFile)) },
		func() error { return a.file("etc/group", 0o644, 0, 0, []byte(groupFile)) },
		func() error {
			if _, ok := a.paths["etc/nsswitch.conf"]; ok {
				return nil
			}
			return a.file("etc/nsswitch.conf", 0o644, 0, 0, []byte(nsswitchFile))
		},
		func() error {
			if len(a.ca.certs) == 0 {
				return nil
			}
			return a.file(strings.TrimPrefix(caBundlePath, "/"), 0o644, 0, 0, a.ca.bytes())
		},
	}
	for _, s := range steps {
		if err := s(); err != nil {
			return err
		}
	}
	for _, link := range sortedKeys(spec.Symlinks) {
		name, err := cleanName(link)
		if err != nil || name == "" {
			return fmt.Errorf("symlink %q: bad path", link)
		}
		if err := a.symlink(name, spec.Symlinks[link]); err != nil {
			return err
		}
	}
	return a.tw.Close()
}
