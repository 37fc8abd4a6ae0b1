package cli

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/harden-dev/harden/engine"
	"github.com/harden-dev/harden/internal/testutil"
)

// buildHarden builds the harden command for tests that run it as a
// process (CGO_ENABLED=0: the static helper --trace needs).
func buildHarden(t *testing.T) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "harden")
	cmd := exec.Command("go", "build", "-o", out, "github.com/harden-dev/harden/cmd/harden")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, b)
	}
	return out
}

// ours lists the containers harden started whose environment carries id,
// with the image each runs.
func ours(t *testing.T, id string) map[string]string {
	t.Helper()
	out, err := testutil.Docker("ps", "-a", "--filter", "label="+engine.Label, "--format", "{{.Names}}")
	if err != nil {
		t.Fatalf("docker ps: %v", err)
	}
	found := map[string]string{}
	for _, name := range strings.Fields(string(out)) {
		b, err := testutil.Docker("inspect", "--format", "{{.Config.Image}}|{{range .Config.Env}}{{.}} {{end}}", name)
		if err == nil && strings.Contains(string(b), "HARDEN_TEST_ID="+id) {
			found[name], _, _ = strings.Cut(string(b), "|")
		}
	}
	return found
}

// TestSignalRemovesContainers interrupts real harden processes while their
// probe containers run and checks that nothing they made is left: no
// container, no temporary image.
func TestSignalRemovesContainers(t *testing.T) {
	testutil.RequireImage(t, testutil.GoAppImage)
	bin := buildHarden(t)
	archive := filepath.Join(t.TempDir(), "goapp.tar")
	if _, err := testutil.Docker("save", "-o", archive, testutil.GoAppImage); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		args []string
		sig  syscall.Signal
	}{
		// the probe asks a port nothing listens on, so the run waits
		{"minify SIGINT", []string{"minify", "docker-archive:" + archive, "-o", "docker-archive:" + filepath.Join(t.TempDir(), "m.tar"),
			"--verify", "--no-trace", "--probe-http", "9/", "--probe-wait", "2m"}, syscall.SIGINT},
		{"minify SIGTERM", []string{"minify", "docker-archive:" + archive, "-o", "docker-archive:" + filepath.Join(t.TempDir(), "m.tar"),
			"--verify", "--no-trace", "--probe-http", "9/", "--probe-wait", "2m"}, syscall.SIGTERM},
		{"runtime --verify SIGINT", []string{"runtime", "--verify", "--probe-http", "9/", "--probe-wait", "2m", "docker-archive:" + archive}, syscall.SIGINT},
	} {
		t.Run(tt.name, func(t *testing.T) {
			id := fmt.Sprintf("%d-%d", os.Getpid(), time.Now().UnixNano())
			args := append(tt.args, "--probe-env", "HARDEN_TEST_ID="+id)
			cmd := exec.Command(bin, args...)
			var out bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &out
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			seen := map[string]string{}
			deadline := time.Now().Add(3 * time.Minute)
			for len(seen) == 0 && time.Now().Before(deadline) {
				select {
				case err := <-done:
					t.Fatalf("harden ended before a container ran: %v\n%s", err, out.String())
				case <-time.After(300 * time.Millisecond):
				}
				seen = ours(t, id)
			}
			if len(seen) == 0 {
				cmd.Process.Kill()
				t.Fatalf("no container of harden appeared\n%s", out.String())
			}
			cmd.Process.Signal(tt.sig)
			select {
			case <-done:
			case <-time.After(90 * time.Second):
				cmd.Process.Kill()
				t.Fatalf("harden did not end within 90s of %s\n%s", tt.sig, out.String())
			}
			if left := ours(t, id); len(left) > 0 {
				t.Errorf("after %s, containers are left: %v", tt.sig, left)
			}
			for name, img := range seen {
				if !strings.HasPrefix(img, engine.NamePrefix) {
					continue
				}
				if _, err := testutil.Docker("image", "inspect", img); err == nil {
					t.Errorf("after %s, the temporary image %s (of %s) is left", tt.sig, img, name)
				}
			}
			t.Logf("%s: %v ran, removed; harden said:\n%s", tt.sig, seen, out.String())
		})
	}
}

// TestSignalDemo interrupts `harden demo` while its minify step's probe
// containers run: the containers and the temporary images it loaded go.
func TestSignalDemo(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	testutil.RequireImage(t, testutil.AppImage)
	bin := buildHarden(t)
	before := map[string]bool{}
	cmd := exec.Command(bin, "demo", "--workdir", t.TempDir(), "-o", filepath.Join(t.TempDir(), "r.html"))
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// only this demo's containers: other packages' tests run beside it
	list := func() []string {
		out, err := testutil.Docker("ps", "-a", "--filter", fmt.Sprintf("label=%s=%d", engine.PIDLabel, cmd.Process.Pid), "--format", "{{.Names}}|{{.Image}}")
		if err != nil {
			t.Fatal(err)
		}
		return strings.Fields(out)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	// the demo's minify loads the app archive under a harden-minify/ tag
	var seen []string
	deadline := time.Now().Add(10 * time.Minute)
	for len(seen) == 0 && time.Now().Before(deadline) {
		select {
		case err := <-done:
			t.Fatalf("the demo ended before its probes ran: %v\n%s", err, out.String())
		case <-time.After(500 * time.Millisecond):
		}
		for _, c := range list() {
			if _, img, _ := strings.Cut(c, "|"); !before[c] && strings.HasPrefix(img, engine.NamePrefix+"minify/") {
				seen = append(seen, c)
			}
		}
	}
	if len(seen) == 0 {
		cmd.Process.Kill()
		t.Fatalf("no probe container of the demo appeared\n%s", out.String())
	}
	cmd.Process.Signal(syscall.SIGINT)
	select {
	case <-done:
	case <-time.After(2 * time.Minute):
		cmd.Process.Kill()
		t.Fatalf("the demo did not end within 2m of SIGINT\n%s", out.String())
	}
	for _, c := range seen {
		name, img, _ := strings.Cut(c, "|")
		if _, err := testutil.Docker("inspect", "--type", "container", name); err == nil {
			t.Errorf("after SIGINT, the demo's container %s is left", name)
		}
		if _, err := testutil.Docker("image", "inspect", img); err == nil {
			t.Errorf("after SIGINT, the demo's temporary image %s is left", img)
		}
	}
	t.Logf("removed %v; the demo said:\n%s", seen, out.String())
}
