package patch_test

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/harden-dev/harden/debian"
	"github.com/harden-dev/harden/debian/debiantest"
	"github.com/harden-dev/harden/fsindex"
	"github.com/harden-dev/harden/internal/testutil"
	"github.com/harden-dev/harden/patch"
	"github.com/harden-dev/harden/vuln"
)

// repoPackages are the repository's versions: hello is newer and needs
// libnew (new) and libfoo (which the image already meets); other is newer
// too but nobody asks for it.
func repoPackages() []debiantest.Package {
	helloFiles := []string{"./usr/bin/hello", "./usr/share/doc/hello/README", "./usr/bin/sh"}
	return []debiantest.Package{
		{Name: "hello", Version: "1.1", Depends: "libfoo (>= 1.0), libnew", MD5Sums: "0123  usr/bin/hello\n",
			Files: append(debiantest.Dirs(helloFiles...), debiantest.File{Name: "./usr/bin/hello", Body: "hello 1.1", Mode: 0o755},
				debiantest.File{Name: "./usr/share/doc/hello/README", Body: "readme"}, debiantest.File{Name: "./usr/bin/sh", Body: "a shell", Mode: 0o755})},
		{Name: "libnew", Version: "1.0", Files: append(debiantest.Dirs("./lib/libnew.so.1"), debiantest.File{Name: "./lib/libnew.so.1", Body: "libnew"})},
		{Name: "libfoo", Version: "1.0", Files: append(debiantest.Dirs("./lib/libfoo.so.1"), debiantest.File{Name: "./lib/libfoo.so.1", Body: "libfoo"})},
		{Name: "other", Version: "2.0"},
	}
}

const status = `Package: hello
Status: install ok installed
Architecture: amd64
Version: 1.0
Depends: libfoo (>= 1.0)
Description: old hello

Package: libfoo
Status: install ok installed
Architecture: amd64
Version: 1.0
Description: foo

Package: other
Status: install ok installed
Architecture: amd64
Version: 1.0
Description: other
`

// traditionalImage is a usrmerged image with a dpkg status file.
func traditionalImage(t *testing.T) v1.Image {
	return testutil.Image(t, func(c *v1.Config) { c.Entrypoint = []string{"/usr/bin/hello"}; c.User = "1000" }, []testutil.File{
		testutil.Dir("usr/"), testutil.Dir("usr/bin/"), testutil.Dir("usr/lib/"), testutil.Symlink("lib", "usr/lib"),
		testutil.Dir("usr/share/"), testutil.Dir("usr/share/doc/"), testutil.Dir("usr/share/doc/hello/"),
		testutil.Exe("usr/bin/hello", "hello 1.0"), testutil.Reg("usr/share/doc/hello/OLD", "old doc"),
		testutil.Reg("usr/lib/libfoo.so.1", "libfoo"),
		testutil.Dir("var/"), testutil.Dir("var/lib/"), testutil.Dir("var/lib/dpkg/"), testutil.Dir("var/lib/dpkg/info/"),
		testutil.Reg("var/lib/dpkg/status", status),
		testutil.Reg("var/lib/dpkg/info/hello.list", "/.\n/usr\n/usr/bin\n/usr/bin/hello\n/usr/share/doc/hello\n/usr/share/doc/hello/OLD\n"),
		testutil.Reg("var/lib/dpkg/info/libfoo.list", "/.\n/lib\n/lib/libfoo.so.1\n"),
		testutil.Exe("var/lib/dpkg/info/hello.postinst", "#!/bin/sh\nldconfig\n"),
	})
}

