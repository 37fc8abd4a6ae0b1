package fsindex_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/harden-dev/harden/fsindex"
	"github.com/harden-dev/harden/image"
)

// TestFromFSFolder indexes a real folder: contents and typed facts are
// kept as Build keeps them, symlinks stay links (one pointing out of the
// root is not followed), hardlinks are recorded, and the index matches
// the one Build makes of the same folder opened as a "dir:" image.
func TestFromFSFolder(t *testing.T) {
	root := t.TempDir()
	outside := filepath.Join(t.TempDir(), "secret")
	must(t, os.WriteFile(outside, []byte("outside the root"), 0o600))
	must(t, os.MkdirAll(filepath.Join(root, "etc"), 0o755))
	must(t, os.MkdirAll(filepath.Join(root, "usr/bin"), 0o755))
	must(t, os.WriteFile(filepath.Join(root, "etc/os-release"), []byte("ID=debian\n"), 0o644))
	must(t, os.WriteFile(filepath.Join(root, "usr/bin/tool"), []byte("#!/bin/sh\necho hi\n"), 0o755))
	must(t, os.Link(filepath.Join(root, "usr/bin/tool"), filepath.Join(root, "usr/bin/tool2")))
	must(t, os.Symlink(outside, filepath.Join(root, "etc/escape")))

	lines := fsindex.NewKey("first-line", 0, func(c *fsindex.Candidate) bool { return strings.HasPrefix(string(c.Head), "#!") },
		func(_ string, data []byte) (string, error) { return strings.SplitN(string(data), "\n", 2)[0], nil })
	wants := []fsindex.Want{lines.Want(), {Name: "etc", Match: fsindex.MatchPath(func(p string) bool { return strings.HasPrefix(p, "/etc/") })}}
	cfg := &v1.ConfigFile{OS: "linux", History: []v1.History{{CreatedBy: "dir:" + root}}}
	x, err := fsindex.FromFS(context.Background(), os.DirFS(root), fsindex.WithWants(wants...), fsindex.WithConfig(cfg))
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := x.Content("/etc/os-release"); string(got) != "ID=debian\n" {
		t.Errorf("os-release = %q", got)
	}
	if got, ok := fsindex.Get(x, lines, "/usr/bin/tool2"); !ok || got != "#!/bin/sh" {
		t.Errorf("first line through the hardlink = %q, %v", got, ok)
	}
	if e, ok := x.Lookup("/usr/bin/tool2"); !ok || e.Type != fsindex.TypeHardlink {
		t.Errorf("tool2 = %+v, want a hardlink", e)
	}
	e, ok := x.Lookup("/etc/escape")
	if !ok || e.Type != fsindex.TypeSymlink || e.Link != outside {
		t.Errorf("escape = %+v, want a symlink to %s", e, outside)
	}
	if _, ok := x.Content("/etc/escape"); ok {
		t.Error("a symlink out of the root was followed")
	}
	if len(x.Layers) != 1 || x.Layers[0].CreatedBy != "dir:"+root || x.Layers[0].UncompressedSize <= 0 {
		t.Errorf("layers = %+v", x.Layers)
	}

	img, err := image.Open(context.Background(), "dir:"+root)
	if err != nil {
		t.Fatal(err)
	}
	defer img.Close()
	bx, err := fsindex.Build(context.Background(), img, fsindex.WithWants(wants...))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := entryPaths(x), entryPaths(bx); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("FromFS entries %v, Build of the dir: image %v", got, want)
	}
	if x.Layers[0].UncompressedSize != bx.Layers[0].UncompressedSize {
		t.Errorf("tar stream %d bytes, the dir: image's %d", x.Layers[0].UncompressedSize, bx.Layers[0].UncompressedSize)
	}
}

// TestFromFSMemory indexes an in-memory tree and answers a broken tree
// with an error.
func TestFromFSMemory(t *testing.T) {
	fsys := fstest.MapFS{"var/lib/dpkg/status": {Data: []byte("Package: a\n"), Mode: 0o644}}
	x, err := fsindex.FromFS(context.Background(), fsys, fsindex.WithWants(fsindex.Want{Name: "db", Match: fsindex.MatchPath(func(string) bool { return true })}))
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := x.Content("/var/lib/dpkg/status"); string(got) != "Package: a\n" {
		t.Errorf("status = %q", got)
	}
	if x.Config == nil || x.Config.OS != "linux" {
		t.Errorf("default config = %+v", x.Config)
	}
	if _, err := fsindex.FromFS(context.Background(), os.DirFS(filepath.Join(t.TempDir(), "missing"))); err == nil {
		t.Error("a missing folder indexed without error")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := fsindex.FromFS(ctx, fsys); err == nil {
		t.Error("a cancelled context indexed without error")
	}
}

func entryPaths(x *fsindex.Index) []string {
	var out []string
	for _, e := range x.Entries() {
		out = append(out, e.Path)
	}
	return out
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
