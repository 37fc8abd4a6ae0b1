package image_test

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"log"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/validate"
	"github.com/harden-dev/harden/fsindex"
	"github.com/harden-dev/harden/image"
	tu "github.com/harden-dev/harden/internal/testutil"
	"github.com/klauspost/compress/zstd"
)

func sharedImage(t *testing.T, name string) string {
	return filepath.Join(tu.SharedDir(t), "testdata", "images", name)
}

func open(t *testing.T, ref string, opts ...image.Option) *image.Image {
	t.Helper()
	img, err := image.Open(context.Background(), ref, opts...)
	if err != nil {
		t.Fatalf("Open(%q): %v", ref, err)
	}
	t.Cleanup(func() { img.Close() })
	return img
}

func index(t *testing.T, img v1.Image) *fsindex.Index {
	t.Helper()
	x, err := fsindex.Build(context.Background(), img)
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	return x
}

// TestSharedArchives opens every real archive in ../shared with the
// transport detected from the file, and checks what their makers say is in them.
func TestSharedArchives(t *testing.T) {
	tests := []struct {
		file      string
		transport image.Transport
		layers    int
		wantPaths []string
		entries   int
	}{
		{"dive-test-docker-image.tar", image.DockerArchive, 14, []string{"/root/saved.txt", "/somefile.txt"}, 0},
		{"dive-test-oci-uncompressed-image.tar", image.OCIArchive, 1, []string{"/README.md"}, 1},
		{"ggcr-hello-world-v25.tar", image.DockerArchive, 1, []string{"/hello"}, 1},
		{"ggcr-whiteout_image.tar", image.DockerArchive, 3, []string{"/bar.txt"}, 1},
		{"trivy-alpine-310.tar.gz", image.DockerArchive, 1, []string{"/lib/apk/db/installed", "/etc/alpine-release"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			img := open(t, sharedImage(t, tt.file))
			if img.Ref.Transport != tt.transport {
				t.Errorf("transport = %s, want %s", img.Ref.Transport, tt.transport)
			}
			x := index(t, img)
			if len(x.Layers) != tt.layers {
				t.Errorf("layers = %d, want %d", len(x.Layers), tt.layers)
			}
			for _, p := range tt.wantPaths {
				if _, ok := x.Lookup(p); !ok {
					t.Errorf("%s missing", p)
				}
			}
			if tt.entries > 0 && x.Len() != tt.entries {
				t.Errorf("entries = %d, want %d", x.Len(), tt.entries)
			}
		})
	}
}

func TestExplicitPlatformMismatch(t *testing.T) {
	// The dive OCI archive holds one linux/arm64 image.
	ref := "oci-archive:" + sharedImage(t, "dive-test-oci-uncompressed-image.tar")
	open(t, ref, image.WithPlatform("linux/arm64"))
	_, err := image.Open(context.Background(), ref, image.WithPlatform("linux/amd64"))
	if err == nil || !strings.Contains(err.Error(), "the only image is for linux/arm64, not linux/amd64") {
		t.Errorf("Open = %v, want a platform error", err)
	}
}

// TestZstdArchive: an archive compressed as a whole with zstd is read too.
func TestZstdArchive(t *testing.T) {
	src, err := os.ReadFile(sharedImage(t, "ggcr-whiteout_image.tar"))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw, _ := zstd.NewWriter(&buf)
	zw.Write(src)
	zw.Close()
	p := filepath.Join(t.TempDir(), "img.tar.zst")
	os.WriteFile(p, buf.Bytes(), 0o644)
	x := index(t, open(t, "docker-archive:"+p))
	if _, ok := x.Lookup("/bar.txt"); !ok || x.Len() != 1 {
		t.Errorf("entries = %d, want just /bar.txt", x.Len())
	}
}

