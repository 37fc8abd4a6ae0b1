package minify_test

import (
	"context"
	"fmt"
	"github.com/harden-dev/harden/engine"
	"github.com/harden-dev/harden/runconfig"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	tu "github.com/harden-dev/harden/internal/testutil"
	"github.com/harden-dev/harden/minify"
)

// runtimeImagePrefix tags the images testdata/runtimes/build.sh makes.
const runtimeImagePrefix = "harden-test-runtimes"

var runtimeBuild sync.Mutex

// runtimeImage returns the runtime-layout image name, building it with
// testdata/runtimes/build.sh (root, the npm registry and apt) when the
// engine lacks it. The fixtures it starts from must exist.
func runtimeImage(t *testing.T, name string) string {
	t.Helper()
	tu.RequireDocker(t)
	ref := runtimeImagePrefix + "/" + name + ":latest"
	runtimeBuild.Lock()
	defer runtimeBuild.Unlock()
	if engine.New().HasImage(context.Background(), ref) {
		return ref
	}
	for _, base := range []string{tu.DebianImage, "harden-fixture/python3-base:latest", tu.JavaImage} {
		tu.RequireImage(t, base)
	}
	if os.Geteuid() != 0 {
		tu.Unavailable(t, "%s is missing and testdata/runtimes/build.sh needs root to build it", ref)
	}
	t.Logf("building %s with testdata/runtimes/build.sh", ref)
	if out, err := exec.Command("testdata/runtimes/build.sh", runtimeImagePrefix, name).CombinedOutput(); err != nil {
		tu.Unavailable(t, "testdata/runtimes/build.sh %s: %v\n%s", name, err, out)
	}
	return ref
}

// Runtimes where the official images put them, found from the entrypoint
// binary: node from the official tarball in /usr/local (npm and yarn not
// kept), a prebuilt native addon with its bundled libvips, Debian's numpy
// with a stray numpy/ folder on the way, Temurin's /opt/java/openjdk.
func TestEndToEndRuntimeLayouts(t *testing.T) {
	tests := []struct {
		name, port, body string
		kept, notKept    []string
		// wholeRuntime: the image is little more than a JRE the app
		// needs, so the half-the-size bound does not apply
		wholeRuntime bool
	}{
		{name: "node-express", port: "3000", body: `"hello from express"`,
			kept: []string{"/usr/local/bin/node", "/app/node_modules/express/index.js"},
			notKept: []string{"/usr/local/lib/node_modules/npm/package.json", "/usr/local/bin/npm", "/usr/local/bin/yarn",
				"/opt/yarn-v1.22.22/bin/yarn.js", "/usr/local/include/node/node.h"}},
		{name: "node-sharp", port: "3000", body: `"format":"png"`,
			kept: []string{"/app/node_modules/@img/sharp-linux-x64/lib/sharp-linux-x64.node"}},
		{name: "python-numpy", port: "8000", body: `"sum":66.0`,
			kept: []string{"/usr/lib/python3/dist-packages/numpy/__init__.py", "/etc/alternatives/libblas.so.3-x86_64-linux-gnu",
				"/usr/lib/python3/dist-packages/flask/__init__.py"},
			notKept: []string{"/usr/lib/python3.11/dist-packages/numpy/core/_stray.py"}},
		{name: "java-temurin", port: "8080", wholeRuntime: true,
			kept:    []string{"/opt/java/openjdk/lib/modules", "/opt/java/openjdk/lib/server/libjvm.so", "/opt/java/openjdk/release"},
			notKept: []string{"/opt/java/openjdk/legal", "/opt/java/openjdk/bin/keytool"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ref := runtimeImage(t, tt.name)
			m := minifyFixture(t, ref)
			if tt.wholeRuntime {
				m.checkHardenedNoSize(t)
			} else {
				m.checkHardened(t)
			}
			checkKept(t, m.sel, tt.kept, tt.notKept)
			port := tu.FreePort(t)
			p := minify.Probes{Wait: time.Minute, Env: []string{fmt.Sprintf("PORT=%d", port)},
				HTTP: []minify.HTTPProbe{{Port: port, Path: "/healthz", Status: 200}, {Port: port, Path: "/", Status: 200}}}
			settings, err := runconfig.ForImage(context.Background(), m.tag, m.out)
			if err != nil {
				t.Fatal(err)
			}
			res, err := minify.Verify(context.Background(), engine.New(), minify.VerifySpec{Original: ref, Minified: m.tag, Hardened: settings}, p)
			if err != nil {
				t.Fatal(err)
			}
			if !res.Passed {
				t.Fatalf("verify failed: %+v\nminified logs:\n%s", res.Probes, res.MinifiedLogs)
			}
			if body := res.Probes[1].Minified.Body; !strings.Contains(body, tt.body) {
				t.Errorf("GET / = %q, want it to contain %q", body, tt.body)
			}
		})
	}
}
