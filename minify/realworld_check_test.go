package minify_test

import (
	"archive/tar"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os/exec"
	"path"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/harden-dev/harden/engine"
	"github.com/harden-dev/harden/minify"
	"github.com/harden-dev/harden/runconfig"
)

// cliResult is one run of `harden minify --format json`.
type cliResult struct {
	report *minify.Report
	exit   int
	stderr string
}

// runMinifyCLI runs the harden binary with args and reads its JSON report.
func runMinifyCLI(t *testing.T, harden string, args []string) cliResult {
	t.Helper()
	cmd := exec.Command(harden, append(args, "--format", "json", "-q")...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	res := cliResult{stderr: strings.TrimSpace(stderr.String())}
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		res.exit = exit.ExitCode()
	} else if err != nil {
		t.Fatalf("running harden: %v", err)
	}
	if stdout.Len() > 0 {
		res.report = &minify.Report{}
		if err := json.Unmarshal(stdout.Bytes(), res.report); err != nil {
			t.Fatalf("harden minify printed no JSON report: %v\n%s", err, stdout.String())
		}
	}
	t.Logf("harden %s: exit %d in %s", strings.Join(args, " "), res.exit, time.Since(start).Round(time.Second))
	if res.report != nil {
		for _, w := range res.report.Warnings {
			t.Logf("  warning: %s", w)
		}
	}
	return res
}

func (r cliResult) passed() bool {
	return r.exit == 0 && r.report != nil && r.report.Verify != nil && r.report.Verify.Passed
}

// cause says in one line why a run did not pass: harden's error, or the
// probes that differ and the end of the minified image's log.
func (r cliResult) cause() string {
	if r.report == nil || r.report.Verify == nil {
		return fmt.Sprintf("exit %d: %s", r.exit, clip(r.stderr, 400))
	}
	var parts []string
	for _, p := range r.report.Verify.Probes {
		if p.Same {
			continue
		}
		m := p.Minified
		got := m.Err
		if got == "" {
			got = fmt.Sprintf("status %d, exit %d, body %q", m.Status, m.ExitCode, clip(m.Body+m.Stdout, 120))
		}
		parts = append(parts, fmt.Sprintf("probe %s: %s (%s)", p.Probe, got, p.Detail))
	}
	if logs := lastLines(r.report.Verify.MinifiedLogs, 3); logs != "" {
		parts = append(parts, "minified log: "+logs)
	}
	return clip(strings.Join(parts, "; "), 700)
}

// imageFiles is what `docker export` shows of an image: the bytes of its
// regular files and every path.
type imageFiles struct {
	size  int64
	paths []string
}

// exportFiles lists an image's files through a created (never started)
// container and docker export (engine.Export), without harden's reader.
func exportFiles(t *testing.T, ref string) imageFiles {
	t.Helper()
	r, err := engine.New().Export(context.Background(), ref)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var f imageFiles
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("reading docker export of %s: %v", ref, err)
		}
		f.paths = append(f.paths, "/"+strings.TrimPrefix(path.Clean("/"+h.Name), "/"))
		if h.Typeflag == tar.TypeReg {
			f.size += h.Size
		}
	}
	if err := r.Close(); err != nil {
		t.Fatalf("docker export %s: %v", ref, err)
	}
	return f
}

// Shells and package managers that must not be left, by executable name
// in a bin directory, and package managers' own trees.
var (
	forbiddenNames = map[string]bool{
		"sh": true, "bash": true, "dash": true, "busybox": true, "ash": true, "zsh": true, "ksh": true, "mksh": true,
		"apt": true, "apt-get": true, "dpkg": true, "npm": true, "npx": true, "yarn": true, "yarnpkg": true,
		"corepack": true, "pip": true, "pip3": true, "gem": true,
	}
	forbiddenTrees = []string{"/usr/local/lib/node_modules/npm/", "/usr/lib/node_modules/npm/", "/opt/yarn-", "/var/lib/dpkg/info/"}
)

