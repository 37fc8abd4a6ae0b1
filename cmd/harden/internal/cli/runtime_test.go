package cli

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/harden-dev/harden/internal/testutil"
)

// TestRuntimeVerify runs real images with the settings runtime recommends.
func TestRuntimeVerify(t *testing.T) {
	testutil.RequireImage(t, testutil.GoAppImage)
	run := func(args ...string) (int, string) {
		var stdout, stderr bytes.Buffer
		code := Main(context.Background(), args, strings.NewReader(""), &stdout, &stderr)
		return code, stdout.String() + stderr.String()
	}
	// the Go app answers under a read-only root, no capabilities, as 65532
	code, out := run("runtime", "--format", "docker", "--verify", "--probe-http", "8080/healthz", testutil.GoAppImage)
	if code != 0 || !strings.Contains(out, "verify: GET 8080/healthz -> 200") {
		t.Errorf("runtime --verify on the Go app: exit %d\n%s", code, out)
	}
	// asking a port nothing listens on fails with exit 1, and says why
	code, out = run("runtime", "--verify", "--probe-http", "9/healthz", "--probe-wait", "3s", testutil.GoAppImage)
	if code != 1 || !strings.Contains(out, "does not work with these settings") {
		t.Errorf("runtime --verify on a wrong port: exit %d, want 1\n%s", code, out)
	}
}
