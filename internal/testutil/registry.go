package testutil

import (
	"context"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/registry"
)

// FreePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func FreePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// StartRegistry runs Debian's docker-registry (the CNCF distribution
// registry) on 127.0.0.1 with storage in a temp dir, and returns its
// host:port. It is stopped when the test ends.
func StartRegistry(t testing.TB) string {
	t.Helper()
	bin, err := exec.LookPath("docker-registry")
	if err != nil {
		Unavailable(t, "docker-registry is not installed (apt-get install docker-registry)")
	}
	dir := t.TempDir()
	port := FreePort(t)
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	cfg := filepath.Join(dir, "config.yml")
	conf := fmt.Sprintf("version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: %s\n  delete:\n    enabled: true\nhttp:\n  addr: %s\n", filepath.Join(dir, "data"), addr)
	if err := os.WriteFile(cfg, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, bin, "serve", cfg)
	logf, _ := os.Create(filepath.Join(dir, "registry.log"))
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		cancel()
		t.Fatalf("starting docker-registry: %v", err)
	}
	t.Cleanup(func() { cancel(); cmd.Wait(); logf.Close() })
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get("http://" + addr + "/v2/")
		if err == nil {
			resp.Body.Close()
			return addr
		}
		time.Sleep(100 * time.Millisecond)
	}
	log, _ := os.ReadFile(filepath.Join(dir, "registry.log"))
	t.Fatalf("docker-registry did not answer on %s:\n%s", addr, log)
	return ""
}

// Skopeo copies an image between transports with Debian's skopeo, without
// TLS checks (the test registry speaks plain HTTP on 127.0.0.1).
func Skopeo(t testing.TB, src, dst string) {
	t.Helper()
	bin, err := exec.LookPath("skopeo")
	if err != nil {
		Unavailable(t, "skopeo is not installed (apt-get install skopeo)")
	}
	out, err := exec.Command(bin, "copy", "--quiet", "--src-tls-verify=false", "--dest-tls-verify=false", src, dst).CombinedOutput()
	if err != nil {
		t.Fatalf("skopeo copy %s %s: %v\n%s", src, dst, err, out)
	}
}

// DockerSave writes `docker save` of ref to a file in a temp dir.
func DockerSave(t testing.TB, ref string) string {
	t.Helper()
	docker := RequireDocker(t)
	p := filepath.Join(t.TempDir(), "image.tar")
	if out, err := exec.Command(docker, "save", "-o", p, ref).CombinedOutput(); err != nil {
		t.Fatalf("docker save %s: %v\n%s", ref, err, out)
	}
	return p
}

// PasswordRegistry serves go-containerregistry's in-process registry (no
// Referrers API, so the tag fallback) on 127.0.0.1 behind HTTP basic
// authentication as user with pass, and returns its host:port. It is
// stopped when the test ends.
func PasswordRegistry(t testing.TB, user, pass string) string {
	t.Helper()
	reg := registry.New(registry.WithReferrersSupport(false), registry.Logger(log.New(io.Discard, "", 0)))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if u, p, ok := r.BasicAuth(); !ok || u != user || p != pass {
			w.Header().Set("WWW-Authenticate", `Basic realm="test"`)
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		reg.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return strings.TrimPrefix(srv.URL, "http://")
}
