package minify

import (
	"bytes"
	"context"
	"io"
	"io/fs"
	"os"
	"path"
	"time"

	"github.com/harden-dev/harden/fsindex"
	"mvdan.cc/sh/v3/interp"
)

// The evaluator's filesystem is the image index: tests ([ -f ], [ -x ]),
// globs, redirections and sourced files are answered from it, never from
// the host.

// open serves reads from the kept content of the image and swallows
// writes (recording them as effects).
func (e *scriptEval) open(ctx context.Context, name string, flag int, _ os.FileMode) (io.ReadWriteCloser, error) {
	hc := interp.HandlerCtx(ctx)
	p := resolveIn(hc.Dir, name)
	switch p {
	case "/dev/null", "/dev/stdout", "/dev/stderr", "/proc/self/fd/1", "/proc/self/fd/2", "/dev/fd/1", "/dev/fd/2":
		return nopFile{}, nil
	}
	e.mu.Lock()
	line := e.line
	e.mu.Unlock()
	if flag&(os.O_WRONLY|os.O_RDWR|os.O_APPEND|os.O_CREATE|os.O_TRUNC) != 0 {
		e.effect(line, "writes to %s; the new image does not", p)
		return nopFile{}, nil
	}
	res, err := e.h.x.Resolve(p)
	if err != nil || res.Entry == nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	data, ok := e.h.x.Content(res.Path)
	if !ok {
		return nil, e.fail(line, "it reads %s, whose content harden does not keep", p)
	}
	return nopFile{Reader: bytes.NewReader(data)}, nil
}

// stat answers from the index, with or without following the last link.
func (e *scriptEval) stat(_ context.Context, name string, follow bool) (fs.FileInfo, error) {
	p := cleanPath(name)
	var res fsindex.Resolution
	var err error
	if follow {
		res, err = e.h.x.Resolve(p)
	} else {
		res, err = e.h.x.ResolveParent(p)
	}
	if err != nil {
		return nil, &fs.PathError{Op: "stat", Path: name, Err: fs.ErrNotExist}
	}
	if res.Entry == nil {
		return entryInfo{&fsindex.Entry{Path: "/", Type: fsindex.TypeDir, Mode: 0o755}}, nil
	}
	return entryInfo{e.h.x.Target(res.Entry)}, nil
}

// access checks the permission bits as NonrootUID, the new image's user.
func (e *scriptEval) access(ctx context.Context, name string, mode interp.AccessMode) error {
	fi, err := e.stat(ctx, name, true)
	if err != nil {
		return err
	}
	ent := fi.(entryInfo).e
	bits := uint32(ent.Mode.Perm())
	switch {
	case ent.UID == NonrootUID:
		bits >>= 6
	case ent.GID == NonrootUID:
		bits >>= 3
	}
	if uint32(mode)&^(bits&7) != 0 {
		return &fs.PathError{Op: "access", Path: name, Err: fs.ErrPermission}
	}
	return nil
}

// readDir lists a directory of the image, for globs.
func (e *scriptEval) readDir(_ context.Context, name string) ([]fs.DirEntry, error) {
	res, err := e.h.x.Resolve(cleanPath(name))
	if err != nil || (res.Entry != nil && !res.Entry.IsDir()) {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: fs.ErrNotExist}
	}
	dir := res.Path
	if res.Entry == nil {
		dir = "/"
	}
	var out []fs.DirEntry
	for _, c := range e.h.x.Children(dir) {
		out = append(out, fs.FileInfoToDirEntry(entryInfo{c}))
	}
	return out, nil
}

// entryInfo is an index entry as an fs.FileInfo.
type entryInfo struct{ e *fsindex.Entry }

func (i entryInfo) Name() string       { return path.Base(i.e.Path) }
func (i entryInfo) Size() int64        { return i.e.Size }
func (i entryInfo) ModTime() time.Time { return i.e.ModTime }
func (i entryInfo) IsDir() bool        { return i.e.IsDir() }
func (i entryInfo) Sys() any           { return nil }
func (i entryInfo) Mode() fs.FileMode {
	m := i.e.Mode
	switch i.e.Type {
	case fsindex.TypeDir:
		m |= fs.ModeDir
	case fsindex.TypeSymlink:
		m |= fs.ModeSymlink
	case fsindex.TypeChar:
		m |= fs.ModeDevice | fs.ModeCharDevice
	case fsindex.TypeBlock:
		m |= fs.ModeDevice
	case fsindex.TypeFIFO:
		m |= fs.ModeNamedPipe
	}
	return m
}

// nopFile reads from Reader (if any) and discards writes.
type nopFile struct{ io.Reader }

func (f nopFile) Read(p []byte) (int, error) {
	if f.Reader == nil {
		return 0, io.EOF
	}
	return f.Reader.Read(p)
}
func (nopFile) Write(p []byte) (int, error) { return len(p), nil }
func (nopFile) Close() error                { return nil }
