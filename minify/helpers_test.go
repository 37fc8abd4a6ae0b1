package minify_test

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/harden-dev/harden/fsindex"
	tu "github.com/harden-dev/harden/internal/testutil"
	"github.com/harden-dev/harden/minify"
)

// elfFile reads one of the tiny ELF files testdata/elf/build.sh makes.
func elfFile(t testing.TB, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "elf", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// interp is the usrmerge'd loader layout of Debian: /lib64 -> usr/lib64,
// /usr/lib64/ld-linux-x86-64.so.2 -> ../lib/x86_64-linux-gnu/ld-linux-x86-64.so.2.
func interp() []tu.File {
	return []tu.File{
		tu.Symlink("lib64", "usr/lib64"), tu.Symlink("lib", "usr/lib"), tu.Symlink("bin", "usr/bin"),
		tu.Dir("usr/"), tu.Dir("usr/lib64/"), tu.Dir("usr/lib/"), tu.Dir("usr/lib/x86_64-linux-gnu/"), tu.Dir("usr/bin/"),
		tu.Symlink("usr/lib64/ld-linux-x86-64.so.2", "../lib/x86_64-linux-gnu/ld-linux-x86-64.so.2"),
		tu.Exe("usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2", "loader"),
	}
}

// index builds img's index with minify's wants.
func index(t testing.TB, img v1.Image) *fsindex.Index {
	t.Helper()
	x, err := fsindex.Build(context.Background(), img, fsindex.WithWants(minify.Wants()...))
	if err != nil {
		t.Fatalf("fsindex.Build: %v", err)
	}
	return x
}

// plan indexes an image made of layers with cfg and plans it.
func plan(t testing.TB, cfg func(*v1.Config), layers [][]tu.File, opts ...minify.Option) (v1.Image, *fsindex.Index, *minify.Selection) {
	t.Helper()
	img := tu.Image(t, cfg, layers...)
	x := index(t, img)
	sel, err := minify.Plan(context.Background(), x, opts...)
	if err != nil {
		t.Fatalf("Plan: %v", err)
	}
	return img, x, sel
}

// keptPaths lists the selection's paths.
func keptPaths(sel *minify.Selection) []string {
	var out []string
	for _, it := range sel.Items() {
		out = append(out, it.Path)
	}
	sort.Strings(out)
	return out
}

func contains(list []string, s string) bool {
	for _, l := range list {
		if l == s {
			return true
		}
	}
	return false
}

func cmdCfg(argv ...string) func(*v1.Config) {
	return func(c *v1.Config) {
		c.Cmd = argv
		c.Env = []string{"PATH=/usr/local/bin:/usr/bin:/bin"}
	}
}
