package minify_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/harden-dev/harden/engine"
	"github.com/harden-dev/harden/fsindex"
	"github.com/harden-dev/harden/image"
	tu "github.com/harden-dev/harden/internal/testutil"
	"github.com/harden-dev/harden/minify"
	"github.com/harden-dev/harden/runconfig"
	"github.com/harden-dev/harden/sbom"
)

// TestEntrypointScriptEndToEnd puts an official-style docker-entrypoint.sh
// in front of the node app, with a CMD that only works through the script
// (index.js gets node in front), minifies it and proves the new image,
// which runs node directly, answers as the original does.
func TestEntrypointScriptEndToEnd(t *testing.T) {
	tu.RequireDocker(t)
	tu.RequireImage(t, tu.AppImage)
	ctx := context.Background()
	base, err := image.Open(ctx, "docker-daemon:"+tu.AppImage)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { base.Close() })
	img, err := mutate.Append(base, mutate.Addendum{Layer: tu.Layer(t,
		tu.Dir("usr/"), tu.Dir("usr/local/"), tu.Dir("usr/local/bin/"),
		tu.Exe("usr/local/bin/docker-entrypoint.sh", entrypointScript(t, "node.sh")))})
	if err != nil {
		t.Fatal(err)
	}
	cf, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	cfg := cf.Config
	cfg.Entrypoint, cfg.Cmd = []string{"docker-entrypoint.sh"}, []string{"index.js"}
	if img, err = mutate.Config(img, cfg); err != nil {
		t.Fatal(err)
	}
	orig := randomTag("entrypoint-script")
	if err := image.Write(ctx, img, "docker-daemon:"+orig); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { engine.New().RemoveImage(context.Background(), orig) })

	m := minifyFixture(t, orig)
	m.checkHardened(t)
	if diff := cmp.Diff([]string{"/usr/local/bin/docker-entrypoint.sh"}, m.sel.Program.Evaluated); diff != "" {
		t.Errorf("Evaluated (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"node"}, m.sel.Config.Entrypoint); diff != "" {
		t.Errorf("Entrypoint (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"index.js"}, m.sel.Config.Cmd); diff != "" {
		t.Errorf("Cmd (-want +got):\n%s", diff)
	}
	port := tu.FreePort(t)
	p := minify.Probes{Wait: time.Minute, Env: []string{fmt.Sprintf("PORT=%d", port)}}
	for _, path := range []string{"/healthz", "/"} {
		p.HTTP = append(p.HTTP, minify.HTTPProbe{Port: port, Path: path, Status: 200})
	}
	settings, err := runconfig.ForImage(ctx, m.tag, m.out)
	if err != nil {
		t.Fatal(err)
	}
	res, err := minify.Verify(ctx, engine.New(), minify.VerifySpec{Original: orig, Minified: m.tag, Hardened: settings}, p)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Passed {
		t.Fatalf("verify failed: %+v\nminified logs:\n%s", res.Probes, res.MinifiedLogs)
	}

	// the runtime the binary classifier finds in the original is still
	// found, at the same version, in the minified image
	before, after := runtimes(t, img), runtimes(t, m.out)
	if before["node"] == "" {
		t.Fatalf("sbom of the original lists no node runtime: %v", before)
	}
	if diff := cmp.Diff(before["node"], after["node"]); diff != "" {
		t.Errorf("node in the sbom of the minified image (-original +minified):\n%s", diff)
	}
}

// runtimes lists the generic packages (binary classifiers) of img's sbom.
func runtimes(t *testing.T, img v1.Image) map[string]string {
	t.Helper()
	ctx := context.Background()
	x, err := fsindex.Build(ctx, img, fsindex.WithWants(sbom.Wants()...))
	if err != nil {
		t.Fatal(err)
	}
	s, err := sbom.Generate(ctx, x)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, p := range s.Packages {
		if p.Type == "generic" {
			out[p.Name] = p.Version
		}
	}
	return out
}
