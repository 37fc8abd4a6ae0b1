package minify_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/harden-dev/harden/audit"
	"github.com/harden-dev/harden/engine"
	"github.com/harden-dev/harden/fsindex"
	"github.com/harden-dev/harden/image"
	tu "github.com/harden-dev/harden/internal/testutil"
	"github.com/harden-dev/harden/minify"
	"github.com/harden-dev/harden/runconfig"
)

func randomTag(kind string) string {
	b := make([]byte, 4)
	rand.Read(b)
	return "harden-test/" + kind + ":" + hex.EncodeToString(b)
}

// minified is one minified fixture, loaded into the engine.
type minified struct {
	img           v1.Image
	x             *fsindex.Index
	sel           *minify.Selection
	out           v1.Image
	tag           string
	before, after minify.Summary
	audit         *audit.Result
}

// minifyFixture minifies a fixture image and loads the result into the
// engine under a temporary tag, removed when the test ends.
func minifyFixture(t *testing.T, ref string, opts ...minify.Option) *minified {
	t.Helper()
	ctx := context.Background()
	img, err := image.Open(ctx, "docker-daemon:"+ref)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { img.Close() })
	m := &minified{img: img}
	m.x, err = fsindex.Build(ctx, img, fsindex.WithWants(minify.Wants()...))
	if err != nil {
		t.Fatal(err)
	}
	if m.sel, err = minify.Plan(ctx, m.x, opts...); err != nil {
		t.Fatalf("Plan: %v", err)
	}
	opts = append(opts, minify.WithWorkDir(t.TempDir()), minify.WithSource("docker-daemon:"+ref))
	if m.out, err = minify.Build(ctx, img, m.x, m.sel, opts...); err != nil {
		t.Fatalf("Build: %v", err)
	}
	m.tag = randomTag("minified")
	if err := image.Write(ctx, m.out, "docker-daemon:"+m.tag); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { engine.New().RemoveImage(context.Background(), m.tag) })
	ox, err := fsindex.Build(ctx, m.out, fsindex.WithWants(append(minify.SummaryWants(), audit.Wants()...)...))
	if err != nil {
		t.Fatal(err)
	}
	m.before, m.after = minify.Summarize(m.x), minify.Summarize(ox)
	if m.audit, err = audit.Run(ctx, ox, audit.WithReference("docker-daemon:"+m.tag)); err != nil {
		t.Fatal(err)
	}
	return m
}

// checkHardened asserts what every minified image must be.
func (m *minified) checkHardened(t *testing.T) {
	t.Helper()
	if d := m.after.Denied(); len(d) > 0 {
		t.Errorf("the minified image keeps shells, package managers or tools: %v", d)
	}
	// harden audit, which owns the definitions, must agree
	if s := m.audit.Summary; len(s.Shells)+len(s.PackageManagers)+len(s.Tools) > 0 || s.RunsAsRoot {
		t.Errorf("audit of the minified image: shells %v, package managers %v, tools %v, root %v", s.Shells, s.PackageManagers, s.Tools, s.RunsAsRoot)
	}
	if m.after.User != "65532:65532" {
		t.Errorf("User = %q, want 65532:65532", m.after.User)
	}
	if m.after.Size*2 > m.before.Size {
		t.Errorf("minified size %d is more than half the input's %d", m.after.Size, m.before.Size)
	}
	t.Logf("%s: %d -> %d bytes of files (%.0f%%), %d -> %d files, %d -> %d packages", m.x.Config.Config.Cmd,
		m.before.Size, m.after.Size, 100*float64(m.after.Size)/float64(m.before.Size),
		m.before.Files, m.after.Files, m.before.Packages, m.after.Packages)
	for _, w := range m.sel.Warnings {
		t.Logf("warning: %s", w)
	}
}