// distrolessImage keeps hello's binary only, as minify leaves it.
func distrolessImage(t *testing.T) v1.Image {
	return testutil.Image(t, nil, []testutil.File{
		testutil.Dir("usr/"), testutil.Dir("usr/bin/"), testutil.Dir("usr/lib/"), testutil.Symlink("lib", "usr/lib"),
		testutil.Exe("usr/bin/hello", "hello 1.0"), testutil.Reg("usr/lib/libfoo.so.1", "libfoo"),
		testutil.Dir("var/"), testutil.Dir("var/lib/"), testutil.Dir("var/lib/dpkg/"), testutil.Dir("var/lib/dpkg/status.d/"),
		testutil.Reg("var/lib/dpkg/status.d/hello", "Package: hello\nArchitecture: amd64\nVersion: 1.0\nDepends: libfoo (>= 1.0)\n"),
		testutil.Reg("var/lib/dpkg/status.d/hello.md5sums", "abcd  usr/bin/hello\n"),
		testutil.Reg("var/lib/dpkg/status.d/libfoo", "Package: libfoo\nArchitecture: amd64\nVersion: 1.0\n"),
		testutil.Reg("var/lib/dpkg/status.d/libfoo.md5sums", "abcd  lib/libfoo.so.1\n"),
	})
}

type fixture struct {
	repo   *debiantest.Repo
	client *debian.Client
	ix     *debian.Index
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	repo := debiantest.NewRepo(t, "bookworm-security", "amd64", repoPackages()...)
	client, err := debian.NewClient(t.TempDir(), debian.WithKeyring(repo.Keyring))
	if err != nil {
		t.Fatal(err)
	}
	ix, err := client.Index(context.Background(), []debian.Repo{{URI: repo.URL, Suite: repo.Suite, Components: []string{"main"}}}, "amd64")
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{repo, client, ix}
}

func index(t *testing.T, img v1.Image) *fsindex.Index {
	t.Helper()
	x, err := fsindex.Build(context.Background(), img, fsindex.WithWants(patch.Wants()...))
	if err != nil {
		t.Fatal(err)
	}
	return x
}

// topLayer calls each for every entry of the image's top layer, in order,
// with its body.
func topLayer(t *testing.T, img v1.Image, each func(h *tar.Header, body io.Reader)) {
	t.Helper()
	ls, err := img.Layers()
	if err != nil {
		t.Fatal(err)
	}
	rc, err := ls[len(ls)-1].Uncompressed()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	tr := tar.NewReader(rc)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		each(h, tr)
	}
}

// lastLayer returns the top layer's entries: name -> body ("" for non-files).
func lastLayer(t *testing.T, img v1.Image) (map[string]string, []string) {
	t.Helper()
	out := map[string]string{}
	var order []string
	topLayer(t, img, func(h *tar.Header, body io.Reader) {
		b, _ := io.ReadAll(body)
		out[h.Name] = string(b)
		order = append(order, h.Name)
	})
	return out, order
}