// forbidden returns the shells and package managers among the files.
func (f imageFiles) forbidden() []string {
	seen := map[string]bool{}
	for _, p := range f.paths {
		dir, base := path.Split(p)
		if forbiddenNames[base] && (strings.HasSuffix(dir, "/bin/") || strings.HasSuffix(dir, "/sbin/")) {
			seen[p] = true
		}
		for _, tree := range forbiddenTrees {
			if strings.HasPrefix(p, tree) {
				seen[strings.TrimSuffix(tree, "/")+"…"] = true
			}
		}
	}
	out := make([]string, 0, len(seen))
	for p := range seen {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// askHardened runs the minified image read-only, without capabilities, as
// 65532 with the tmpfs mounts `harden runtime` prints for it, on a network
// of its own with the port published on 127.0.0.1, and asks it the app's
// questions. It returns why it did not answer.
func askHardened(t *testing.T, harden, ref string, app realApp, port int, env []string) error {
	t.Helper()
	out, err := exec.Command(harden, "runtime", "docker-daemon:"+ref, "--format", "json", "-q").Output()
	if err != nil {
		return fmt.Errorf("harden runtime: %v", err)
	}
	var settings struct {
		Tmpfs []string `json:"tmpfs"`
	}
	if err := json.Unmarshal(out, &settings); err != nil {
		return fmt.Errorf("harden runtime printed no JSON: %v", err)
	}
	ctx := context.Background()
	e := engine.New()
	network, name := engine.UniqueName("test-rw"), engine.UniqueName("test-rw-"+app.name)
	if err := e.CreateNetwork(ctx, network); err != nil {
		t.Fatal(err)
	}
	defer e.RemoveNetwork(ctx, network)
	spec := engine.Spec{Image: ref, Name: name, Network: network, Env: env, Publish: []int{port},
		Hardened: &runconfig.Settings{ReadOnly: true, Tmpfs: settings.Tmpfs, CapDrop: []string{"ALL"}, NoNewPrivileges: true, User: "65532:65532"}}
	defer e.Remove(ctx, name)
	if _, err := e.Start(ctx, spec); err != nil {
		return fmt.Errorf("docker run: %s", clip(err.Error(), 300))
	}
	t.Logf("docker run %s", strings.Join(spec.Hardened.RunArgs(), " "))
	hostPort, err := e.Port(ctx, name, port)
	if err != nil {
		return err
	}
	addr := fmt.Sprintf("127.0.0.1:%d", hostPort)
	deadline := time.Now().Add(90 * time.Second)
	var last error
	for time.Now().Before(deadline) {
		if last = ask(app, addr); last == nil {
			return nil
		}
		if st, err := e.State(ctx, name); err == nil && !st.Running {
			logs, _ := e.Logs(ctx, name)
			return fmt.Errorf("exited (%d): %s", st.ExitCode, lastLines(logs, 3))
		}
		time.Sleep(time.Second)
	}
	logs, _ := e.Logs(ctx, name)
	return fmt.Errorf("no answer in 90s: %v; log: %s", last, lastLines(logs, 3))
}

// ask puts the app's questions to addr once.
func ask(app realApp, addr string) error {
	if app.tcp != nil {
		conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
		if err != nil {
			return err
		}
		defer conn.Close()
		conn.SetDeadline(time.Now().Add(5 * time.Second))
		if _, err := io.WriteString(conn, app.tcp.send); err != nil {
			return err
		}
		buf := make([]byte, 256)
		n, err := conn.Read(buf)
		if !strings.Contains(string(buf[:n]), app.tcp.want) {
			return fmt.Errorf("sent %q, got %q (%v), want %q", app.tcp.send, buf[:n], err, app.tcp.want)
		}
		return nil
	}
	client := &http.Client{Timeout: 10 * time.Second}
	for _, h := range app.http {
		resp, err := client.Get("http://" + addr + h.path)
		if err != nil {
			return err
		}
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(body), h.want) {
			return fmt.Errorf("GET %s: status %d, body %q, want 200 and %q", h.path, resp.StatusCode, clip(string(body), 200), h.want)
		}
	}
	return nil
}

// hasFlag reports whether a harden command has a flag (the harness runs
// before and after the flags other work adds).
func hasFlag(t *testing.T, harden, command, flag string) bool {
	out, err := exec.Command(harden, command, "--help").Output()
	if err != nil {
		t.Fatalf("harden %s --help: %v", command, err)
	}
	return strings.Contains(string(out), flag+" ")
}

func removeImage(ref string) { engine.New().RemoveImage(context.Background(), ref) }

// clip shortens s to n bytes on one line.
func clip(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

// lastLines returns the last n non-empty lines of s, joined by " / ".
func lastLines(s string, n int) string {
	var lines []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return clip(strings.Join(lines, " / "), 400)
}