func TestEndToEnd(t *testing.T) {
	tu.RequireDocker(t)
	tests := []struct {
		name  string
		image string
		http  []string
		cmd   [][]string
	}{
		{name: "node", image: tu.AppImage, http: []string{"/healthz", "/"}},
		{name: "python3", image: tu.Python3Image, http: []string{"/healthz", "/"},
			cmd: [][]string{{"python3", "/app/server.py", "version"}}},
		{name: "go-static", image: tu.GoAppImage, http: []string{"/healthz", "/"}, cmd: [][]string{{"version"}}},
		{name: "java", image: tu.JavaImage, http: []string{"/healthz", "/"},
			cmd: [][]string{{"java", "-jar", "/app/app.jar", "version"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tu.RequireImage(t, tt.image)
			m := minifyFixture(t, tt.image)
			m.checkHardened(t)
			port := tu.FreePort(t)
			p := minify.Probes{Wait: time.Minute, Env: []string{fmt.Sprintf("PORT=%d", port)}, Cmd: tt.cmd}
			for _, path := range tt.http {
				p.HTTP = append(p.HTTP, minify.HTTPProbe{Port: port, Path: path, Status: 200})
			}
			settings, err := runconfig.ForImage(context.Background(), m.tag, m.out)
			if err != nil {
				t.Fatal(err)
			}
			res, err := minify.Verify(context.Background(), engine.New(), minify.VerifySpec{Original: tt.image, Minified: m.tag, Hardened: settings}, p)
			if err != nil {
				t.Fatal(err)
			}
			for _, pr := range res.Probes {
				t.Logf("%s: %+v / %+v", pr.Probe, pr.Original, pr.Minified)
			}
			if !res.Passed {
				t.Fatalf("verify failed: %+v\nminified logs:\n%s", res.Probes, res.MinifiedLogs)
			}
			if tt.name == "python3" && !strings.Contains(res.Probes[1].Minified.Body, `"sha256"`) {
				t.Errorf("python / body = %q", res.Probes[1].Minified.Body)
			}
		})
	}
}

// staticHarden builds harden with CGO_ENABLED=0, as make build does: the
// helper --trace and --healthcheck-http put into images.
func staticHarden(t testing.TB) string {
	t.Helper()
	if p := os.Getenv("HARDEN_PROBE_BINARY"); p != "" {
		return p
	}
	out := filepath.Join(t.TempDir(), "harden")
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags", "-s -w", "-o", out, "github.com/harden-dev/harden/cmd/harden")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building a static harden: %v\n%s", err, b)
	}
	return out
}

func TestTraceAndHealthcheck(t *testing.T) {
	tu.RequireImage(t, tu.AppImage)
	helper := staticHarden(t)
	ctx := context.Background()
	size, err := minify.CheckHelper(helper, "amd64")
	if err != nil {
		t.Fatal(err)
	}
	port := tu.FreePort(t)
	p := minify.Probes{Wait: time.Minute, Env: []string{fmt.Sprintf("PORT=%d", port)},
		HTTP: []minify.HTTPProbe{{Port: port, Path: "/healthz", Status: 200}}}
	paths, err := minify.Trace(ctx, engine.New(), minify.TraceSpec{
		Image: tu.AppImage, Argv: []string{"node", "index.js"}, WorkingDir: "/app", Helper: helper}, p)
	if err != nil {
		t.Fatalf("Trace: %v", err)
	}
	for _, want := range []string{"/app/index.js", "/lib/x86_64-linux-gnu/libnode.so.108"} {
		if !contains(paths, want) {
			t.Errorf("the trace lacks %s (%d paths)", want, len(paths))
		}
	}
	if contains(paths, minify.HelperPath) {
		t.Errorf("the trace lists the helper itself")
	}
	m := minifyFixture(t, tu.AppImage, minify.WithTraced(paths...), minify.WithHealthcheckProbe(&minify.HealthcheckProbe{
		Open: func() (io.ReadCloser, error) { return os.Open(helper) }, Size: size, Args: []string{"probe", "http", fmt.Sprintf("http://127.0.0.1:%d/healthz", port)},
	}))
	m.checkHardenedNoSize(t)
	// The exec-form HEALTHCHECK runs the probe in the hardened container,
	// here every second (a copy of the image with that interval).
	cf, err := m.out.ConfigFile()
	if err != nil || cf.Config.Healthcheck == nil {
		t.Fatalf("the minified image has no HEALTHCHECK (%v)", err)
	}
	cfg := cf.Config
	hc := *cfg.Healthcheck
	hc.Interval = time.Second
	cfg.Healthcheck = &hc
	fast, err := mutate.Config(m.out, cfg)
	if err != nil {
		t.Fatal(err)
	}
	e := engine.New()
	tag := randomTag("health")
	if err := e.Load(ctx, fast, tag); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.RemoveImage(context.Background(), tag) })
	name := engine.UniqueName("test-health")
	t.Cleanup(func() { e.Remove(context.Background(), name) })
	if _, err := e.Start(ctx, engine.Spec{Image: tag, Name: name, Env: []string{fmt.Sprintf("PORT=%d", port)},
		Hardened: &runconfig.Settings{ReadOnly: true, CapDrop: []string{"ALL"}, NoNewPrivileges: true}}); err != nil {
		t.Fatal(err)
	}
	status := ""
	for i := 0; i < 60 && status != "healthy"; i++ {
		time.Sleep(500 * time.Millisecond)
		status, _ = e.Health(ctx, name)
	}
	if status != "healthy" {
		logs, _ := e.Logs(ctx, name)
		t.Fatalf("health status %q, want healthy; logs:\n%s", status, logs)
	}
}

// checkHardenedNoSize is checkHardened without the size bound (the probe
// binary is harden itself).
func (m *minified) checkHardenedNoSize(t *testing.T) {
	t.Helper()
	if d := m.after.Denied(); len(d) > 0 {
		t.Errorf("the minified image keeps shells, package managers or tools: %v", d)
	}
	if m.after.User != "65532:65532" {
		t.Errorf("User = %q", m.after.User)
	}
}
