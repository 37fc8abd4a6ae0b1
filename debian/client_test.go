package debian_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/harden-dev/harden/debian"
	"github.com/harden-dev/harden/debian/debiantest"
)

func testPackages() []debiantest.Package {
	return []debiantest.Package{
		{Name: "hello", Version: "1.0-1", Depends: "libc6 (>= 2.36)", Files: append(debiantest.Dirs("./usr/bin/hello"), debiantest.File{Name: "./usr/bin/hello", Body: "#!hello\n", Mode: 0o755})},
		{Name: "libc6", Version: "2.36-9", Files: []debiantest.File{{Name: "./lib/", Type: '5'}, {Name: "./lib/libc.so.6", Body: "ELF"}}},
	}
}

func newClient(t *testing.T, repo *debiantest.Repo, opts ...debian.Option) *debian.Client {
	t.Helper()
	c, err := debian.NewClient(t.TempDir(), append([]debian.Option{debian.WithKeyring(repo.Keyring)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func repoOf(r *debiantest.Repo) debian.Repo {
	return debian.Repo{URI: r.URL, Suite: r.Suite, Components: []string{"main"}}
}

func TestGoodRepository(t *testing.T) {
	repo := debiantest.NewRepo(t, "stable", "amd64", testPackages()...)
	c := newClient(t, repo)
	ctx := context.Background()
	ix, err := c.Index(ctx, []debian.Repo{repoOf(repo)}, "amd64")
	if err != nil {
		t.Fatalf("Index() = %v", err)
	}
	if ix.Len() != 2 {
		t.Fatalf("Index().Len() = %d, want 2", ix.Len())
	}
	res, err := ix.Resolve([]string{"hello"})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range res.Packages {
		path, err := c.Fetch(ctx, p)
		if err != nil {
			t.Fatalf("Fetch(%s) = %v", p.Name, err)
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, repo.Deb(p.Name)) {
			t.Errorf("Fetch(%s) gave other bytes than the repository has", p.Name)
		}
	}
	// The index came by hash; a second read uses the cached, uncompressed
	// index and the cached .debs: no more downloads but InRelease.
	before := repo.Requests["pool/main/hello_1.0-1_amd64.deb"]
	if _, err := c.Index(ctx, []debian.Repo{repoOf(repo)}, "amd64"); err != nil {
		t.Fatal(err)
	}
	for path, n := range repo.Requests {
		if strings.Contains(path, "Packages") && n != 1 {
			t.Errorf("%s downloaded %d times, want once", path, n)
		}
		if strings.HasSuffix(path, "/main/binary-amd64/Packages.xz") {
			t.Errorf("%s fetched by name, want by-hash", path)
		}
	}
	if _, err := c.Fetch(ctx, res.Packages[0]); err != nil {
		t.Fatal(err)
	}
	if after := repo.Requests["pool/main/hello_1.0-1_amd64.deb"]; after != before {
		t.Errorf("cached .deb downloaded again (%d -> %d)", before, after)
	}
}

func TestSignedByFromSource(t *testing.T) {
	repo := debiantest.NewRepo(t, "stable", "amd64", testPackages()...)
	keyFile := repo.KeyringFile(t, t.TempDir())
	c, err := debian.NewClient(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	r := repoOf(repo)
	if _, err := c.Release(context.Background(), r); err == nil || !strings.Contains(err.Error(), "no Signed-By") {
		t.Fatalf("Release() without any keyring = %v, want a no Signed-By error", err)
	}
	r.SignedBy = keyFile
	rel, err := c.Release(context.Background(), r)
	if err != nil {
		t.Fatalf("Release() with Signed-By %s = %v", keyFile, err)
	}
	if rel.Signer == "" || rel.Suite != "stable" {
		t.Errorf("Release() = %+v, want suite stable with a signer", rel)
	}
	// An inline key block, as deb822 allows.
	armored, _ := os.ReadFile(keyFile)
	r.SignedBy = strings.TrimSpace(string(armored))
	if _, err := c.Release(context.Background(), r); err != nil {
		t.Fatalf("Release() with an inline key = %v", err)
	}
}

func TestRefused(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name   string
		tamper func(t *testing.T, r *debiantest.Repo)
		opts   func(t *testing.T, r *debiantest.Repo) []debian.Option
		want   error
		msg    string
	}{
		{
			name: "tampered InRelease",
			tamper: func(t *testing.T, r *debiantest.Repo) {
				p := "dists/stable/InRelease"
				in := r.Get(p)
				i := bytes.Index(in, []byte("Suite: stable"))
				r.Set(p, append(append(append([]byte{}, in[:i]...), []byte("Suite: evilst")...), in[i+len("Suite: stable"):]...))
			},
			want: debian.ErrSignature, msg: "verifying InRelease",
		},
		{
			name: "InRelease signed by another key",
			opts: func(t *testing.T, r *debiantest.Repo) []debian.Option {
				return []debian.Option{debian.WithKeyring(debiantest.PublicKeyring(t, debiantest.NewKey(t)))}
			},
			want: debian.ErrSignature, msg: "signature made by unknown entity",
		},
		{
			name:   "unsigned InRelease",
			tamper: func(t *testing.T, r *debiantest.Repo) { r.Set("dists/stable/InRelease", []byte("Suite: stable\n")) },
			want:   debian.ErrSignature, msg: "not a clearsigned document",
		},
		{
			name: "expired InRelease",
			opts: func(t *testing.T, r *debiantest.Repo) []debian.Option {
				return []debian.Option{debian.WithClock(func() time.Time { return time.Now().Add(72 * time.Hour) })}
			},
			want: debian.ErrExpired, msg: "valid until",
		},
		{
			name: "Packages with a wrong checksum",
			tamper: func(t *testing.T, r *debiantest.Repo) {
				// Same size, one byte changed, under every URL the index has.
				flip := func(path string) {
					data := append([]byte{}, r.Get(path)...)
					data[len(data)/2] ^= 0x01
					r.Set(path, data)
				}
				for _, ext := range []string{".xz", ".gz"} {
					flip("dists/stable/main/binary-amd64/Packages" + ext)
					flip(byHashPath(r, ext))
				}
			},
			want: debian.ErrChecksum, msg: "checksum mismatch: SHA256",
		},
		{
			name: "Packages of another size",
			tamper: func(t *testing.T, r *debiantest.Repo) {
				// Another valid index (one more package) under every URL.
				other := debiantest.NewRepo(t, "stable", "amd64", append(testPackages(), debiantest.Package{Name: "evil", Version: "1"})...)
				for _, ext := range []string{".xz", ".gz"} {
					data := other.Get("dists/stable/main/binary-amd64/Packages" + ext)
					r.Set("dists/stable/main/binary-amd64/Packages"+ext, data)
					r.Set(byHashPath(r, ext), data)
				}
			},
			want: debian.ErrChecksum, msg: "checksum mismatch: size",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			repo := debiantest.NewRepo(t, "stable", "amd64", testPackages()...)
			if tt.tamper != nil {
				tt.tamper(t, repo)
			}
			var opts []debian.Option
			if tt.opts != nil {
				opts = tt.opts(t, repo)
			}
			c := newClient(t, repo, opts...)
			_, err := c.Index(ctx, []debian.Repo{repoOf(repo)}, "amd64")
			if !errors.Is(err, tt.want) || !strings.Contains(err.Error(), tt.msg) {
				t.Fatalf("Index() = %v, want %v mentioning %q", err, tt.want, tt.msg)
			}
			t.Logf("refused: %v", err)
		})
	}
}

// byHashPath is the by-hash URL path the Release gives for Packages+ext.
func byHashPath(r *debiantest.Repo, ext string) string {
	in := string(r.Get("dists/stable/InRelease"))
	i := strings.Index(in, "SHA256:")
	for _, line := range strings.Split(in[i:], "\n") {
		f := strings.Fields(line)
		if len(f) == 3 && strings.HasSuffix(f[2], "Packages"+ext) {
			return "dists/stable/main/binary-amd64/by-hash/SHA256/" + f[0]
		}
	}
	return ""
}

func TestDebMismatchRefused(t *testing.T) {
	repo := debiantest.NewRepo(t, "stable", "amd64", testPackages()...)
	c := newClient(t, repo)
	ctx := context.Background()
	ix, err := c.Index(ctx, []debian.Repo{repoOf(repo)}, "amd64")
	if err != nil {
		t.Fatal(err)
	}
	p, _ := ix.Lookup("hello", "")
	// Same size, other bytes: only the checksum can tell.
	evil := append([]byte{}, repo.Deb("hello")...)
	evil[len(evil)-3] ^= 0xff
	repo.Set(p.Filename, evil)
	_, err = c.Fetch(ctx, p)
	if !errors.Is(err, debian.ErrChecksum) || !strings.Contains(err.Error(), "hello") || !strings.Contains(err.Error(), "checksum mismatch: SHA256") {
		t.Fatalf("Fetch(tampered hello) = %v, want a checksum error naming hello", err)
	}
	// Nothing was cached: after the mirror is fixed, the good file is fetched.
	repo.Set(p.Filename, repo.Deb("hello"))
	if _, err := c.Fetch(ctx, p); err != nil {
		t.Fatalf("Fetch(fixed hello) = %v", err)
	}
	// A truncated download is refused too.
	c2 := newClient(t, repo)
	repo.Set(p.Filename, repo.Deb("hello")[:100])
	if _, err := c2.Fetch(ctx, p); !errors.Is(err, debian.ErrChecksum) {
		t.Fatalf("Fetch(truncated) = %v, want ErrChecksum", err)
	}
}

func TestCorruptCacheIsRefetched(t *testing.T) {
	repo := debiantest.NewRepo(t, "stable", "amd64", testPackages()...)
	c := newClient(t, repo)
	ctx := context.Background()
	ix, err := c.Index(ctx, []debian.Repo{repoOf(repo)}, "amd64")
	if err != nil {
		t.Fatal(err)
	}
	p, _ := ix.Lookup("hello", "")
	path, err := c.Fetch(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte("corrupt"), 0o644); err != nil {
		t.Fatal(err)
	}
	path, err = c.Fetch(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(path); !bytes.Equal(got, repo.Deb("hello")) {
		t.Error("a corrupt cache entry was used")
	}
}
