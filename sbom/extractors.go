package sbom

import (
	"bytes"
	"context"
	"io/fs"
	"path"
	"strings"
	"time"

	"github.com/google/osv-scalibr/extractor"
	"github.com/google/osv-scalibr/extractor/filesystem"
	"github.com/google/osv-scalibr/extractor/filesystem/language/golang/gobinary"
	"github.com/google/osv-scalibr/extractor/filesystem/language/golang/gomod"
	"github.com/google/osv-scalibr/extractor/filesystem/language/java/archive"
	"github.com/google/osv-scalibr/extractor/filesystem/language/javascript/packagejson"
	"github.com/google/osv-scalibr/extractor/filesystem/language/javascript/packagelockjson"
	"github.com/google/osv-scalibr/extractor/filesystem/language/python/wheelegg"
	"github.com/google/osv-scalibr/extractor/filesystem/os/apk"
	"github.com/google/osv-scalibr/extractor/filesystem/os/dpkg"
	"github.com/google/osv-scalibr/extractor/filesystem/os/rpm"
	"github.com/harden-dev/harden/fsindex"

	cpb "github.com/google/osv-scalibr/binary/proto/config_go_proto"
)

// Size caps per kind of file. Images are untrusted: a package database or
// lock file past these is listed in Index.Skipped, not read.
const (
	maxDBSize      = 64 << 20  // dpkg status, apk installed, lock files
	maxRPMDBSize   = 256 << 20 // rpmdb (sqlite, Berkeley DB or ndb)
	maxSmallFile   = 4 << 20   // package.json, METADATA, go.mod
	maxArchiveSize = 256 << 20 // jars and Python eggs
	maxBinarySize  = 256 << 20 // executables searched for Go build info
)

// source is one scalibr extractor and how harden feeds it.
type source struct {
	ex filesystem.Extractor
	// atWalk runs Extract while the layers are read, on the file's bytes
	// only, and keeps just the packages: for big self-contained files (jars,
	// executables) whose bytes are not worth keeping.
	atWalk bool
	// maxSize caps the files the want keeps.
	maxSize int64
	// head, when set, must accept the file's first bytes too.
	head func([]byte) bool
}

// wantName is the fsindex.Want name for the extractor's files.
func (s *source) wantName() string { return "sbom/" + s.ex.Name() }

// sources lists the extractors harden runs, in a fixed order. Their
// FileRequired is asked during the walk; nothing else of scalibr's walker
// is used.
func sources() []*source {
	cfg := &cpb.PluginConfig{}
	return []*source{
		{ex: must(dpkg.New(cfg)), maxSize: maxDBSize},
		{ex: must(apk.New(cfg)), maxSize: maxDBSize},
		{ex: must(rpm.New(cfg)), maxSize: maxRPMDBSize},
		{ex: must(packagelockjson.New(cfg)), maxSize: maxDBSize},
		{ex: must(packagejson.New(cfg)), maxSize: maxSmallFile},
		{ex: must(wheelegg.New(cfg)), maxSize: maxArchiveSize},
		{ex: must(gomod.New(cfg)), maxSize: maxSmallFile},
		{ex: must(gobinary.New(cfg)), maxSize: maxBinarySize, atWalk: true, head: isELF},
		{ex: must(archive.New(cfg)), maxSize: maxArchiveSize, atWalk: true},
	}
}

// must unwraps a constructor that cannot fail with an empty config; a
// failure is a programming error.
func must(ex filesystem.Extractor, err error) filesystem.Extractor {
	if err != nil {
		panic("sbom: building extractor: " + err.Error())
	}
	return ex
}

func isELF(head []byte) bool { return bytes.HasPrefix(head, []byte("\x7fELF")) }

// fileAPI is what an extractor's FileRequired sees of a file: its path
// relative to the image root and its metadata.
type fileAPI struct {
	path string
	info fs.FileInfo
}

func (f fileAPI) Path() string               { return f.path }
func (f fileAPI) Stat() (fs.FileInfo, error) { return f.info, nil }

// candInfo is a walk candidate as an fs.FileInfo.
type candInfo struct {
	name string
	size int64
	mode fs.FileMode
}

func (i candInfo) Name() string       { return i.name }
func (i candInfo) Size() int64        { return i.size }
func (i candInfo) Mode() fs.FileMode  { return i.mode }
func (i candInfo) ModTime() time.Time { return time.Time{} }
func (i candInfo) IsDir() bool        { return false }
func (i candInfo) Sys() any           { return nil }

// rel turns an absolute index path into scalibr's root-relative form.
func rel(p string) string { return strings.TrimPrefix(p, "/") }

// match is asked during the walk: does the extractor need this file?
func (s *source) match(c *fsindex.Candidate) bool {
	if s.head != nil && !s.head(c.Head) {
		return false
	}
	return s.ex.FileRequired(fileAPI{path: rel(c.Path), info: candInfo{name: path.Base(c.Path), size: c.Size, mode: c.Mode}})
}

// found is the key under which an at-walk extractor leaves its packages.
func (s *source) found() fsindex.Key[*walkResult] {
	return fsindex.NewKey(s.wantName(), s.maxSize, s.match, s.parse)
}

// want makes the fsindex.Want that keeps what the extractor needs: the
// file's bytes, or (at walk) the packages found in them.
func (s *source) want() fsindex.Want {
	if s.atWalk {
		return s.found().Want()
	}
	return fsindex.Want{Name: s.wantName(), MaxSize: s.maxSize, Match: s.match}
}

// walkResult is what an at-walk extractor leaves in the index for a file.
type walkResult struct {
	pkgs []*extractor.Package
}

// parse runs the extractor on one file's bytes during the walk. The walk
// gives Parse no context; extraction of one file is bounded by its size.
func (s *source) parse(p string, data []byte) (*walkResult, error) {
	input := &filesystem.ScanInput{
		FS:     emptyFS{},
		Path:   rel(p),
		Info:   candInfo{name: path.Base(p), size: int64(len(data)), mode: 0o644},
		Reader: bytes.NewReader(data),
	}
	inv, err := s.ex.Extract(context.Background(), input)
	if err != nil {
		return nil, err
	}
	if len(inv.Packages) == 0 {
		return nil, nil
	}
	return &walkResult{pkgs: inv.Packages}, nil
}
