package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/harden-dev/harden/internal/testutil"
)

// TestDemo runs `harden demo` end to end: it is the integration test of the
// whole product, on a real Docker engine, and never skips in CI.
func TestDemo(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	testutil.RequireDocker(t)
	testutil.RequireImage(t, testutil.AppImage) // scripts/fixtures.sh node18 app
	work := t.TempDir()
	out := filepath.Join(work, "demo-report.html")
	args := []string{"demo", "--workdir", work, "-o", out, "--lines", "5"}
	if _, err := os.Stat(filepath.Join(sharedDir(), "vulndb")); err == nil {
		args = append(args, "--vulndb", filepath.Join(sharedDir(), "vulndb"))
	}
	var story string
	run := func() string {
		var stdout, stderr bytes.Buffer
		if code := Main(context.Background(), args, strings.NewReader(""), &stdout, &stderr); code != 0 {
			t.Fatalf("harden demo exit %d\nstderr: %s\nstdout: %s", code, stderr.String(), stdout.String())
		}
		story = stdout.String() + stderr.String()
		return stdout.String()
	}
	first := run()
	for _, want := range []string{
		"==> [10/10]", "verify: passed", "verify: GET 3000/ -> 200", `"uid":65532`,
		"harden minify", "harden fix + base", "Shell present", "removed", "wrote " + out,
	} {
		if !strings.Contains(first, want) {
			t.Errorf("demo output lacks %q", want)
		}
	}
	page, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"<svg", "What minify kept, and why", `data-grade="F"`, `data-grade="A"`} {
		if !strings.Contains(string(page), want) {
			t.Errorf("report lacks %q", want)
		}
	}
	// A re-run reuses everything it made; --format json puts the result on
	// stdout and the story on stderr.
	args = append(args, "--format", "json")
	second := run()
	if !strings.HasPrefix(strings.TrimSpace(second), "{") || !strings.Contains(second, `"comparison"`) || !strings.Contains(second, `"steps"`) {
		t.Errorf("--format json stdout is not the JSON result: %.300s", second)
	}
	for _, want := range []string{"was minified and verified before", "the nodejs base from", "was built and answered before"} {
		if !strings.Contains(story, want) {
			t.Errorf("second run did not reuse its cache: lacks %q", want)
		}
	}
	t.Logf("demo, first run:\n%s", first)
}
