package minify_test

import (
	"context"
	"fmt"
	"github.com/harden-dev/harden/engine"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/harden-dev/harden/fsindex"
	"github.com/harden-dev/harden/image"
	tu "github.com/harden-dev/harden/internal/testutil"
	"github.com/harden-dev/harden/minify"
)

// realApp is one image of the real-world set and how to ask it whether it
// works.
type realApp struct {
	name, image string
	// port is the port the app listens on in its container; portEnv, when
	// set, is the variable that moves it (verify runs on the host network,
	// so a free port is picked).
	port    int
	portEnv string
	// http are the requests that must answer 200 with body containing
	// want; the last one is the minify --verify probe.
	http []httpCheck
	// tcp, when set, is a line sent and the answer expected (redis).
	tcp *tcpCheck
	// probeCmd is the --probe-cmd used when there is no HTTP probe.
	probeCmd string
}

type httpCheck struct{ path, want string }

type tcpCheck struct{ send, want string }

// realApps is issue 13's measurement set: images like the Docker official
// ones people run (scripts/fixtures.sh builds them).
var realApps = []realApp{
	{name: "node-official", image: tu.NodeOfficialImage, port: 3000, portEnv: "PORT",
		http: []httpCheck{{"/healthz", "ok"}, {"/", `"sha256"`}}},
	{name: "node-sharp", image: tu.NodeSharpImage, port: 3000, portEnv: "PORT",
		http: []httpCheck{{"/healthz", "ok"}, {"/resize", `"magic":"PNG"`}}},
	{name: "python-numpy", image: tu.PythonNumpyImage, port: 8000, portEnv: "PORT",
		http: []httpCheck{{"/healthz", "ok"}, {"/", `"det"`}}},
	{name: "nginx", image: tu.NginxImage, port: 8080,
		http: []httpCheck{{"/healthz", "ok"}, {"/", "hello from nginx"}}},
	// Verified with --probe-tcp when the harden under test has it (h-engine);
	// before, --verify can only compare `redis-server --version`, and the
	// independent check below asks PING over TCP.
	{name: "redis", image: tu.RedisImage, port: 6379, tcp: &tcpCheck{"PING\r\n", "+PONG"}, probeCmd: "--version"},
	{name: "ruby", image: tu.RubyImage, port: 8080, portEnv: "PORT",
		http: []httpCheck{{"/healthz", "ok"}, {"/", `"sha256"`}}},
	{name: "php", image: tu.PHPImage, port: 8080,
		http: []httpCheck{{"/healthz", "ok"}, {"/", `"sqlite"`}}},
	{name: "gocgo", image: tu.GoCgoImage, port: 8080, portEnv: "PORT",
		http: []httpCheck{{"/healthz", "ok"}, {"/", `"sqlite"`}}},
	{name: "java", image: tu.JavaImage, port: 8080, portEnv: "PORT",
		http: []httpCheck{{"/healthz", "ok"}, {"/", `"message"`}}},
}

// floorFactor bounds the minified image: its file bytes may be at most this
// many times the bytes of the files the app opens while it serves.
const floorFactor = 1.3

// TestRealWorld minifies each real-world image through the harden CLI with
// --verify (static analysis first, --trace when that does not pass), then
// checks the result without harden's help: it runs it read-only, without
// capabilities, as 65532 with the tmpfs mounts `harden runtime` names, on
// its own network, and asks it; it lists the image's files for shells and
// package managers; and it compares the size with the floor, what the
// original opened under strace while answering. A table of the results
// goes to test-artifacts/minify-realworld.md.
func TestRealWorld(t *testing.T) {
	tu.RequireDocker(t)
	harden := staticHarden(t)
	var rows []realRow
	t.Cleanup(func() { writeRealTable(t, rows) })
	for _, app := range realApps {
		row := realRow{app: app.name, floor: -1}
		t.Run(app.name, func(t *testing.T) {
			defer func() {
				if t.Failed() && row.cause == "" {
					row.cause = "see the test log"
				}
				rows = append(rows, row)
			}()
			tu.RequireImage(t, app.image)
			runRealApp(t, harden, app, &row)
		})
	}
}

