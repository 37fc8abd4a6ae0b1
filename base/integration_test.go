package base

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/validate"
	"github.com/harden-dev/harden/debian"
	"github.com/harden-dev/harden/engine"
	"github.com/harden-dev/harden/internal/layerfile"
	"github.com/harden-dev/harden/internal/testutil"
	"github.com/harden-dev/harden/runconfig"
)

// These tests build real bases from the Debian mirror this machine's apt
// sources name, run them in Docker as 65532 under --read-only --cap-drop
// ALL --security-opt no-new-privileges, and talk to them over HTTP. Downloads
// are cached in the user cache dir (harden/debs), so reruns are fast.
//
// Each base is also audited (audit_integration_test.go): no shell, no
// package manager, non-root, grade A or B.

// realSource reads the machine's apt sources; it skips (fails in CI) when
// there are none or the mirror does not answer. A mirror that answers with a
// bad signature fails the test.
func realSource(t testing.TB) *Source {
	t.Helper()
	if testing.Short() {
		t.Skip("-short: no network builds")
	}
	srcs, err := debian.SystemSources("/")
	if err != nil {
		testutil.Unavailable(t, "no apt sources: %v", err)
	}
	repos := debian.Repos(srcs, "amd64")
	dir, err := os.UserCacheDir()
	if err != nil {
		t.Fatal(err)
	}
	c, err := debian.NewClient(filepath.Join(dir, "harden", "debs"))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := c.Release(ctx, repos[0]); err != nil {
		if errors.Is(err, debian.ErrSignature) || errors.Is(err, debian.ErrExpired) {
			t.Fatalf("the machine's mirror: %v", err)
		}
		testutil.Unavailable(t, "the Debian mirror does not answer: %v", err)
	}
	src, err := NewSource(c, repos, nil)
	if err != nil {
		t.Fatal(err)
	}
	return src
}

func realBuild(t testing.TB, preset string, src *Source, opts ...Option) (v1.Image, *Result) {
	t.Helper()
	ps, err := BuiltinPresets()
	if err != nil {
		t.Fatal(err)
	}
	spec, err := ps.Spec(preset, "amd64")
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	img, r, err := Build(context.Background(), spec, src, "amd64", append([]Option{WithTempDir(t.TempDir())}, opts...)...)
	if err != nil {
		t.Fatalf("Build(%s) = %v", preset, err)
	}
	t.Cleanup(func() { r.Close() })
	if err := validate.Image(img); err != nil {
		t.Fatalf("validate.Image(%s) = %v", preset, err)
	}
	t.Logf("%s: %d packages, layer %d bytes (%d uncompressed), %s, built in %s", preset, len(r.Packages), r.LayerSize, r.LayerUncompressedSize, r.Digest, time.Since(start).Round(time.Millisecond))
	for _, c := range r.Cut {
		t.Logf("%s: cut: %s", preset, c)
	}
	return img, r
}

// withApp adds a layer of files (path -> content, mode) and sets the config.
func withApp(t testing.TB, img v1.Image, files map[string][]byte, mode int64, set func(*v1.Config)) v1.Image {
	t.Helper()
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	for path, body := range files {
		if err := tw.WriteHeader(&tar.Header{Name: path, Mode: mode, Size: int64(len(body)), Typeflag: tar.TypeReg, ModTime: time.Unix(0, 0)}); err != nil {
			t.Fatal(err)
		}
		tw.Write(body)
	}
	tw.Close()
	layer, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b.Bytes())), nil })
	if err != nil {
		t.Fatal(err)
	}
	img, err = mutate.AppendLayers(img, layer)
	if err != nil {
		t.Fatal(err)
	}
	cf, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	cfg := cf.Config
	set(&cfg)
	img, err = mutate.Config(img, cfg)
	if err != nil {
		t.Fatal(err)
	}
	// Not validate.Image: go-containerregistry v0.22.1's Append makes
	// Manifest() hold empty layer annotations that RawManifest() omits, and
	// validate reports that mismatch. The base itself is validated.
	return img
}

