package sbom

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"path"
	"time"

	scalibrfs "github.com/google/osv-scalibr/fs"
	"github.com/harden-dev/harden/fsindex"
)

// errNotKept is returned when reading a file whose bytes the walk did not keep.
var errNotKept = errors.New("content not kept by the filesystem index")

// view is a read-only fs.FS over a filesystem index, the way scalibr's
// extractors expect one: names are relative to the image root, symlinks are
// followed inside the image only, and a regular file's content is there when
// a want kept it (reading any other file fails).
type view struct {
	x *fsindex.Index
}

var _ scalibrfs.FS = (*view)(nil)

// Open opens name, following symlinks confined to the image root.
func (v *view) Open(name string) (fs.File, error) {
	e, p, err := v.resolve("open", name)
	if err != nil {
		return nil, err
	}
	info := entryInfo{e: e, name: path.Base(p)}
	if e.IsDir() {
		return &dirFile{info: info, entries: v.children(p)}, nil
	}
	data, ok := v.x.Content(p)
	if !ok {
		return &regFile{info: info, err: &fs.PathError{Op: "read", Path: name, Err: errNotKept}}, nil
	}
	return &regFile{info: info, r: bytes.NewReader(data)}, nil
}

// Stat returns the file info of name, following symlinks.
func (v *view) Stat(name string) (fs.FileInfo, error) {
	e, p, err := v.resolve("stat", name)
	if err != nil {
		return nil, err
	}
	return entryInfo{e: e, name: path.Base(p)}, nil
}

// ReadDir lists the directory name, sorted by name.
func (v *view) ReadDir(name string) ([]fs.DirEntry, error) {
	e, p, err := v.resolve("readdir", name)
	if err != nil {
		return nil, err
	}
	if !e.IsDir() {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: errors.New("not a directory")}
	}
	return v.children(p), nil
}

func (v *view) resolve(op, name string) (*fsindex.Entry, string, error) {
	if !fs.ValidPath(name) {
		return nil, "", &fs.PathError{Op: op, Path: name, Err: fs.ErrInvalid}
	}
	r, err := v.x.Resolve("/" + name)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, "", &fs.PathError{Op: op, Path: name, Err: fs.ErrNotExist}
		}
		return nil, "", &fs.PathError{Op: op, Path: name, Err: err}
	}
	e := r.Entry
	if e == nil { // the root
		e = &fsindex.Entry{Path: "/", Type: fsindex.TypeDir, Mode: 0o755}
	}
	return e, r.Path, nil
}

func (v *view) children(dir string) []fs.DirEntry {
	cs := v.x.Children(dir)
	out := make([]fs.DirEntry, len(cs))
	for i, c := range cs {
		out[i] = fs.FileInfoToDirEntry(entryInfo{e: c, name: path.Base(c.Path)})
	}
	return out
}

// entryInfo is an index entry as an fs.FileInfo.
type entryInfo struct {
	e    *fsindex.Entry
	name string
}

func (i entryInfo) Name() string       { return i.name }
func (i entryInfo) Size() int64        { return i.e.Size }
func (i entryInfo) ModTime() time.Time { return i.e.ModTime }
func (i entryInfo) IsDir() bool        { return i.e.IsDir() }
func (i entryInfo) Sys() any           { return nil }
func (i entryInfo) Mode() fs.FileMode  { return fileMode(i.e.Type, i.e.Mode) }

// fileMode adds the type bits fs.FileMode carries to an entry's permissions.
func fileMode(t fsindex.Type, perm fs.FileMode) fs.FileMode {
	switch t {
	case fsindex.TypeDir:
		return perm | fs.ModeDir
	case fsindex.TypeSymlink:
		return perm | fs.ModeSymlink
	case fsindex.TypeChar:
		return perm | fs.ModeDevice | fs.ModeCharDevice
	case fsindex.TypeBlock:
		return perm | fs.ModeDevice
	case fsindex.TypeFIFO:
		return perm | fs.ModeNamedPipe
	}
	return perm
}

// regFile is an open regular file of the view.
type regFile struct {
	info entryInfo
	r    *bytes.Reader
	err  error
}

func (f *regFile) Stat() (fs.FileInfo, error) { return f.info, nil }
func (f *regFile) Close() error               { return nil }

func (f *regFile) Read(b []byte) (int, error) {
	if f.err != nil {
		return 0, f.err
	}
	return f.r.Read(b)
}

// ReadAt lets zip readers use the file without copying it.
func (f *regFile) ReadAt(b []byte, off int64) (int, error) {
	if f.err != nil {
		return 0, f.err
	}
	return f.r.ReadAt(b, off)
}

// Seek lets readers that seek use the file.
func (f *regFile) Seek(off int64, whence int) (int64, error) {
	if f.err != nil {
		return 0, f.err
	}
	return f.r.Seek(off, whence)
}

// dirFile is an open directory of the view.
type dirFile struct {
	info    entryInfo
	entries []fs.DirEntry
	pos     int
}

func (d *dirFile) Stat() (fs.FileInfo, error) { return d.info, nil }
func (d *dirFile) Close() error               { return nil }
func (d *dirFile) Read([]byte) (int, error) {
	return 0, &fs.PathError{Op: "read", Path: d.info.name, Err: errors.New("is a directory")}
}

// ReadDir implements fs.ReadDirFile.
func (d *dirFile) ReadDir(n int) ([]fs.DirEntry, error) {
	rest := d.entries[d.pos:]
	if n <= 0 {
		d.pos = len(d.entries)
		return rest, nil
	}
	if len(rest) == 0 {
		return nil, io.EOF
	}
	n = min(n, len(rest))
	d.pos += n
	return rest[:n], nil
}

// emptyFS is the FS given to extractors that run during the walk, before
// the index exists; they read only their own file.
type emptyFS struct{}

func (emptyFS) Open(name string) (fs.File, error) {
	return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
}
func (emptyFS) Stat(name string) (fs.FileInfo, error) {
	return nil, &fs.PathError{Op: "stat", Path: name, Err: fs.ErrNotExist}
}
func (emptyFS) ReadDir(name string) ([]fs.DirEntry, error) {
	return nil, &fs.PathError{Op: "readdir", Path: name, Err: fs.ErrNotExist}
}
