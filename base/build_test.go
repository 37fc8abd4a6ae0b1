package base

import (
	"archive/tar"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/harden-dev/harden/debian"
	"github.com/harden-dev/harden/debian/debiantest"
)

func TestBuildContents(t *testing.T) {
	src := localSource(t, fakeBase()...)
	img, r := build(t, fakeSpec(), src)

	var names []string
	for _, p := range r.Packages {
		names = append(names, p.Name+"="+p.Version+" "+p.Reason)
	}
	if diff := cmp.Diff([]string{"app=1.0 requested", "base-files=12.4 requested", "ca-certificates=2023 requested", "libc6=2.36-9 dependency of app"}, names); diff != "" {
		t.Errorf("packages (-want +got):\n%s", diff)
	}
	if len(r.Cut) != 3 {
		t.Errorf("Cut = %q, want awk, openssl and debconf cut", r.Cut)
	}

	fs := files(t, img)
	want := map[string]string{
		"etc/passwd":                               passwdFile,
		"etc/group":                                groupFile,
		"etc/nsswitch.conf":                        nsswitchFile,
		"etc/ssl/certs/ca-certificates.crt":        "-----BEGIN CERTIFICATE-----\nAAA\n-----END CERTIFICATE-----\n-----BEGIN CERTIFICATE-----\nBBB\n-----END CERTIFICATE-----\n",
		"usr/lib/os-release":                       "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nID=debian\n",
		"usr/share/doc/base-files/copyright":       "licence",
		"var/lib/dpkg/status.d/app":                fakeBase()[6].Control(),
		"var/lib/dpkg/status.d/base-files.md5sums": "aaaa  usr/lib/os-release\ncccc  usr/share/doc/base-files/copyright\n",
	}
	for name, body := range want {
		e, ok := fs[name]
		if !ok {
			t.Errorf("%s is missing", name)
			continue
		}
		if e.body != body {
			t.Errorf("%s = %q, want %q", name, e.body, body)
		}
	}
	for _, gone := range []string{"usr/share/doc/base-files/changelog.gz", "usr/share/man/man1/x.1.gz", "usr/share/man", "usr/bin/openssl", "usr/bin/mawk", "var/lib/dpkg/status.d/openssl"} {
		if _, ok := fs[gone]; ok {
			t.Errorf("%s is in the image, want it left out", gone)
		}
	}
	checkHdr := func(name string, typ byte, mode int64, uid int) {
		t.Helper()
		e, ok := fs[name]
		if !ok {
			t.Errorf("%s is missing", name)
			return
		}
		if e.hdr.Typeflag != typ || e.hdr.Mode != mode || e.hdr.Uid != uid || e.hdr.Gid != uid {
			t.Errorf("%s: type %c mode %o uid %d gid %d, want %c %o %d", name, e.hdr.Typeflag, e.hdr.Mode, e.hdr.Uid, e.hdr.Gid, typ, mode, uid)
		}
	}
	checkHdr("tmp", tar.TypeDir, 0o1777, 0)
	checkHdr("home/nonroot", tar.TypeDir, 0o700, 65532)
	checkHdr("root", tar.TypeDir, 0o700, 0)
	checkHdr("usr/bin/app", tar.TypeReg, 0o4755, 0)
	checkHdr("lib/x86_64-linux-gnu/libc-hard.so", tar.TypeLink, 0o644, 0)
	if e := fs["etc/os-release"]; e.hdr == nil || e.hdr.Linkname != "../usr/lib/os-release" {
		t.Errorf("etc/os-release = %+v, want a link to ../usr/lib/os-release", e.hdr)
	}
	if e := fs["usr/local/bin/app"]; e.hdr == nil || e.hdr.Linkname != "/usr/bin/app" {
		t.Errorf("spec symlink missing: %+v", e.hdr)
	}
	for name, e := range fs {
		if e.hdr.Uname != "" || e.hdr.Gname != "" || !e.hdr.ModTime.Equal(debiantest.DefaultModTime) {
			t.Errorf("%s: uname %q gname %q mtime %s, want no names and the package date", name, e.hdr.Uname, e.hdr.Gname, e.hdr.ModTime)
		}
	}

	cf, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	c := cf.Config
	if c.User != "65532" || c.WorkingDir != "/home/nonroot" || strings.Join(c.Entrypoint, " ") != "/usr/bin/app" {
		t.Errorf("config = %+v", c)
	}
	if diff := cmp.Diff([]string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt", "LANG=C.UTF-8"}, c.Env); diff != "" {
		t.Errorf("Env (-want +got):\n%s", diff)
	}
	if cf.Architecture != "amd64" || cf.OS != "linux" || !cf.Created.Time.Equal(debiantest.DefaultModTime) {
		t.Errorf("config file = %s/%s created %s", cf.OS, cf.Architecture, cf.Created)
	}
	layers, _ := img.Layers()
	if len(layers) != 1 {
		t.Errorf("image has %d layers, want 1", len(layers))
	}
}