// load loads img into the engine under a fresh tag; the image is removed
// when the test ends.
func load(t testing.TB, img v1.Image, repo string) string {
	t.Helper()
	suffix := make([]byte, 4)
	rand.Read(suffix)
	ref := "harden-test/" + repo + ":" + hex.EncodeToString(suffix)
	e := engine.New()
	if err := e.Load(context.Background(), img, ref); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.RemoveImage(context.Background(), ref) })
	return ref
}

// serve runs ref hardened, publishing its port on 127.0.0.1, and returns
// the body of GET / once it answers.
func serve(t testing.TB, ref string, port int, args ...string) string {
	t.Helper()
	ctx := context.Background()
	e := engine.New()
	spec := engine.Spec{Image: ref, Name: engine.UniqueName("test-base"), Args: args, Publish: []int{port},
		Hardened: &runconfig.Settings{ReadOnly: true, CapDrop: []string{"ALL"}, NoNewPrivileges: true, User: "65532:65532"}}
	t.Cleanup(func() { e.Remove(context.Background(), spec.Name) })
	if _, err := e.Start(ctx, spec); err != nil {
		t.Fatal(err)
	}
	host, err := e.Port(ctx, spec.Name, port)
	if err != nil {
		t.Fatal(err)
	}
	url := fmt.Sprintf("http://127.0.0.1:%d/", host)
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get(url)
		if err == nil {
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return string(body)
			}
		}
		time.Sleep(300 * time.Millisecond)
	}
	logs, _ := e.Logs(ctx, spec.Name)
	t.Fatalf("%s did not answer on %s in 60s; logs:\n%s", ref, url, logs)
	return ""
}

func TestIntegrationNodejs(t *testing.T) {
	src := realSource(t)
	testutil.RequireDocker(t)
	img, r := realBuild(t, "nodejs", src)
	auditBase(t, "nodejs", img, r)

	// Same lock, same digest.
	_, again := realBuild(t, "nodejs", src, WithLock(r.Lock))
	if again.Digest != r.Digest {
		t.Errorf("rebuild from the lock: %s, want %s", again.Digest, r.Digest)
	}

	files := map[string][]byte{}
	for _, f := range []string{"index.js", "package.json"} {
		b, err := os.ReadFile(filepath.Join("..", "examples", "node-app", f))
		if err != nil {
			t.Fatal(err)
		}
		files["app/"+f] = b
	}
	app := withApp(t, img, files, 0o644, func(c *v1.Config) {
		c.WorkingDir = "/app"
		c.Cmd = []string{"index.js"}
	})
	body := serve(t, load(t, app, "node-app"), 3000)
	if !strings.Contains(body, `"uid":65532`) || !strings.Contains(body, "hello from harden") {
		t.Errorf("GET / = %q, want the app's JSON as uid 65532", body)
	}
	t.Logf("node app answered: %s", strings.TrimSpace(body))
	compareHandBuilt(t, src, r)
}

func TestIntegrationPython3(t *testing.T) {
	src := realSource(t)
	testutil.RequireDocker(t)
	img, r := realBuild(t, "python3", src)
	auditBase(t, "python3", img, r)
	ref := load(t, img, "python3")
	body := serve(t, ref, 8000, "-m", "http.server", "8000", "--directory", "/etc")
	if !strings.Contains(body, "os-release") || !strings.Contains(body, "passwd") {
		t.Errorf("python3 -m http.server listing of /etc = %q, want os-release and passwd", body)
	}
}

func TestIntegrationStatic(t *testing.T) {
	src := realSource(t)
	testutil.RequireDocker(t)
	dir := t.TempDir()
	code := `package main

import (
	"fmt"
	"net/http"
	"os"
)

func main() {
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		_, err := os.Stat("/etc/ssl/certs/ca-certificates.crt")
		fmt.Fprintf(w, "static uid=%d certs=%v\n", os.Getuid(), err == nil)
	})
	http.ListenAndServe(":8080", nil)
}
`
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(code), 0o644); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module server\n\ngo 1.22\n"), 0o644)
	bin := filepath.Join(dir, "server")
	cmd := exec.Command("go", "build", "-trimpath", "-o", bin, ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH=amd64", "GOFLAGS=-mod=mod", "GOWORK=off")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	exe, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	img, r := realBuild(t, "static", src)
	auditBase(t, "static", img, r)
	app := withApp(t, img, map[string][]byte{"server": exe}, 0o755, func(c *v1.Config) { c.Entrypoint = []string{"/server"} })
	body := serve(t, load(t, app, "static"), 8080)
	if strings.TrimSpace(body) != "static uid=65532 certs=true" {
		t.Errorf("GET / = %q, want static uid=65532 certs=true", body)
	}
}

