package minify_test

import (
	"archive/tar"
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/validate"
	tu "github.com/harden-dev/harden/internal/testutil"
	"github.com/harden-dev/harden/minify"
)

// tarEntries reads the squashed filesystem of img: name → header, content.
func tarEntries(t *testing.T, img v1.Image) (map[string]*tar.Header, map[string]string) {
	t.Helper()
	rc := mutate.Extract(img)
	defer rc.Close()
	hs, bodies := map[string]*tar.Header{}, map[string]string{}
	tr := tar.NewReader(rc)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		name := strings.TrimSuffix(h.Name, "/")
		hs[name] = h
		if h.Typeflag == tar.TypeReg {
			b, _ := io.ReadAll(tr)
			bodies[name] = string(b)
		}
	}
	return hs, bodies
}

func fileContent(t *testing.T, img v1.Image, name string) string {
	t.Helper()
	_, bodies := tarEntries(t, img)
	return bodies[name]
}

// dpkgImage is a node-like image with a dpkg database of three packages.
func dpkgImage(t *testing.T) v1.Image {
	status := `Package: prog
Status: install ok installed
Version: 1.0-1
Architecture: amd64
Description: the program
 more text

Package: tool
Status: install ok installed
Version: 2.0
Architecture: amd64

Package: gone
Status: deinstall ok config-files
Version: 0.1
Architecture: amd64
`
	files := []tu.File{
		tu.Dir("usr/"), tu.Dir("usr/bin/"), tu.Exe("usr/bin/prog", staticApp(t)), tu.Exe("usr/bin/wget", "\x7fELF wget"),
		tu.Reg("usr/share/prog/data", "payload"), tu.Reg("usr/share/doc/prog/unused", "u"),
		tu.Reg("var/lib/dpkg/status", status),
		tu.Reg("var/lib/dpkg/info/prog.list", "/.\n/usr\n/usr/bin\n/usr/bin/prog\n/usr/share/prog\n/usr/share/prog/data\n/usr/share/doc/prog/unused\n"),
		tu.Reg("var/lib/dpkg/info/tool.list", "/usr/bin/wget\n"),
		tu.Dir("app/"), tu.Reg("app/main.cfg", "cfg"), tu.Symlink("app/data", "/usr/share/prog/data"),
		tu.Reg("etc/os-release", "ID=debian\n"),
	}
	return tu.Image(t, func(c *v1.Config) {
		c.Cmd = []string{"/usr/bin/prog"}
		c.WorkingDir = "/app"
		c.ExposedPorts = map[string]struct{}{"8080/tcp": {}}
		c.Labels = map[string]string{"a": "b"}
		c.StopSignal = "SIGINT"
	}, files, []tu.File{tu.Reg("app/later.txt", "layer 2")})
}

func build(t *testing.T, img v1.Image, opts ...minify.Option) (v1.Image, *minify.Selection) {
	t.Helper()
	ctx := context.Background()
	x := index(t, img)
	sel, err := minify.Plan(ctx, x, opts...)
	if err != nil {
		t.Fatal(err)
	}
	out, err := minify.Build(ctx, img, x, sel, opts...)
	if err != nil {
		t.Fatal(err)
	}
	if err := validate.Image(out); err != nil {
		t.Fatalf("validate.Image: %v", err)
	}
	return out, sel
}

func TestBuildIsDeterministic(t *testing.T) {
	img := dpkgImage(t)
	a, _ := build(t, img)
	b, _ := build(t, img, minify.WithWorkDir(t.TempDir()))
	da, _ := a.Digest()
	db, _ := b.Digest()
	if da != db {
		t.Fatalf("two builds: %s and %s", da, db)
	}
	date := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	c, _ := build(t, img, minify.WithSourceDate(date))
	if dc, _ := c.Digest(); dc == da {
		t.Fatalf("another source date gave the same digest")
	}
	hs, _ := tarEntries(t, c)
	for name, h := range hs {
		if !h.ModTime.Equal(date) {
			t.Errorf("%s: mtime %s, want %s", name, h.ModTime, date)
		}
	}
	cfg, _ := c.ConfigFile()
	if !cfg.Created.Time.Equal(date) || len(cfg.History) != 1 || !strings.Contains(cfg.History[0].Comment, "minified by harden from") {
		t.Errorf("config created %s, history %+v", cfg.Created, cfg.History)
	}
}