func TestPatchTraditional(t *testing.T) {
	f := newFixture(t)
	img := traditionalImage(t)
	x := index(t, img)
	findings := []vuln.Finding{
		{ID: "CVE-2024-0001", Package: vuln.Package{Name: "hello", Type: "deb"}, Fixed: "1.1"},
		{ID: "CVE-2024-0002", Package: vuln.Package{Name: "libfoo", Type: "deb"}, Fixed: "1.5"},
	}
	r, err := patch.Plan(x, f.ix, patch.Request{Findings: findings})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Updates) != 2 || r.Updates[0].Name != "hello" || r.Updates[0].From != "1.0" || r.Updates[0].To != "1.1" ||
		r.Updates[1].Name != "libnew" || r.Updates[1].From != "" || r.Updates[1].Reason != "dependency of hello" {
		t.Fatalf("updates = %+v, want hello 1.0→1.1 and new libnew (libfoo and other untouched)", r.Updates)
	}
	if r.FindingsFixed != 1 || r.Findings[0].Status != patch.StatusFixed || r.Findings[1].Status != patch.StatusUnavailable {
		t.Fatalf("findings = %+v, want CVE-2024-0001 fixed, CVE-2024-0002 without a fix in the repository", r.Findings)
	}
	dir := t.TempDir()
	epoch := time.Unix(1710000000, 0)
	out, err := patch.Apply(context.Background(), img, x, r, f.client, patch.WithTempDir(dir), patch.WithEpoch(epoch))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	files, order := lastLayer(t, out)
	if files["usr/bin/hello"] != "hello 1.1" {
		t.Errorf("usr/bin/hello = %q, want the new version", files["usr/bin/hello"])
	}
	if _, ok := files["usr/lib/libnew.so.1"]; !ok {
		t.Errorf("libnew.so.1 not written through the /lib symlink: %v", order)
	}
	for _, n := range order {
		if n == "lib/" || strings.HasPrefix(n, "lib/") {
			t.Errorf("%s would hide the /lib symlink", n)
		}
		if strings.Contains(n, "libfoo") || strings.Contains(n, "other") {
			t.Errorf("%s: a package that was not updated is in the layer", n)
		}
	}
	if _, ok := files["usr/share/doc/hello/.wh.OLD"]; !ok {
		t.Errorf("no whiteout for the file hello 1.0 had and 1.1 does not: %v", order)
	}
	st := files["var/lib/dpkg/status"]
	if !strings.Contains(st, "Package: hello\nStatus: install ok installed\n") || !strings.Contains(st, "Version: 1.1") ||
		!strings.Contains(st, "Package: libnew\nStatus: install ok installed\n") || !strings.Contains(st, "Package: other\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1.0\n") {
		t.Errorf("status not updated as dpkg would:\n%s", st)
	}
	if l := files["var/lib/dpkg/info/hello.list"]; !strings.Contains(l, "/usr/bin/sh\n") || strings.Contains(l, "OLD") {
		t.Errorf("hello.list = %q", l)
	}
	if _, ok := files["var/lib/dpkg/info/.wh.hello.postinst"]; !ok {
		t.Errorf("hello 1.0's postinst is left in info/ though 1.1 has none: %v", order)
	}
	if files["var/lib/dpkg/info/hello.md5sums"] != "0123  usr/bin/hello\n" {
		t.Errorf("hello.md5sums = %q, want the package's", files["var/lib/dpkg/info/hello.md5sums"])
	}
	cf, _ := out.ConfigFile()
	if cf.Config.Labels[patch.LabelPackages] != "hello=1.1 libnew=1.0" || cf.Config.User != "1000" || cf.Config.Entrypoint[0] != "/usr/bin/hello" {
		t.Errorf("config = %+v, want the original entrypoint and user plus the patch labels", cf.Config)
	}

	// Same inputs, same digest.
	r2, err := patch.Plan(x, f.ix, patch.Request{Findings: findings})
	if err != nil {
		t.Fatal(err)
	}
	out2, err := patch.Apply(context.Background(), img, x, r2, f.client, patch.WithTempDir(dir), patch.WithEpoch(epoch))
	if err != nil {
		t.Fatal(err)
	}
	defer r2.Close()
	d1, _ := out.Digest()
	d2, _ := out2.Digest()
	if d1 != d2 {
		t.Errorf("two runs gave %s and %s", d1, d2)
	}
}