func TestWriteAndReadBack(t *testing.T) {
	src := tu.Image(t, func(c *v1.Config) { c.Cmd = []string{"/app"} },
		[]tu.File{tu.Exe("app", "binary"), tu.Dir("etc/"), tu.Reg("etc/passwd", "root:x:0:0::/root:/sbin/nologin\n")},
		[]tu.File{tu.Whiteout("etc", "passwd")},
	)
	wantDigest, _ := src.Digest()
	dir := t.TempDir()
	reg := httptest.NewServer(registry.New(registry.Logger(log.New(io.Discard, "", 0))))
	t.Cleanup(reg.Close)
	u, _ := url.Parse(reg.URL)

	tests := []struct{ write, read string }{
		{"docker-archive:" + dir + "/img.tar", dir + "/img.tar"},
		{"oci:" + dir + "/layout:v1", "oci:" + dir + "/layout:v1"},
		{"oci-archive:" + dir + "/oci.tar", "oci-archive:" + dir + "/oci.tar"},
		{"registry:" + u.Host + "/harden/test:v1", "registry:" + u.Host + "/harden/test:v1"},
	}
	for _, tt := range tests {
		t.Run(tt.write, func(t *testing.T) {
			if err := image.Write(context.Background(), src, tt.write, image.WithInsecure(true)); err != nil {
				t.Fatalf("Write: %v", err)
			}
			img := open(t, tt.read, image.WithInsecure(true))
			if err := validate.Image(img); err != nil {
				t.Errorf("validate: %v", err)
			}
			x := index(t, img)
			if _, ok := x.Lookup("/app"); !ok || x.Len() != 2 {
				t.Errorf("entries %d, want /app and /etc", x.Len())
			}
			cf, _ := img.ConfigFile()
			if cf.Config.Cmd[0] != "/app" {
				t.Errorf("config lost: %+v", cf.Config)
			}
			if tt.write[:4] != "dock" { // docker save drops the manifest digest
				if d, _ := img.Digest(); d != wantDigest {
					t.Errorf("digest = %s, want %s", d, wantDigest)
				}
			}
		})
	}
	// A second tag in the same layout, then each tag picks its image.
	other := tu.Image(t, nil, []tu.File{tu.Reg("other", "x")})
	if err := image.Write(context.Background(), other, "oci:"+dir+"/layout:v2"); err != nil {
		t.Fatal(err)
	}
	if x := index(t, open(t, "oci:"+dir+"/layout:v2")); x.Len() != 1 {
		t.Errorf("v2 has %d entries, want 1", x.Len())
	}
	if x := index(t, open(t, "oci:"+dir+"/layout:v1")); x.Len() != 2 {
		t.Errorf("v1 has %d entries, want 2", x.Len())
	}
	_, err := image.Open(context.Background(), "oci:"+dir+"/layout")
	if err == nil || !strings.Contains(err.Error(), "2 images for linux/amd64 in the layout (tags: v1, v2)") {
		t.Errorf("untagged open of a two-image layout = %v, want a platform error listing both", err)
	}
	if _, err := image.Open(context.Background(), "oci:"+dir+"/layout:v3"); err == nil || !strings.Contains(err.Error(), `no image tagged "v3"`) {
		t.Errorf("open v3 = %v", err)
	}
}

func TestMultiPlatformIndex(t *testing.T) {
	amd, _ := random.Image(100, 1)
	arm, _ := random.Image(100, 1)
	idx := mutate.AppendManifests(empty.Index,
		mutate.IndexAddendum{Add: amd, Descriptor: v1.Descriptor{Platform: &v1.Platform{OS: "linux", Architecture: "amd64"}}},
		mutate.IndexAddendum{Add: arm, Descriptor: v1.Descriptor{Platform: &v1.Platform{OS: "linux", Architecture: "arm64", Variant: "v8"}}},
	)
	dir := t.TempDir()
	if err := writeIndexLayout(dir, idx); err != nil {
		t.Fatal(err)
	}
	armDigest, _ := arm.Digest()
	img := open(t, "oci:"+dir, image.WithPlatform("linux/arm64"))
	if d, _ := img.Digest(); d != armDigest {
		t.Errorf("picked %s, want the arm64 image %s", d, armDigest)
	}
	_, err := image.Open(context.Background(), "oci:"+dir, image.WithPlatform("linux/s390x"))
	if err == nil || !strings.Contains(err.Error(), "linux/amd64, linux/arm64/v8") {
		t.Errorf("Open s390x = %v, want the list of platforms", err)
	}
}

