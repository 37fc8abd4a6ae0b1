package debian_test

import (
	"archive/tar"
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/harden-dev/harden/debian"
	"github.com/harden-dev/harden/debian/debiantest"
)

func TestReadDeb(t *testing.T) {
	for _, comp := range []string{"xz", "zst", "gz", "none"} {
		t.Run(comp, func(t *testing.T) {
			p := debiantest.Package{
				Name: "hello", Version: "2:1.0-1", Depends: "libc6", Compression: comp,
				MD5Sums: "d41d8cd98f00b204e9800998ecf8427e  usr/bin/hello\n",
				Files:   append(debiantest.Dirs("./usr/bin/hello"), debiantest.File{Name: "./usr/bin/hello", Body: "hi", Mode: 0o755}),
			}
			data, err := p.Build()
			if err != nil {
				t.Fatal(err)
			}
			d, err := debian.ReadDeb(bytes.NewReader(data))
			if err != nil {
				t.Fatalf("ReadDeb() = %v", err)
			}
			if got := string(d.Control); got != p.Control() {
				t.Errorf("Control = %q, want %q", got, p.Control())
			}
			if !strings.Contains(string(d.MD5Sums), "usr/bin/hello") {
				t.Errorf("MD5Sums = %q", d.MD5Sums)
			}
			want := "data.tar." + comp
			if comp == "none" {
				want = "data.tar"
			}
			if d.DataName != want || !d.DataModTime.Equal(debiantest.DefaultModTime) {
				t.Errorf("data member = %s at %s, want %s at %s", d.DataName, d.DataModTime, want, debiantest.DefaultModTime)
			}
			pkg, err := d.Package()
			if err != nil || pkg.Name != "hello" || pkg.Version.String() != "2:1.0-1" || pkg.Depends != "libc6" {
				t.Errorf("Package() = %+v, %v", pkg, err)
			}
			rc, err := d.Data()
			if err != nil {
				t.Fatal(err)
			}
			defer rc.Close()
			tr := tar.NewReader(rc)
			var names []string
			for {
				h, err := tr.Next()
				if errors.Is(err, io.EOF) {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				names = append(names, h.Name)
			}
			if strings.Join(names, " ") != "./usr/ ./usr/bin/ ./usr/bin/hello" {
				t.Errorf("data members = %q", names)
			}
			if _, err := d.Data(); err == nil {
				t.Error("second Data() = nil error, want one")
			}
		})
	}
}

func TestReadDebRefusesBadInput(t *testing.T) {
	good, err := debiantest.Package{Name: "x", Version: "1"}.Build()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "reading .deb"},
		{"not ar", []byte("hello world, not an archive at all...........................................\n"), "reading .deb"},
		{"truncated", good[:len(good)/2], "reading .deb"},
		{"ar without members", []byte("!<arch>\n"), "no debian-binary"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := debian.ReadDeb(bytes.NewReader(tt.data))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("ReadDeb(%s) = %v, want an error with %q", tt.name, err, tt.want)
			}
		})
	}
}

func TestReadDebDir(t *testing.T) {
	dir := t.TempDir()
	for _, p := range []debiantest.Package{
		{Name: "a", Version: "1", Arch: "amd64"},
		{Name: "b", Version: "1", Arch: "arm64"},
		{Name: "c", Version: "1", Arch: "all"},
	} {
		data, err := p.Build()
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, p.Name+".deb"), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	os.WriteFile(filepath.Join(dir, "README"), []byte("not a deb"), 0o644)
	pkgs, err := debian.ReadDebDir(dir, "amd64")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range pkgs {
		names = append(names, p.Name)
		if len(p.SHA256) != 64 || p.Size == 0 || p.Repo != nil || !filepath.IsAbs(p.Filename) {
			t.Errorf("package %s = %+v, want SHA256, size and an absolute local path", p.Name, p)
		}
	}
	if strings.Join(names, ",") != "a,c" {
		t.Errorf("ReadDebDir(amd64) = %v, want a,c", names)
	}
	if _, err := debian.ReadDebDir(t.TempDir(), "amd64"); err == nil {
		t.Error("ReadDebDir(empty) = nil error")
	}
}