func TestPatchDistrolessKeepsOnlyItsFiles(t *testing.T) {
	f := newFixture(t)
	img := distrolessImage(t)
	x := index(t, img)
	r, err := patch.Plan(x, f.ix, patch.Request{Packages: []string{"hello"}})
	if err != nil {
		t.Fatal(err)
	}
	if !r.Distroless || len(r.Updates) != 1 || r.Updates[0].Name != "hello" || len(r.Skipped) != 1 || r.Skipped[0].Name != "libnew" {
		t.Fatalf("plan = %+v, want only hello (libnew is not in the minified image)", r)
	}
	out, err := patch.Apply(context.Background(), img, x, r, f.client, patch.WithTempDir(t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	files, order := lastLayer(t, out)
	want := []string{"usr/bin/hello", "var/lib/dpkg/status.d/hello", "var/lib/dpkg/status.d/hello.md5sums"}
	if strings.Join(order, " ") != strings.Join(want, " ") {
		t.Errorf("layer = %v, want only %v (no shell, no docs brought back)", order, want)
	}
	if !strings.Contains(files["var/lib/dpkg/status.d/hello"], "Version: 1.1") || strings.Contains(files["var/lib/dpkg/status.d/hello"], "Status:") {
		t.Errorf("status.d/hello = %q", files["var/lib/dpkg/status.d/hello"])
	}
	if m := files["var/lib/dpkg/status.d/hello.md5sums"]; !strings.HasSuffix(m, "  usr/bin/hello\n") || strings.Count(m, "\n") != 1 {
		t.Errorf("md5sums = %q, want the one kept file", m)
	}
}

func TestPatchTamperedDebWritesNothing(t *testing.T) {
	f := newFixture(t)
	img := traditionalImage(t)
	x := index(t, img)
	r, err := patch.Plan(x, f.ix, patch.Request{Packages: []string{"hello"}})
	if err != nil {
		t.Fatal(err)
	}
	deb := repoPackages()[0]
	bad := bytes.Replace(f.repo.Deb("hello"), []byte("debian-binary"), []byte("debian-binarY"), 1)
	f.repo.Set(deb.Filename(), bad)
	dir := t.TempDir()
	out, err := patch.Apply(context.Background(), img, x, r, f.client, patch.WithTempDir(dir))
	if !errors.Is(err, debian.ErrChecksum) || out != nil {
		t.Fatalf("Apply with a tampered .deb: %v, %v; want a checksum error", out, err)
	}
	if left, _ := os.ReadDir(dir); len(left) != 0 {
		t.Errorf("files left behind: %v", left)
	}
}

func TestPatchTamperedIndexStops(t *testing.T) {
	repo := debiantest.NewRepo(t, "bookworm-security", "amd64", repoPackages()...)
	p := "dists/bookworm-security/main/binary-amd64/Packages.xz"
	data := repo.Get(p)
	data[len(data)/2] ^= 0xff
	repo.Set(p, data)
	client, err := debian.NewClient(t.TempDir(), debian.WithKeyring(repo.Keyring))
	if err != nil {
		t.Fatal(err)
	}
	_, err = client.Index(context.Background(), []debian.Repo{{URI: repo.URL, Suite: repo.Suite, Components: []string{"main"}}}, "amd64")
	if err == nil {
		t.Fatal("a tampered Packages index was accepted")
	}
}

func TestPatchCurrentAndApk(t *testing.T) {
	f := newFixture(t)
	x := index(t, traditionalImage(t))
	r, err := patch.Plan(x, f.ix, patch.Request{Packages: []string{"libfoo"}})
	if err != nil {
		t.Fatal(err)
	}
	if !r.Empty() || len(r.Skipped) != 1 {
		t.Errorf("libfoo is current: plan = %+v", r)
	}
	if _, err := patch.Plan(x, f.ix, patch.Request{Packages: []string{"nosuch"}}); err == nil {
		t.Error("a package the image does not have was accepted")
	}
	apk := index(t, testutil.Image(t, nil, []testutil.File{testutil.Dir("lib/"), testutil.Dir("lib/apk/"), testutil.Dir("lib/apk/db/"), testutil.Reg("lib/apk/db/installed", "P:musl\nV:1.2\n")}))
	if _, err := patch.Plan(apk, f.ix, patch.Request{All: true}); !errors.Is(err, patch.ErrApk) {
		t.Errorf("apk image: %v, want ErrApk", err)
	}
}

func TestPatchRefusesBadDatabase(t *testing.T) {
	f := newFixture(t)
	for _, bad := range []string{
		"Package: ../../etc/passwd\nArchitecture: amd64\nVersion: 1.0\n",
		"Package: hello\nArchitecture: ../x\nVersion: 1.0\n",
		"Package: hello\nArchitecture: amd64\nVersion: not a version!\n",
	} {
		x := index(t, testutil.Image(t, nil, []testutil.File{testutil.Dir("var/"), testutil.Dir("var/lib/"), testutil.Dir("var/lib/dpkg/"),
			testutil.Reg("var/lib/dpkg/status", bad)}))
		if _, err := patch.Plan(x, f.ix, patch.Request{All: true}); !errors.Is(err, patch.ErrBadDatabase) {
			t.Errorf("status %q: %v, want ErrBadDatabase", bad, err)
		}
	}
	x := index(t, testutil.Image(t, nil, []testutil.File{testutil.Dir("etc/"), testutil.Reg("etc/hostname", "x")}))
	if _, err := patch.Plan(x, f.ix, patch.Request{All: true}); !errors.Is(err, patch.ErrNoPackages) {
		t.Errorf("no database: %v, want ErrNoPackages", err)
	}
}
