package cli

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/harden-dev/harden/internal/testutil"
)

// TestPatchVerify patches the reference app's OpenSSL from the machine's
// apt sources (bookworm-security) and proves the patched image still
// answers like the original, run as `harden runtime` prints it.
func TestPatchVerify(t *testing.T) {
	testutil.RequireDocker(t)
	testutil.RequireImage(t, testutil.AppImage)
	out := filepath.Join(t.TempDir(), "patched.tar")
	var stdout, stderr bytes.Buffer
	code := Main(context.Background(), []string{"patch", "docker-daemon:" + testutil.AppImage, "--package", "libssl3",
		"-o", "docker-archive:" + out, "--verify", "--probe-http", "3000/healthz", "--probe-body", "ok", "--probe-env", "PORT=3000"},
		strings.NewReader(""), &stdout, &stderr)
	if code != 0 {
		t.Fatalf("harden patch --verify exited %d\nstdout:\n%s\nstderr:\n%s", code, stdout.String(), stderr.String())
	}
	for _, want := range []string{"libssl3", "verify (patched image run with", "--read-only", "verify: passed"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, stdout.String())
		}
	}
	// the temporary tags are gone
	if tags, _ := testutil.Docker("images", "--format", "{{.Repository}}", "harden-minify/*"); strings.Contains(tags, "candidate") {
		t.Errorf("temporary images left behind: %s", tags)
	}
}
