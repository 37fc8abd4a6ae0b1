package base

import (
	"archive/tar"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/validate"
	"github.com/harden-dev/harden/debian"
	"github.com/harden-dev/harden/debian/debiantest"
)

// localSource writes pkgs as .deb files and returns a source reading them.
func localSource(t testing.TB, pkgs ...debiantest.Package) *Source {
	t.Helper()
	dir := t.TempDir()
	for _, p := range pkgs {
		data, err := p.Build()
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, p.Name+".deb"), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	local, err := debian.ReadDebDir(dir, "amd64")
	if err != nil {
		t.Fatal(err)
	}
	c, err := debian.NewClient(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	src, err := NewSource(c, nil, local)
	if err != nil {
		t.Fatal(err)
	}
	return src
}

// fakeBase is a small Debian-like package set: base-files with os-release,
// ca-certificates with two certificates, a libc with a hard link, and an app.
func fakeBase() []debiantest.Package {
	file := func(name, body string) debiantest.File { return debiantest.File{Name: name, Body: body} }
	return []debiantest.Package{
		{
			Name: "base-files", Version: "12.4", Arch: "amd64", PreDepends: "awk",
			Files: append(debiantest.Dirs("./etc/x", "./usr/lib/x", "./usr/share/doc/base-files/x", "./usr/share/man/man1/x", "./tmp/x"),
				debiantest.File{Name: "./tmp/", Type: tar.TypeDir, Mode: 0o1777},
				file("./usr/lib/os-release", "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nID=debian\n"),
				debiantest.File{Name: "./etc/os-release", Type: tar.TypeSymlink, Linkname: "../usr/lib/os-release"},
				file("./usr/share/doc/base-files/copyright", "licence"),
				file("./usr/share/doc/base-files/changelog.gz", "changes"),
				file("./usr/share/man/man1/x.1.gz", "man"),
			),
			MD5Sums: "aaaa  usr/lib/os-release\nbbbb  usr/share/doc/base-files/changelog.gz\ncccc  usr/share/doc/base-files/copyright\n",
		},
		{Name: "mawk", Version: "1.3", Arch: "amd64", Provides: "awk", Priority: "required", Files: append(debiantest.Dirs("./usr/bin/x"), file("./usr/bin/mawk", "awk"))},
		{
			Name: "ca-certificates", Version: "2023", Arch: "all", Depends: "openssl (>= 1.1.1), debconf (>= 0.5) | debconf-2.0",
			Files: append(debiantest.Dirs("./usr/share/ca-certificates/mozilla/x"),
				file("./usr/share/ca-certificates/mozilla/B_Root.crt", "-----BEGIN CERTIFICATE-----\nBBB\n-----END CERTIFICATE-----\n"),
				file("./usr/share/ca-certificates/mozilla/A_Root.crt", "-----BEGIN CERTIFICATE-----\nAAA\n-----END CERTIFICATE-----"),
			),
		},
		{Name: "openssl", Version: "3.0", Arch: "amd64", Files: append(debiantest.Dirs("./usr/bin/x"), file("./usr/bin/openssl", "tool"))},
		{Name: "debconf", Version: "1.5", Arch: "all", Provides: "debconf-2.0"},
		{
			Name: "libc6", Version: "2.36-9", Arch: "amd64",
			Files: append(debiantest.Dirs("./lib/x86_64-linux-gnu/x", "./lib64/x"),
				file("./lib/x86_64-linux-gnu/libc.so.6", "ELF libc"),
				debiantest.File{Name: "./lib/x86_64-linux-gnu/libc-hard.so", Type: tar.TypeLink, Linkname: "./lib/x86_64-linux-gnu/libc.so.6"},
				debiantest.File{Name: "./lib64/ld-linux-x86-64.so.2", Type: tar.TypeSymlink, Linkname: "/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2"},
			),
		},
		{
			Name: "app", Version: "1.0", Arch: "amd64", Depends: "libc6 (>= 2.36)", Recommends: "openssl",
			Files: append(debiantest.Dirs("./usr/bin/x"), debiantest.File{Name: "./usr/bin/app", Body: "app", Mode: 0o4755}),
		},
	}
}

func fakeSpec() Spec {
	return Spec{
		Preset:     "fake",
		Packages:   []string{"base-files", "ca-certificates", "app"},
		Exclude:    []string{"debconf", "openssl", "mawk"},
		Entrypoint: []string{"/usr/bin/app"},
		Env:        map[string]string{"LANG": "C.UTF-8"},
		Symlinks:   map[string]string{"/usr/local/bin/app": "/usr/bin/app"},
	}
}

// build builds spec from src and validates the image.
func build(t testing.TB, spec Spec, src *Source, opts ...Option) (v1.Image, *Result) {
	t.Helper()
	img, r, err := Build(context.Background(), spec, src, "amd64", append([]Option{WithTempDir(t.TempDir())}, opts...)...)
	if err != nil {
		t.Fatalf("Build() = %v", err)
	}
	t.Cleanup(func() { r.Close() })
	if err := validate.Image(img); err != nil {
		t.Fatalf("validate.Image() = %v", err)
	}
	return img, r
}

// entry is a file of an image, with its content for regular files.
type entry struct {
	hdr  *tar.Header
	body string
}

// files reads the image's filesystem; a path written twice keeps the last.
func files(t testing.TB, img v1.Image) map[string]entry {
	t.Helper()
	rc := mutate.Extract(img)
	defer rc.Close()
	tr := tar.NewReader(rc)
	out := map[string]entry{}
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		out[h.Name] = entry{hdr: h, body: string(b)}
	}
}
