package sbom

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"testing"

	"github.com/harden-dev/harden/fsindex"
	"github.com/harden-dev/harden/internal/testutil"
)

// TestView checks the fs.FS the extractors get: symlinks resolve inside
// the image only, unkept files can be listed but not read.
func TestView(t *testing.T) {
	img := testutil.Image(t, nil, []testutil.File{
		testutil.Reg("usr/lib/os-release", "ID=debian\n"),
		testutil.Symlink("etc/os-release", "../usr/lib/os-release"),
		testutil.Symlink("etc/escape", "../../../../etc/passwd"),
		testutil.Reg("etc/passwd", "root:x:0:0::/root:/bin/sh\n"),
		testutil.Reg("etc/hostname", "box\n"),
		testutil.Dir("var/empty/"),
	})
	x, err := fsindex.Build(context.Background(), img, fsindex.WithWants(osReleaseWant(), fsindex.Want{
		Name: "test", Match: fsindex.MatchPath(func(p string) bool { return p == "/etc/passwd" })}))
	if err != nil {
		t.Fatal(err)
	}
	v := &view{x: x}
	read := func(name string) (string, error) {
		f, err := v.Open(name)
		if err != nil {
			return "", err
		}
		defer f.Close()
		b, err := io.ReadAll(f)
		return string(b), err
	}
	if got, err := read("etc/os-release"); err != nil || got != "ID=debian\n" {
		t.Errorf("etc/os-release = %q, %v", got, err)
	}
	// ../../../../etc/passwd stops at the image root: the image's passwd
	if got, err := read("etc/escape"); err != nil || got != "root:x:0:0::/root:/bin/sh\n" {
		t.Errorf("etc/escape = %q, %v; want the image's /etc/passwd", got, err)
	}
	if _, err := read("etc/hostname"); !errors.Is(err, errNotKept) {
		t.Errorf("reading an unkept file: %v, want errNotKept", err)
	}
	if _, err := v.Open("etc/missing"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Open(missing) = %v", err)
	}
	if _, err := v.Open("/etc/passwd"); !errors.Is(err, fs.ErrInvalid) {
		t.Errorf("Open(absolute) = %v, want ErrInvalid", err)
	}
	entries, err := v.ReadDir("etc")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if len(names) != 4 || names[0] != "escape" || names[3] != "passwd" {
		t.Errorf("ReadDir(etc) = %v", names)
	}
	if st, err := v.Stat("var/empty"); err != nil || !st.IsDir() {
		t.Errorf("Stat(var/empty) = %v, %v", st, err)
	}
	if err := fstestWalk(v); err != nil {
		t.Error(err)
	}
}

// fstestWalk walks the whole view the way extractors that list
// directories would.
func fstestWalk(v *view) error {
	n := 0
	err := fs.WalkDir(v, ".", func(p string, d fs.DirEntry, err error) error {
		n++
		return err
	})
	if err == nil && n < 8 {
		return errors.New("walk saw too few entries")
	}
	return err
}
