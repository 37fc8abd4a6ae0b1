package base

import (
	"archive/tar"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/harden-dev/harden/debian/debiantest"
)

func TestCleanNameAndSymlinks(t *testing.T) {
	names := []struct {
		in, want string
		bad      bool
	}{
		{"./usr/bin/x", "usr/bin/x", false},
		{"/etc/passwd", "etc/passwd", false},
		{"./usr//lib/./x/", "usr/lib/x", false},
		{"./", "", false},
		{"../etc/passwd", "", true},
		{"./usr/../../etc", "", true},
		{"usr/lib/..", "", true},
	}
	for _, tt := range names {
		got, err := cleanName(tt.in)
		if (err != nil) != tt.bad || got != tt.want {
			t.Errorf("cleanName(%q) = %q, %v; want %q, bad=%v", tt.in, got, err, tt.want, tt.bad)
		}
		if tt.bad && !errors.Is(err, ErrUnsafePath) {
			t.Errorf("cleanName(%q) error %v does not wrap ErrUnsafePath", tt.in, err)
		}
	}
	links := []struct {
		name, target string
		bad          bool
	}{
		{"etc/os-release", "../usr/lib/os-release", false},
		{"usr/lib/x86_64-linux-gnu/libz.so", "libz.so.1.2.13", false},
		{"usr/share/doc/a", "../../../etc", false},
		{"usr/share/doc/a", "../../../../etc", true},
		{"a", "../b", true},
		{"usr/lib/ssl/certs", "/etc/ssl/certs", false},
		{"usr/bin/x", "/../../etc/shadow", true},
		{"usr/bin/x", "", true},
	}
	for _, tt := range links {
		err := checkSymlink(tt.name, tt.target)
		if (err != nil) != tt.bad {
			t.Errorf("checkSymlink(%q -> %q) = %v, want bad=%v", tt.name, tt.target, err, tt.bad)
		}
	}
}

// TestAssemblyRefusesEscapes builds images from packages whose archives try
// to leave the root; each build must fail and name the package.
func TestAssemblyRefusesEscapes(t *testing.T) {
	tests := []struct {
		name string
		file debiantest.File
	}{
		{"dot-dot path", debiantest.File{Name: "./../../etc/evil", Body: "x"}},
		{"dot-dot inside path", debiantest.File{Name: "./usr/../../evil", Body: "x"}},
		{"escaping relative symlink", debiantest.File{Name: "./usr/evil", Type: tar.TypeSymlink, Linkname: "../../../etc/shadow"}},
		{"escaping absolute symlink", debiantest.File{Name: "./usr/evil", Type: tar.TypeSymlink, Linkname: "/../../etc/shadow"}},
		{"hard link outside", debiantest.File{Name: "./usr/evil", Type: tar.TypeLink, Linkname: "../etc/shadow"}},
		{"hard link to nothing", debiantest.File{Name: "./usr/evil", Type: tar.TypeLink, Linkname: "./etc/shadow"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			evil := debiantest.Package{Name: "evil", Version: "1", Files: append(debiantest.Dirs("./usr/x"), tt.file)}
			src := localSource(t, evil)
			_, _, err := Build(context.Background(), Spec{Packages: []string{"evil"}}, src, "amd64", WithTempDir(t.TempDir()))
			if !errors.Is(err, ErrUnsafePath) || !strings.Contains(err.Error(), "package evil") {
				t.Fatalf("Build(%s) = %v, want ErrUnsafePath naming package evil", tt.name, err)
			}
		})
	}
}

func TestAssemblyConflicts(t *testing.T) {
	a := debiantest.Package{Name: "a", Version: "1", Files: append(debiantest.Dirs("./usr/x"), debiantest.File{Name: "./usr/thing/", Type: tar.TypeDir})}
	b := debiantest.Package{Name: "b", Version: "1", Files: append(debiantest.Dirs("./usr/x"), debiantest.File{Name: "./usr/thing", Body: "file"})}
	_, _, err := Build(context.Background(), Spec{Packages: []string{"a", "b"}}, localSource(t, a, b), "amd64", WithTempDir(t.TempDir()))
	if err == nil || !strings.Contains(err.Error(), `"usr/thing" is a directory from a and a file here`) {
		t.Fatalf("Build(dir vs file) = %v", err)
	}
	// The same file in two packages: the first copy stays, once.
	c := debiantest.Package{Name: "c", Version: "1", Files: append(debiantest.Dirs("./usr/x"), debiantest.File{Name: "./usr/same", Body: "from c"})}
	d := debiantest.Package{Name: "d", Version: "1", Files: append(debiantest.Dirs("./usr/x"), debiantest.File{Name: "./usr/same", Body: "from d"})}
	img, _ := build(t, Spec{Packages: []string{"c", "d"}}, localSource(t, c, d))
	if got := files(t, img)["usr/same"].body; got != "from c" {
		t.Errorf("usr/same = %q, want the first package's copy", got)
	}
}
