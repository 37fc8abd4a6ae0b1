package facts

import (
	"bufio"
	"bytes"
	"fmt"
	"path"
	"strings"

	"github.com/harden-dev/harden/fsindex"
	"pault.ag/go/debian/control"
)

// Where dpkg keeps its database. Distroless images have no status file but
// one control file per package in status.d, beside its md5sums.
const (
	DpkgStatusPath = "/var/lib/dpkg/status"
	DpkgStatusDir  = "/var/lib/dpkg/status.d"
	DpkgInfoDir    = "/var/lib/dpkg/info"
)

// Bounds for untrusted databases.
const (
	maxDpkgDB       = 64 << 20
	maxFileList     = 16 << 20
	maxParagraphs   = 200_000
	maxListedPaths  = 200_000
	md5sumsSuffix   = ".md5sums"
	fileListSuffix  = ".list"
	dpkgStatusKey   = "facts/dpkg-status"
	dpkgFileListKey = "facts/dpkg-files"
)

var newline = []byte("\n")

// DpkgParagraph is one paragraph of a dpkg status file or status.d control
// file: one package.
type DpkgParagraph struct {
	// Fields are the paragraph's fields as pault.ag/go/debian/control reads
	// them: multi-line values (Conffiles, Description) are joined with
	// newlines. Empty when the paragraph is malformed.
	Fields map[string]string
	// Text is the paragraph as the file holds it, newline-terminated: what
	// is written back when a database is rewritten (patch keeps the other
	// paragraphs byte for byte, minify copies control data into status.d).
	Text string
}

// Name is the Package field.
func (p DpkgParagraph) Name() string { return p.Fields["Package"] }

// Version is the Version field.
func (p DpkgParagraph) Version() string { return p.Fields["Version"] }

// Arch is the Architecture field.
func (p DpkgParagraph) Arch() string { return p.Fields["Architecture"] }

// Status is the Status field ("install ok installed"); status.d control
// files may have none.
func (p DpkgParagraph) Status() string { return p.Fields["Status"] }

// Installed reports whether dpkg counts the package as installed: its
// Status ends in "installed", or it has no Status (status.d).
func (p DpkgParagraph) Installed() bool {
	s := p.Status()
	return s == "" || strings.HasSuffix(s, " installed")
}

// DpkgStatus is the parsed dpkg status file and every status.d control
// file (the .md5sums beside them are DpkgFiles).
var DpkgStatus = fsindex.NewKey(dpkgStatusKey, maxDpkgDB, fsindex.MatchPath(IsDpkgStatus),
	func(_ string, data []byte) ([]DpkgParagraph, error) { return ParseDpkgStatus(data) })

// IsDpkgStatus reports whether p is dpkg's status file or a status.d
// control file.
func IsDpkgStatus(p string) bool {
	return p == DpkgStatusPath || path.Dir(p) == DpkgStatusDir && !strings.HasSuffix(p, md5sumsSuffix)
}

// ParseDpkgStatus reads a dpkg status file (or a status.d control file)
// into its paragraphs, in order. The fields of each are read with
// pault.ag/go/debian/control; the split into paragraphs is done here so
// each keeps its exact text. A paragraph control cannot read keeps its
// text with no fields.
func ParseDpkgStatus(data []byte) ([]DpkgParagraph, error) {
	var out []DpkgParagraph
	// control wraps its reader in a bufio.Reader, unless it already is
	// one: one buffer serves every paragraph.
	br := bufio.NewReader(nil)
	for _, block := range strings.Split(strings.ReplaceAll(string(data), "\r\n", "\n"), "\n\n") {
		block = strings.Trim(block, "\n")
		if block == "" {
			continue
		}
		if len(out) == maxParagraphs {
			return nil, fmt.Errorf("more than %d packages", maxParagraphs)
		}
		p := DpkgParagraph{Fields: map[string]string{}, Text: block + "\n"}
		br.Reset(strings.NewReader(p.Text))
		if r, err := control.NewParagraphReader(br, nil); err == nil {
			if para, err := r.Next(); err == nil {
				p.Fields = para.Values
			}
		}
		out = append(out, p)
	}
	return out, nil
}

// DpkgFiles is the file list of every dpkg package: info/PKG.list (or
// PKG:ARCH.list), and status.d/PKG.md5sums in distroless images. Paths are
// absolute and clean; "/." is left out.
var DpkgFiles = fsindex.NewKey(dpkgFileListKey, maxFileList, fsindex.MatchPath(IsDpkgFileList), ParseFileList)

// IsDpkgFileList reports whether p is a dpkg file list: info/*.list or
// status.d/*.md5sums.
func IsDpkgFileList(p string) bool {
	dir := path.Dir(p)
	return dir == DpkgInfoDir && strings.HasSuffix(p, fileListSuffix) ||
		dir == DpkgStatusDir && strings.HasSuffix(p, md5sumsSuffix)
}

// ParseFileList reads a dpkg info/*.list (one path a line) or *.md5sums
// ("<md5>  <path>" without the leading slash), chosen by p's suffix, into
// clean absolute paths. Neither is a control file: a line is a path.
func ParseFileList(p string, data []byte) ([]string, error) {
	md5 := strings.HasSuffix(p, md5sumsSuffix)
	var out []string
	for len(data) > 0 {
		var l []byte
		l, data, _ = bytes.Cut(data, newline)
		s := strings.TrimRight(string(l), "\r")
		if md5 {
			_, rest, ok := strings.Cut(s, "  ")
			if !ok {
				continue
			}
			s = rest
		}
		if s == "" || s == "/." {
			continue
		}
		out = append(out, path.Clean("/"+s))
		if len(out) > maxListedPaths {
			return nil, fmt.Errorf("file list longer than %d paths", maxListedPaths)
		}
	}
	return out, nil
}

// DpkgListOwner returns the package a file list belongs to:
// "/var/lib/dpkg/info/libssl3:amd64.list" is "libssl3" and arch "amd64",
// status.d's "libssl3.md5sums" "libssl3".
func DpkgListOwner(p string) (name, arch string) {
	base := strings.TrimSuffix(strings.TrimSuffix(path.Base(p), fileListSuffix), md5sumsSuffix)
	name, arch, _ = strings.Cut(base, ":")
	return name, arch
}

// DpkgFileList returns the file list of the dpkg package name (of
// architecture arch, "" if unknown) and the path it was read from: the
// first of info/NAME:ARCH.list, info/NAME.list, status.d/NAME.md5sums,
// then any info/NAME:*.list.
func DpkgFileList(x *fsindex.Index, name, arch string) ([]string, string) {
	var tries []string
	if arch != "" {
		tries = append(tries, DpkgInfoDir+"/"+name+":"+arch+fileListSuffix)
	}
	tries = append(tries, DpkgInfoDir+"/"+name+fileListSuffix, DpkgStatusDir+"/"+name+md5sumsSuffix)
	for _, p := range tries {
		if files, ok := fsindex.Get(x, DpkgFiles, p); ok {
			return files, p
		}
	}
	prefix := DpkgInfoDir + "/" + name + ":"
	for _, p := range fsindex.Paths(x, DpkgFiles) {
		if strings.HasPrefix(p, prefix) && strings.HasSuffix(p, fileListSuffix) {
			files, _ := fsindex.Get(x, DpkgFiles, p)
			return files, p
		}
	}
	return nil, ""
}
