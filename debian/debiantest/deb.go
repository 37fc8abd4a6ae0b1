// Package debiantest makes Debian packages and signed repositories for
// tests: .deb files built in memory, and an httptest server on 127.0.0.1
// that serves InRelease (signed with a key generated per test), Packages
// indices and the .debs, with hooks to tamper with any of them.
package debiantest

import (
	"archive/tar"
	"bytes"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
	"github.com/ulikunitz/xz"
)

// File is one member of a package's data archive.
type File struct {
	Name     string // as in the archive, e.g. "./usr/bin/hello"
	Body     string
	Mode     int64 // default 0644 for files, 0755 for directories
	Type     byte  // tar type flag; default tar.TypeReg
	Linkname string
}

// Package describes a .deb to build.
type Package struct {
	Name, Version, Arch           string
	Depends, PreDepends, Provides string
	Recommends                    string
	Priority                      string
	Files                         []File
	// Compression of data.tar: "xz" (default), "zst", "gz" or "none".
	Compression string
	// MD5Sums is written as DEBIAN/md5sums when not empty.
	MD5Sums string
	// ModTime of the archive members (default 2024-01-02).
	ModTime time.Time
}

// DefaultModTime is the member time of packages that set none.
var DefaultModTime = time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)

// Control returns the package's control stanza.
func (p Package) Control() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Package: %s\nVersion: %s\nArchitecture: %s\nMaintainer: Test <test@example.com>\n", p.Name, p.Version, p.arch())
	for _, f := range []struct{ k, v string }{
		{"Pre-Depends", p.PreDepends}, {"Depends", p.Depends}, {"Recommends", p.Recommends},
		{"Provides", p.Provides}, {"Priority", p.Priority},
	} {
		if f.v != "" {
			fmt.Fprintf(&b, "%s: %s\n", f.k, f.v)
		}
	}
	fmt.Fprintf(&b, "Description: test package %s\n", p.Name)
	return b.String()
}

func (p Package) arch() string {
	if p.Arch == "" {
		return "amd64"
	}
	return p.Arch
}

func (p Package) modTime() time.Time {
	if p.ModTime.IsZero() {
		return DefaultModTime
	}
	return p.ModTime
}

// Filename is the package's pool path.
func (p Package) Filename() string {
	return fmt.Sprintf("pool/main/%s_%s_%s.deb", p.Name, strings.ReplaceAll(p.Version, ":", "%3a"), p.arch())
}

// Build returns the .deb file.
func (p Package) Build() ([]byte, error) {
	ctl, err := tarOf(p.modTime(), []File{{Name: "./control", Body: p.Control()}, {Name: "./md5sums", Body: p.MD5Sums}}, p.MD5Sums == "")
	if err != nil {
		return nil, err
	}
	ctlGz, err := compress("gz", ctl)
	if err != nil {
		return nil, err
	}
	data, err := tarOf(p.modTime(), p.Files, false)
	if err != nil {
		return nil, err
	}
	comp := p.Compression
	if comp == "" {
		comp = "xz"
	}
	dataC, err := compress(comp, data)
	if err != nil {
		return nil, err
	}
	dataName := "data.tar"
	if comp != "none" {
		dataName += "." + comp
	}
	var b bytes.Buffer
	b.WriteString("!<arch>\n")
	arMember(&b, "debian-binary", p.modTime(), []byte("2.0\n"))
	arMember(&b, "control.tar.gz", p.modTime(), ctlGz)
	arMember(&b, dataName, p.modTime(), dataC)
	return b.Bytes(), nil
}

func arMember(b *bytes.Buffer, name string, mtime time.Time, data []byte) {
	fmt.Fprintf(b, "%-16s%-12d%-6d%-6d%-8s%-10d`\n", name, mtime.Unix(), 0, 0, "100644", len(data))
	b.Write(data)
	if len(data)%2 == 1 {
		b.WriteByte('\n')
	}
}

// tarOf writes files; with skipLast the last file is left out.
func tarOf(mtime time.Time, files []File, skipLast bool) ([]byte, error) {
	if skipLast {
		files = files[:len(files)-1]
	}
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	for _, f := range files {
		h := &tar.Header{Name: f.Name, Mode: f.Mode, Typeflag: f.Type, Linkname: f.Linkname, ModTime: mtime, Uname: "root", Gname: "root"}
		if h.Typeflag == 0 {
			h.Typeflag = tar.TypeReg
		}
		if h.Mode == 0 {
			h.Mode = 0o644
			if h.Typeflag == tar.TypeDir {
				h.Mode = 0o755
			}
		}
		if h.Typeflag == tar.TypeReg {
			h.Size = int64(len(f.Body))
		}
		if err := tw.WriteHeader(h); err != nil {
			return nil, err
		}
		if h.Typeflag == tar.TypeReg {
			if _, err := tw.Write([]byte(f.Body)); err != nil {
				return nil, err
			}
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// compress compresses data with "xz", "zst", "gz" or "none".
func compress(kind string, data []byte) ([]byte, error) {
	var b bytes.Buffer
	switch kind {
	case "none":
		return data, nil
	case "xz":
		w, err := xz.NewWriter(&b)
		if err != nil {
			return nil, err
		}
		w.Write(data)
		if err := w.Close(); err != nil {
			return nil, err
		}
	case "zst":
		w, err := zstd.NewWriter(&b)
		if err != nil {
			return nil, err
		}
		w.Write(data)
		if err := w.Close(); err != nil {
			return nil, err
		}
	case "gz":
		w := gzip.NewWriter(&b)
		w.Write(data)
		if err := w.Close(); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("unknown compression %q", kind)
	}
	return b.Bytes(), nil
}

// Dirs returns directory entries for every parent of the given paths, so
// a test package can list only its files.
func Dirs(paths ...string) []File {
	seen := map[string]bool{}
	for _, p := range paths {
		p = strings.TrimPrefix(p, "./")
		for i := strings.Index(p, "/"); i >= 0; i = next(p, i) {
			seen["./"+p[:i+1]] = true
		}
	}
	var out []File
	for d := range seen {
		out = append(out, File{Name: d, Type: tar.TypeDir})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

func next(p string, i int) int {
	j := strings.Index(p[i+1:], "/")
	if j < 0 {
		return -1
	}
	return i + 1 + j
}
