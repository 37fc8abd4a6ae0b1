package fsindex_test

import (
	"bytes"
	"context"
	"io"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/harden-dev/harden/fsindex"
	tu "github.com/harden-dev/harden/internal/testutil"
)

// FuzzBuild feeds arbitrary bytes as two layers (the second may whiteout
// the first) and checks Build never panics and never yields a path outside
// the root.
func FuzzBuild(f *testing.F) {
	f.Add(tu.TarBytes(f, tu.Reg("a/b", "x"), tu.Symlink("l", "../../x")), tu.TarBytes(f, tu.Whiteout("a", "b"), tu.Opaque("a")))
	f.Add(tu.TarBytes(f, tu.Reg("../../etc/passwd", "x"), tu.Hardlink("h", "/../x")), tu.TarBytes(f, tu.Reg("a", "y")))
	f.Add(tu.TarBytes(f, tu.Dir("d/"), tu.Reg("d/f", "1")), tu.TarBytes(f, tu.Reg("d", "file now"), tu.Reg("d/f/g", "dir again")))
	f.Add([]byte("not a tar"), []byte{})
	want := fsindex.Want{Name: "all", Match: func(*fsindex.Candidate) bool { return true }}
	f.Fuzz(func(t *testing.T, l0, l1 []byte) {
		img := empty.Image
		for _, data := range [][]byte{l0, l1} {
			l, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil })
			if err != nil {
				return
			}
			if img, err = mutate.AppendLayers(img, l); err != nil {
				return
			}
		}
		type outcome struct {
			x   *fsindex.Index
			err error
		}
		done := make(chan outcome, 1)
		go func() {
			x, err := fsindex.Build(context.Background(), img, fsindex.WithWants(want), fsindex.WithMaxEntries(10000))
			done <- outcome{x, err}
		}()
		var out outcome
		select {
		case out = <-done:
		case <-time.After(10 * time.Second):
			buf := make([]byte, 1<<20)
			t.Fatalf("Build hung:\n%s", buf[:runtime.Stack(buf, true)])
		}
		x, err := out.x, out.err
		if err != nil {
			return
		}
		for _, e := range x.Entries() {
			if !strings.HasPrefix(e.Path, "/") || strings.Contains(e.Path, "/../") || strings.HasSuffix(e.Path, "/..") {
				t.Fatalf("entry %q escapes the root", e.Path)
			}
			if _, err := x.Resolve(e.Path); err != nil && e.Type != fsindex.TypeSymlink {
				// only symlinks may fail to resolve (dangling or loops)
				if _, ok := x.Lookup(e.Path); !ok {
					t.Fatalf("entry %q not found by Lookup", e.Path)
				}
			}
		}
	})
}
