package cli

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/harden-dev/harden/internal/testutil"
)

// TestDebug debugs a shell-less, hardened container from a debug container
// that shares its processes: the target's files and command line are seen.
func TestDebug(t *testing.T) {
	testutil.RequireImage(t, testutil.GoAppImage)
	testutil.RequireImage(t, testutil.DebianImage)
	out, err := testutil.Docker("run", "-d", "--read-only", "--cap-drop", "ALL", "--security-opt", "no-new-privileges",
		"--user", "65532:65532", "--network", "none", testutil.GoAppImage)
	if err != nil {
		t.Fatal(err)
	}
	target := strings.TrimSpace(out)
	t.Cleanup(func() { testutil.Docker("rm", "-f", target) })
	run := func(args ...string) (int, string, string) {
		var stdout, stderr bytes.Buffer
		code := Main(context.Background(), args, strings.NewReader(""), &stdout, &stderr)
		return code, stdout.String(), stderr.String()
	}
	code, stdout, stderr := run("debug", "--image", testutil.DebianImage, target, "--", "sh", "-c", "ls /proc/1/root/usr/local/bin; tr '\\0' ' ' </proc/1/cmdline")
	if code != 0 || !strings.Contains(stdout, "goapp\n") || !strings.Contains(stdout, "goapp ") {
		t.Errorf("debug: exit %d, stdout %q, stderr %q; want the target's binary and command line", code, stdout, stderr)
	}
	if !strings.Contains(stderr, "/proc/1/root") {
		t.Errorf("debug did not say where the target's filesystem is: %q", stderr)
	}
	if code, _, stderr := run("debug", "--image", testutil.DebianImage, target, "--", "false"); code != 2 || !strings.Contains(stderr, "exited with code 1") {
		t.Errorf("a failing command: exit %d, stderr %q", code, stderr)
	}
	if code, _, stderr := run("debug", "harden-no-such-container"); code != 2 || !strings.Contains(stderr, `no container "harden-no-such-container"`) {
		t.Errorf("a missing container: exit %d, stderr %q", code, stderr)
	}
	// the target is untouched: still running, still the same process
	if out, _ := testutil.Docker("inspect", "--format", "{{.State.Running}}", target); strings.TrimSpace(out) != "true" {
		t.Error("the target stopped")
	}
}
