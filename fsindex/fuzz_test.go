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
// the first) and checks Build never panics, never hangs, and never yields a
// path outside the root.
func FuzzBuild(f *testing.F) {
	f.Add(tu.TarBytes(f, tu.Reg("a/b", "x"), tu.Symlink("l", "../../x")), tu.TarBytes(f, tu.Whiteout("a", "b"), tu.Opaque("a")))
	f.Add(tu.TarBytes(f, tu.Reg("../../etc/passwd", "x"), tu.Hardlink("h", "/../x")), tu.TarBytes(f, tu.Reg("a", "y")))
	f.Add(tu.TarBytes(f, tu.Dir("d/"), tu.Reg("d/f", "1")), tu.TarBytes(f, tu.Reg("d", "file now"), tu.Reg("d/f/g", "dir again")))
	f.Add([]byte("not a tar"), []byte{})
	f.Fuzz(func(t *testing.T, l0, l1 []byte) {
		done := make(chan struct{})
		go func() {
			defer close(done)
			fuzzOne(t, l0, l1)
		}()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			buf := make([]byte, 1<<20)
			t.Fatalf("hung:\n%s", buf[:runtime.Stack(buf, true)])
		}
	})
}

func fuzzOne(t *testing.T, l0, l1 []byte) {
	want := fsindex.Want{Name: "all", Match: func(*fsindex.Candidate) bool { return true }}
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
	x, err := fsindex.Build(context.Background(), img, fsindex.WithWants(want), fsindex.WithMaxEntries(10000))
	if err != nil {
		return
	}
	for _, e := range x.Entries() {
		if !strings.HasPrefix(e.Path, "/") || strings.Contains(e.Path, "/../") || strings.HasSuffix(e.Path, "/..") {
			t.Errorf("entry %q escapes the root", e.Path)
		}
		if _, err := x.Resolve(e.Path); err != nil && e.Type != fsindex.TypeSymlink {
			// only symlinks may fail to resolve (dangling or loops)
			if _, ok := x.Lookup(e.Path); !ok {
				t.Errorf("entry %q not found by Lookup", e.Path)
			}
		}
	}
}