// compareHandBuilt extracts the same .debs with dpkg-deb -x into a folder,
// tars it, and logs both sizes; the base must not be larger.
func compareHandBuilt(t *testing.T, src *Source, r *Result) {
	t.Helper()
	if _, err := exec.LookPath("dpkg-deb"); err != nil {
		testutil.Unavailable(t, "dpkg-deb is not installed")
	}
	root := filepath.Join(t.TempDir(), "rootfs")
	for _, lp := range r.Lock.Packages {
		path, err := src.Fetch(context.Background(), lp)
		if err != nil {
			t.Fatal(err)
		}
		if out, err := exec.Command("dpkg-deb", "-x", path, root).CombinedOutput(); err != nil {
			t.Fatalf("dpkg-deb -x %s: %v\n%s", lp.Name, err, out)
		}
	}
	tarPath := filepath.Join(t.TempDir(), "hand.tar")
	if out, err := exec.Command("tar", "-C", root, "-cf", tarPath, ".").CombinedOutput(); err != nil {
		t.Fatalf("tar: %v\n%s", err, out)
	}
	st, err := os.Stat(tarPath)
	if err != nil {
		t.Fatal(err)
	}
	gz, err := exec.Command("sh", "-c", "gzip -6 -c "+tarPath+" | wc -c").Output()
	if err != nil {
		t.Fatal(err)
	}
	// The hand-built tar through the same gzip as harden's layer.
	f, err := os.Open(tarPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out, err := os.Create(tarPath + ".gz")
	if err != nil {
		t.Fatal(err)
	}
	lw, err := layerfile.NewFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(lw, f); err != nil {
		t.Fatal(err)
	}
	handLayer, err := lw.Close()
	if err != nil {
		t.Fatal(err)
	}
	handSize, _ := handLayer.Size()
	t.Logf("size: harden nodejs base %d bytes uncompressed, %d gzip-6 layer; the same %d .debs by hand (dpkg-deb -x + tar) %d bytes uncompressed, %d with the same gzip, %s with GNU gzip -6",
		r.LayerUncompressedSize, r.LayerSize, len(r.Lock.Packages), st.Size(), handSize, strings.TrimSpace(string(gz)))
	if r.LayerUncompressedSize > st.Size() || r.LayerSize > handSize {
		t.Errorf("the harden base (%d, %d gzip) is larger than the hand-built one (%d, %d gzip)", r.LayerUncompressedSize, r.LayerSize, st.Size(), handSize)
	}
}

// BenchmarkNodejs times resolving and assembling the nodejs preset from a
// warm download cache (the index is read once, outside the timer).
// Run: go test -run '^$' -bench Nodejs ./base
func BenchmarkNodejs(b *testing.B) {
	src := realSource(b)
	ps, err := BuiltinPresets()
	if err != nil {
		b.Fatal(err)
	}
	spec, _ := ps.Spec("nodejs", "amd64")
	ctx := context.Background()
	ix, err := src.Index(ctx, "amd64")
	if err != nil {
		b.Fatal(err)
	}
	lock, _, err := Resolve(ix, spec)
	if err != nil {
		b.Fatal(err)
	}
	for _, lp := range lock.Packages { // warm the cache
		if _, err := src.Fetch(ctx, lp); err != nil {
			b.Fatal(err)
		}
	}
	tmp := b.TempDir()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		lock, _, err := Resolve(ix, spec)
		if err != nil {
			b.Fatal(err)
		}
		_, r, err := Assemble(ctx, lock, spec, src.Fetch, WithTempDir(tmp))
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(r.LayerUncompressedSize)/1e6, "MB-layer")
		r.Close()
	}
}