func TestBuildFilesystemAndConfig(t *testing.T) {
	out, sel := build(t, dpkgImage(t))
	hs, bodies := tarEntries(t, out)
	for _, want := range []string{"usr/bin/prog", "app/main.cfg", "app/later.txt", "usr/share/prog/data", "etc/passwd", "tmp", "home/nonroot", "etc/os-release"} {
		if _, ok := hs[want]; !ok {
			t.Errorf("%s missing from the image", want)
		}
	}
	for _, gone := range []string{"usr/bin/wget", "usr/share/doc/prog/unused", "var/lib/dpkg/status", "var/lib/dpkg/info/prog.list"} {
		if _, ok := hs[gone]; ok {
			t.Errorf("%s is in the image", gone)
		}
	}
	for name, h := range hs {
		if h.Uid != 0 && name != "home/nonroot" {
			t.Errorf("%s owned by %d", name, h.Uid)
		}
	}
	if h := hs["home/nonroot"]; h.Uid != 65532 || h.Gid != 65532 {
		t.Errorf("home/nonroot owner %d:%d", h.Uid, h.Gid)
	}
	if h := hs["tmp"]; h.Mode != 0o1777 {
		t.Errorf("tmp mode %o", h.Mode)
	}
	// status.d lists the kept package, with only the kept files.
	wantStatus := "Package: prog\nVersion: 1.0-1\nArchitecture: amd64\nDescription: the program\n more text\n"
	if diff := cmp.Diff(wantStatus, bodies["var/lib/dpkg/status.d/prog"]); diff != "" {
		t.Errorf("status.d/prog (-want +got):\n%s", diff)
	}
	sum := func(s string) string { h := md5.Sum([]byte(s)); return hex.EncodeToString(h[:]) }
	wantSums := sum(staticApp(t)) + "  usr/bin/prog\n" + sum("payload") + "  usr/share/prog/data\n"
	if diff := cmp.Diff(wantSums, bodies["var/lib/dpkg/status.d/prog.md5sums"]); diff != "" {
		t.Errorf("prog.md5sums (-want +got):\n%s", diff)
	}
	for _, gone := range []string{"var/lib/dpkg/status.d/tool", "var/lib/dpkg/status.d/gone"} {
		if _, ok := hs[gone]; ok {
			t.Errorf("%s written for a package with no kept file", gone)
		}
	}
	if len(sel.Packages) != 1 || sel.Packages[0].Total != 3 {
		t.Errorf("packages = %+v", sel.Packages)
	}
	cfg, _ := out.ConfigFile()
	c := cfg.Config
	if c.User != "65532:65532" || c.WorkingDir != "/app" || c.StopSignal != "SIGINT" || c.Labels["a"] != "b" ||
		len(c.ExposedPorts) != 1 || c.Cmd[0] != "/usr/bin/prog" {
		t.Errorf("config = %+v", c)
	}
}

func TestBuildAppLayer(t *testing.T) {
	out, _ := build(t, dpkgImage(t), minify.WithLayers(minify.LayersApp))
	ls, _ := out.Layers()
	if len(ls) != 2 {
		t.Fatalf("%d layers, want 2", len(ls))
	}
	rc, _ := ls[1].Uncompressed()
	defer rc.Close()
	tr := tar.NewReader(rc)
	var names []string
	for {
		h, err := tr.Next()
		if err != nil {
			break
		}
		names = append(names, h.Name)
	}
	want := []string{"app/", "app/data", "app/later.txt", "app/main.cfg"}
	if diff := cmp.Diff(want, names); diff != "" {
		t.Errorf("app layer (-want +got):\n%s", diff)
	}
}

func TestSummarize(t *testing.T) {
	img := dpkgImage(t)
	before := minify.Summarize(index(t, img))
	out, _ := build(t, img)
	after := minify.Summarize(index(t, out))
	if before.Packages != 2 || after.Packages != 1 {
		t.Errorf("packages %d -> %d, want 2 -> 1", before.Packages, after.Packages)
	}
	if len(before.Tools) != 1 || len(after.Tools) != 0 || after.User != "65532:65532" {
		t.Errorf("before %+v, after %+v", before, after)
	}
}
