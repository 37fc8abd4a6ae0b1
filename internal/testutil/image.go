package testutil

import (
	"archive/tar"
	"bytes"
	"io"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

// File is one tar entry of a synthetic layer. Type defaults to a regular
// file (or a directory when Name ends in "/"); Mode to 0644 (0755 for dirs).
type File struct {
	Name  string
	Type  byte
	Mode  int64
	Body  string
	Link  string
	UID   int
	GID   int
	Xattr map[string]string
}

// Reg is a regular file with the given content.
func Reg(name, body string) File { return File{Name: name, Body: body} }

// Exe is an executable file (mode 0755) with the given content.
func Exe(name, body string) File { return File{Name: name, Body: body, Mode: 0o755} }

// Dir is a directory.
func Dir(name string) File { return File{Name: name, Type: tar.TypeDir} }

// Symlink is a symbolic link to target.
func Symlink(name, target string) File { return File{Name: name, Type: tar.TypeSymlink, Link: target} }

// Hardlink is a hard link to target, an earlier entry.
func Hardlink(name, target string) File { return File{Name: name, Type: tar.TypeLink, Link: target} }

// Whiteout deletes name in dir from the layers below.
func Whiteout(dir, name string) File { return File{Name: joinName(dir, ".wh."+name)} }

// Opaque hides everything the layers below have in dir.
func Opaque(dir string) File { return File{Name: joinName(dir, ".wh..wh..opq")} }

func joinName(dir, name string) string {
	if dir == "" || dir == "." {
		return name
	}
	return dir + "/" + name
}

// TarBytes writes files as an uncompressed tar.
func TarBytes(t testing.TB, files ...File) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	epoch := time.Unix(1700000000, 0)
	for _, f := range files {
		h := &tar.Header{Name: f.Name, Typeflag: f.Type, Mode: f.Mode, Uid: f.UID, Gid: f.GID, Linkname: f.Link, ModTime: epoch, Format: tar.FormatPAX}
		if h.Typeflag == 0 {
			h.Typeflag = tar.TypeReg
			if len(f.Name) > 0 && f.Name[len(f.Name)-1] == '/' {
				h.Typeflag = tar.TypeDir
			}
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
		for k, v := range f.Xattr {
			if h.PAXRecords == nil {
				h.PAXRecords = map[string]string{}
			}
			h.PAXRecords["SCHILY.xattr."+k] = v
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatalf("writing tar header %s: %v", f.Name, err)
		}
		if h.Typeflag == tar.TypeReg {
			if _, err := io.WriteString(tw, f.Body); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// Layer makes a layer (gzip-compressed when stored) from files.
func Layer(t testing.TB, files ...File) v1.Layer {
	t.Helper()
	data := TarBytes(t, files...)
	l, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(data)), nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// Image stacks one layer per files slice on an empty image, with a history
// entry per layer ("layer N") and cfg applied to the config.
func Image(t testing.TB, cfg func(*v1.Config), layers ...[]File) v1.Image {
	t.Helper()
	img := empty.Image
	for i, files := range layers {
		var err error
		img, err = mutate.Append(img, mutate.Addendum{
			Layer:   Layer(t, files...),
			History: v1.History{CreatedBy: "/bin/sh -c #(nop) layer " + string(rune('0'+i%10)), Created: v1.Time{Time: time.Unix(1700000000, 0)}},
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	cf, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	cf = cf.DeepCopy()
	cf.OS, cf.Architecture = "linux", "amd64"
	if cfg != nil {
		cfg(&cf.Config)
	}
	img, err = mutate.ConfigFile(img, cf)
	if err != nil {
		t.Fatal(err)
	}
	return img
}