func TestReproducible(t *testing.T) {
	src := localSource(t, fakeBase()...)
	_, first := build(t, fakeSpec(), src)

	// The same lock, in another order, from a cold cache: the same digest.
	lock := *first.Lock
	lock.Packages = append([]LockedPackage(nil), lock.Packages...)
	lock.Packages[0], lock.Packages[len(lock.Packages)-1] = lock.Packages[len(lock.Packages)-1], lock.Packages[0]
	_, second := build(t, fakeSpec(), localSource(t, fakeBase()...), WithLock(&lock))
	if first.Digest != second.Digest {
		t.Errorf("two builds from one lock: %s and %s, want the same digest", first.Digest, second.Digest)
	}
	if second.Packages[0].Reason != "" {
		t.Errorf("a locked build gives reasons: %+v", second.Packages[0])
	}

	// SOURCE_DATE_EPOCH before the packages clamps every time and changes the digest.
	epoch := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	img, third := build(t, fakeSpec(), src, WithEpoch(epoch))
	if third.Digest == first.Digest {
		t.Error("another epoch gave the same digest")
	}
	for name, e := range files(t, img) {
		if !e.hdr.ModTime.Equal(epoch) {
			t.Errorf("%s: mtime %s, want %s", name, e.hdr.ModTime, epoch)
		}
	}
}

func TestStaleLock(t *testing.T) {
	src := localSource(t, fakeBase()...)
	_, r := build(t, fakeSpec(), src)
	spec := fakeSpec()
	spec.Packages = append(spec.Packages, "openssl")
	_, _, err := Build(context.Background(), spec, src, "amd64", WithLock(r.Lock))
	if !errors.Is(err, ErrStaleLock) {
		t.Fatalf("Build(other packages, old lock) = %v, want ErrStaleLock", err)
	}
}

func TestLockedDebMismatch(t *testing.T) {
	src := localSource(t, fakeBase()...)
	_, r := build(t, fakeSpec(), src)
	lock := *r.Lock
	lock.Packages = append([]LockedPackage(nil), lock.Packages...)
	lock.Packages[0].SHA256 = strings.Repeat("0", 64)
	_, _, err := Build(context.Background(), fakeSpec(), src, "amd64", WithLock(&lock))
	if err == nil || !strings.Contains(err.Error(), "no local .deb with SHA256") {
		t.Fatalf("Build(lock with another SHA256) = %v, want a refusal", err)
	}
}

// TestBuildFromSignedRepo goes through the whole chain: a signed test
// repository on 127.0.0.1, InRelease, Packages, .debs, then a rebuild from
// the lock that downloads nothing but the cached files.
func TestBuildFromSignedRepo(t *testing.T) {
	repo := debiantest.NewRepo(t, "stable", "amd64", fakeBase()...)
	c, err := debian.NewClient(t.TempDir(), debian.WithKeyring(repo.Keyring))
	if err != nil {
		t.Fatal(err)
	}
	src, err := NewSource(c, []debian.Repo{{URI: repo.URL, Suite: "stable", Components: []string{"main"}}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, r := build(t, fakeSpec(), src)
	local := localSource(t, fakeBase()...)
	_, r2 := build(t, fakeSpec(), local)
	if r.Digest != r2.Digest {
		t.Errorf("repository build %s != local build %s of the same .debs", r.Digest, r2.Digest)
	}
	// Rebuild from the lock: no index is read.
	inRelease := repo.Requests["dists/stable/InRelease"]
	_, r3 := build(t, fakeSpec(), src, WithLock(r.Lock))
	if r3.Digest != r.Digest || repo.Requests["dists/stable/InRelease"] != inRelease {
		t.Errorf("locked rebuild: digest %s (want %s), InRelease fetched %d times (want %d)", r3.Digest, r.Digest, repo.Requests["dists/stable/InRelease"], inRelease)
	}
}

func TestBuildErrors(t *testing.T) {
	src := localSource(t, fakeBase()...)
	ctx := context.Background()
	if _, _, err := Build(ctx, fakeSpec(), src, "s390x"); err == nil || !strings.Contains(err.Error(), "unsupported architecture") {
		t.Errorf("Build(s390x) = %v", err)
	}
	if _, _, err := Build(ctx, Spec{}, src, "amd64"); err == nil {
		t.Error("Build(empty spec) = nil error")
	}
	spec := fakeSpec()
	spec.Packages = append(spec.Packages, "ghost")
	if _, _, err := Build(ctx, spec, src, "amd64"); !errors.Is(err, debian.ErrNotFound) {
		t.Errorf("Build(ghost) = %v, want ErrNotFound", err)
	}
	ctx2, cancel := context.WithCancel(ctx)
	cancel()
	if _, _, err := Build(ctx2, fakeSpec(), src, "amd64", WithTempDir(t.TempDir())); !errors.Is(err, context.Canceled) {
		t.Errorf("Build(canceled) = %v, want context.Canceled", err)
	}
}