func runRealApp(t *testing.T, harden string, app realApp, row *realRow) {
	ctx := context.Background()
	port := app.port
	var env []string
	if app.portEnv != "" {
		port = tu.FreePort(t)
		env = []string{fmt.Sprintf("%s=%d", app.portEnv, port)}
	}
	x := indexImage(t, app.image)
	row.before = minify.Summarize(x).Size

	// The floor: what the original opens while it answers, under strace.
	if len(app.http) > 0 || app.tcp != nil {
		p := minify.Probes{Wait: 3 * time.Minute, Env: env} // a JVM under strace -f starts slowly
		for _, h := range app.http {
			p.HTTP = append(p.HTTP, minify.HTTPProbe{Port: port, Path: h.path, Status: 200, Body: h.want})
		}
		if app.tcp != nil {
			p.TCP = append(p.TCP, minify.TCPProbe{Port: port, Send: app.tcp.send, Expect: app.tcp.want})
		}
		cfg := x.Config.Config
		argv := append(append([]string{}, cfg.Entrypoint...), cfg.Cmd...)
		paths, err := minify.Trace(ctx, engine.New(), minify.TraceSpec{Image: app.image,
			Argv: argv, WorkingDir: cfg.WorkingDir, Helper: harden}, p)
		if err != nil {
			t.Errorf("tracing the original for the floor: %v", err)
			row.addCause("floor: " + err.Error())
		} else {
			_, row.floor = minify.OpenedSize(x, floorPaths(x, argv, paths))
		}
	}

	// harden minify --verify, static first, then with --trace.
	out := randomTag("realworld-" + app.name)
	args := []string{"minify", "docker-daemon:" + app.image, "-o", "docker-daemon:" + out, "--verify", "--probe-wait", "90s"}
	for _, e := range env {
		args = append(args, "--probe-env", e)
	}
	if n := len(app.http); n > 0 {
		h := app.http[n-1]
		args = append(args, "--probe-http", fmt.Sprintf("%d%s", port, h.path), "--probe-status", "200", "--probe-body", h.want)
	} else if app.tcp != nil && hasFlag(t, harden, "minify", "--probe-tcp") {
		args = append(args, "--probe-tcp", fmt.Sprint(port), "--probe-send", strings.ReplaceAll(app.tcp.send, "\r\n", `\r\n`),
			"--probe-expect", app.tcp.want)
	} else {
		args = append(args, "--probe-cmd", app.probeCmd)
	}
	t.Cleanup(func() { removeImage(out) })
	row.mode = "static"
	res := runMinifyCLI(t, harden, args)
	if !res.passed() {
		t.Errorf("harden minify (static) did not pass: %s", res.cause())
		row.addCause("static: " + res.cause())
		if res.report != nil {
			row.mode = "traced"
			res = runMinifyCLI(t, harden, append(args, "--trace"))
			if !res.passed() {
				t.Errorf("harden minify --trace did not pass: %s", res.cause())
				row.addCause("traced: " + res.cause())
			}
		}
	}
	if res.report == nil {
		row.mode += " (no image)"
		return
	}

	// Checks that do not rely on harden's own verdict.
	files := exportFiles(t, out)
	row.after = files.size
	if bad := files.forbidden(); len(bad) > 0 {
		t.Errorf("the minified image keeps shells or package managers: %s", strings.Join(bad, ", "))
		row.addCause("keeps " + strings.Join(bad, ", "))
	}
	if err := askHardened(t, harden, out, app, port, env); err != nil {
		t.Errorf("the minified image, run hardened on its own: %v", err)
		row.addCause("hardened run: " + err.Error())
	}
	if row.floor > 0 && float64(row.after) > floorFactor*float64(row.floor) {
		t.Errorf("the minified image holds %d bytes of files, %.2fx the floor %d (at most %.1fx)",
			row.after, float64(row.after)/float64(row.floor), row.floor, floorFactor)
		row.addCause(fmt.Sprintf("size %.2fx the floor", float64(row.after)/float64(row.floor)))
	}
}

// indexImage reads an engine image with minify's wants.
func indexImage(t *testing.T, ref string) *fsindex.Index {
	t.Helper()
	ctx := context.Background()
	img, err := image.Open(ctx, "docker-daemon:"+ref)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { img.Close() })
	x, err := fsindex.Build(ctx, img, fsindex.WithWants(minify.Wants()...))
	if err != nil {
		t.Fatal(err)
	}
	return x
}

// realRow is one line of the results table.
type realRow struct {
	app                  string
	before, after, floor int64
	mode                 string
	causes               []string
	cause                string
}

func (r *realRow) addCause(s string) {
	r.causes = append(r.causes, s)
	r.cause = strings.Join(r.causes, "; ")
}

// writeRealTable writes the table as Markdown to the artifact directory and
// to the log.
func writeRealTable(t *testing.T, rows []realRow) {
	mb := func(n int64) string {
		if n <= 0 {
			return "-"
		}
		return fmt.Sprintf("%.1f MB", float64(n)/1e6)
	}
	var b strings.Builder
	b.WriteString("| app | before | after | floor | after / floor | static or traced | failure cause |\n|---|---|---|---|---|---|---|\n")
	for _, r := range rows {
		ratio := "-"
		if r.floor > 0 && r.after > 0 {
			ratio = fmt.Sprintf("%.2fx", float64(r.after)/float64(r.floor))
		}
		cause := r.cause
		if cause == "" {
			cause = "passed"
		}
		cause = strings.ReplaceAll(strings.ReplaceAll(cause, "|", `\|`), "\n", " ")
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s |\n", r.app, mb(r.before), mb(r.after), mb(r.floor), ratio, r.mode, cause)
	}
	t.Logf("real-world minify results:\n%s", b.String())
	dir := tu.ArtifactDir(t)
	if err := os.MkdirAll(dir, 0o755); err == nil {
		os.WriteFile(filepath.Join(dir, "minify-realworld.md"), []byte(b.String()), 0o644)
	}
}