func TestBadInput(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	whole, err := os.ReadFile(sharedImage(t, "dive-test-docker-image.tar"))
	if err != nil {
		t.Fatal(err)
	}
	var gz bytes.Buffer
	gz.Write([]byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3})
	gz.WriteString("this is not deflate data at all, just text pretending")

	tests := []struct {
		name, ref, want string
	}{
		{"missing file", filepath.Join(dir, "nope.tar"), "no such file or directory"},
		{"missing with transport", "docker-archive:" + filepath.Join(dir, "nope.tar"), "no such file or directory"},
		{"not a tar", write("text.tar", []byte(strings.Repeat("hello, world\n", 100))), "not a tar archive"},
		{"truncated", write("half.tar", whole[:len(whole)/2]), "truncated"},
		{"bad gzip", write("bad.tar.gz", gz.Bytes()), "bad compressed archive"},
		{"tar without an image", write("plain.tar", tu.TarBytes(t, tu.Reg("hello.txt", "hi"))), "not an image archive"},
		{"directory as archive", "docker-archive:" + dir, "is a directory"},
		{"file as layout", "oci:" + write("f", []byte("x")), "not a directory"},
		{"dir without oci-layout", "oci:" + dir, "no oci-layout file"},
		{"unknown transport", "docker-archve:x.tar", "unknown transport"},
		{"bad platform", "oci:" + dir, "bad platform"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var opts []image.Option
			if tt.name == "bad platform" {
				opts = append(opts, image.WithPlatform("linux"))
			}
			img, err := image.Open(context.Background(), tt.ref, opts...)
			if err == nil {
				img.Close()
				t.Fatalf("Open(%q) succeeded, want %q", tt.ref, tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "\n") {
				t.Errorf("Open(%q) = %q, want one line containing %q", tt.ref, err, tt.want)
			}
		})
	}
}

// TestTamperedLayer changes one byte of file content inside a layer of a
// docker save archive: the index must refuse it, naming the layer.
func TestTamperedLayer(t *testing.T) {
	src, err := os.Open(sharedImage(t, "ggcr-whiteout_image.tar"))
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	var out bytes.Buffer
	tr, tw := tar.NewReader(src), tar.NewWriter(&out)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(tr)
		if strings.HasPrefix(h.Name, "5f986a68") && strings.HasSuffix(h.Name, "layer.tar") {
			i := bytes.Index(data, []byte("bar\n"))
			if i < 0 {
				t.Fatal("bar.txt content not found in layer 0")
			}
			data[i+2] = 'z'
		}
		tw.WriteHeader(h)
		tw.Write(data)
	}
	tw.Close()
	p := filepath.Join(t.TempDir(), "tampered.tar")
	os.WriteFile(p, out.Bytes(), 0o644)
	img := open(t, p)
	_, err = fsindex.Build(context.Background(), img)
	if err == nil || !strings.Contains(err.Error(), "layer 0 (sha256:") || !strings.Contains(err.Error(), "does not match the diff_id") {
		t.Errorf("Build = %v, want a digest mismatch for layer 0", err)
	}
}

// TestCorruptGzipLayer: a registry-style image whose gzip layer is cut short.
func TestCorruptGzipLayer(t *testing.T) {
	data := tu.TarBytes(t, tu.Reg("a", strings.Repeat("abcdefgh", 5000)))
	var gzbuf bytes.Buffer
	zw := gzip.NewWriter(&gzbuf)
	zw.Write(data)
	zw.Close()
	cut := gzbuf.Bytes()[:gzbuf.Len()/2]
	dir := t.TempDir()
	img := tu.Image(t, nil, []tu.File{tu.Reg("a", strings.Repeat("abcdefgh", 5000))})
	if err := image.Write(context.Background(), img, "oci:"+dir); err != nil {
		t.Fatal(err)
	}
	// Overwrite the layer blob with the truncated gzip stream.
	ls, _ := img.Layers()
	d, _ := ls[0].Digest()
	if err := os.WriteFile(filepath.Join(dir, "blobs", d.Algorithm, d.Hex), cut, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := fsindex.Build(context.Background(), open(t, "oci:"+dir))
	if err == nil || !strings.Contains(err.Error(), "layer 0") {
		t.Errorf("Build = %v, want an error naming layer 0", err)
	}
}

func TestDirTransport(t *testing.T) {
	root := t.TempDir()
	os.MkdirAll(filepath.Join(root, "usr/bin"), 0o755)
	os.WriteFile(filepath.Join(root, "usr/bin/app"), []byte("app"), 0o755)
	os.Symlink("/etc/shadow", filepath.Join(root, "usr/bin/escape")) // must stay a link
	os.Link(filepath.Join(root, "usr/bin/app"), filepath.Join(root, "usr/bin/app2"))
	img := open(t, "dir:"+root)
	x := index(t, img)
	e, ok := x.Lookup("/usr/bin/escape")
	if !ok || e.Type != fsindex.TypeSymlink || e.Link != "/etc/shadow" {
		t.Errorf("escape = %+v, want a symlink recorded as written", e)
	}
	if e, _ := x.Lookup("/usr/bin/app2"); e == nil || e.Type != fsindex.TypeHardlink {
		t.Errorf("app2 = %+v, want a hardlink", e)
	}
	// A bare directory argument is read as dir:.
	if img := open(t, root); img.Ref.Transport != image.Dir {
		t.Errorf("bare dir detected as %s", img.Ref.Transport)
	}
}
