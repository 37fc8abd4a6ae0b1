package cli

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/harden-dev/harden/internal/testutil"
)

func runHarden(args ...string) (int, string) {
	var stdout, stderr bytes.Buffer
	code := Main(context.Background(), args, strings.NewReader(""), &stdout, &stderr)
	return code, stdout.String() + stderr.String()
}

// decoy serves "ok" on a free port of the host's 127.0.0.1, as anything
// else on the host might: a probe that asks the host instead of the
// container under test takes its answer for the app's.
func decoy(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { fmt.Fprint(w, "ok") })}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return l.Addr().(*net.TCPAddr).Port
}

// TestVerifyIgnoresDecoy is issue 12's repro: the app cannot start (its
// script is excluded) while a host server answers on the probed port. The
// proof must fail; before the engine package it passed.
func TestVerifyIgnoresDecoy(t *testing.T) {
	testutil.RequireImage(t, testutil.AppImage)
	testutil.RequireImage(t, testutil.GoAppImage)
	port := fmt.Sprint(decoy(t))
	code, out := runHarden("minify", testutil.AppImage, "-o", "docker-archive:"+filepath.Join(t.TempDir(), "min.tar"),
		"--exclude", "/app/index.js", "--verify", "--probe-env", "PORT="+port,
		"--probe-http", port+"/", "--probe-body", "ok", "--probe-wait", "15s")
	if code != 1 || strings.Contains(out, "verify: passed") || !strings.Contains(out, "the container exited with code 1 before") {
		t.Errorf("minify --verify with a decoy on the host's port %s: exit %d, want 1 and the minified container's exit\n%s", port, code, out)
	}
	// runtime --verify: the Go app listens on 8080, not on the decoy's port
	code, out = runHarden("runtime", "--verify", "--probe-http", port+"/", "--probe-body", "ok", "--probe-wait", "3s", testutil.GoAppImage)
	if code != 1 || !strings.Contains(out, "does not work with these settings") {
		t.Errorf("runtime --verify with a decoy on the host's port %s: exit %d, want 1\n%s", port, code, out)
	}
}

// TestProbeTCP minifies a Python TCP server (PING → +PONG) and proves it
// with a TCP probe, in minify --verify and in runtime --verify; a wrong
// expected answer fails.
func TestProbeTCP(t *testing.T) {
	testutil.RequireImage(t, testutil.Python3Image)
	server := `python3 -c 'import socketserver as s
class H(s.StreamRequestHandler):
  def handle(self):
    if self.rfile.readline().strip() == b"PING": self.wfile.write(b"+PONG\r\n")
s.TCPServer(("", 7000), H).serve_forever()'`
	tar := filepath.Join(t.TempDir(), "tcp.tar")
	code, out := runHarden("minify", testutil.Python3Image, "-o", "docker-archive:"+tar, "--cmd", server, "--no-trace",
		"--verify", "--probe-tcp", "7000", "--probe-send", `PING\r\n`, "--probe-expect", "+PONG", "--format", "json")
	if code != 0 || !strings.Contains(out, `"passed": true`) || !strings.Contains(out, `"body": "+PONG\r\n"`) {
		t.Fatalf("minify --verify --probe-tcp: exit %d\n%s", code, out)
	}
	code, out = runHarden("runtime", "--verify", "--probe-tcp", "7000", "--probe-send", `PING\r\n`, "--probe-expect", "+PONG", "docker-archive:"+tar)
	if code != 0 || !strings.Contains(out, "verify: tcp 7000 -> +PONG") {
		t.Errorf("runtime --verify --probe-tcp: exit %d\n%s", code, out)
	}
	code, out = runHarden("runtime", "--verify", "--probe-tcp", "7000", "--probe-send", `PING\r\n`, "--probe-expect", "+PANG", "--probe-wait", "5s", "docker-archive:"+tar)
	if code != 1 || !strings.Contains(out, `the answer lacks "+PANG"`) {
		t.Errorf("runtime --verify expecting +PANG: exit %d, want 1\n%s", code, out)
	}
}

// TestTraceRecordsWrites minifies an app that writes outside /tmp: the
// trace sees where, the image's dev.harden.writable label records it,
// `harden runtime` mounts a tmpfs there, and --verify (which runs the
// minified image that way, read-only) passes.
func TestTraceRecordsWrites(t *testing.T) {
	testutil.RequireImage(t, testutil.Python3Image)
	t.Setenv("HARDEN_PROBE_BINARY", buildHarden(t))
	server := `python3 -c 'import os, socketserver as s
os.makedirs("/srv/state", exist_ok=True)
open("/srv/state/started", "w").write("yes")
class H(s.StreamRequestHandler):
  def handle(self):
    self.rfile.readline(); self.wfile.write(b"+" + open("/srv/state/started", "rb").read() + b"\r\n")
s.TCPServer(("", 7000), H).serve_forever()'`
	tar := filepath.Join(t.TempDir(), "w.tar")
	code, out := runHarden("minify", testutil.Python3Image, "-o", "docker-archive:"+tar, "--cmd", server, "--trace",
		"--verify", "--probe-tcp", "7000", "--probe-send", `PING\r\n`, "--probe-expect", "+yes", "--format", "json")
	if code != 0 || !strings.Contains(out, `"writable": [`) || !strings.Contains(out, `"/srv"`) || !strings.Contains(out, "--tmpfs /srv:") {
		t.Fatalf("minify --trace --verify of an app writing /srv/state: exit %d\n%s", code, out)
	}
	code, out = runHarden("runtime", "--format", "docker", "docker-archive:"+tar)
	if code != 0 || !strings.Contains(out, "--tmpfs /srv:rw,noexec,nosuid,size=64m") {
		t.Errorf("runtime does not mount the recorded directory: exit %d\n%s", code, out)
	}
}
