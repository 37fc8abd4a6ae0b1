package compare

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	tu "github.com/harden-dev/harden/internal/testutil"
)

// TestReportInBrowser renders the HTML report in headless Chromium: no
// console errors, the key numbers in the DOM after scripts ran, and a
// screenshot left in the test artifacts.
func TestReportInBrowser(t *testing.T) {
	chrome := tu.RequireChromium(t)
	c := Compare(measure(t, "traditional", traditional(t)), measure(t, "distroless", distroless(t)))
	var page bytes.Buffer
	if err := c.WriteHTML(&page, HTMLOptions{Version: "test"}); err != nil {
		t.Fatal(err)
	}
	for _, ref := range []string{`src="http`, `href="http`, `url(http`, "@import", "<link"} {
		if strings.Contains(page.String(), ref) {
			t.Errorf("the report refers to the network: %s", ref)
		}
	}
	file := filepath.Join(t.TempDir(), "report.html")
	os.WriteFile(file, page.Bytes(), 0o644)
	shot := filepath.Join(tu.ArtifactDir(t), "report.png")
	p := chrome.Render(t, file, shot, 1100, 2000)
	if len(p.Console) > 0 {
		t.Errorf("console messages: %q", p.Console)
	}
	for _, want := range []string{
		`data-grade="F"`, `data-grade="A"`, `data-score="">98<`,
		"yes (bash, sh)", "−80 %", "removed", "no (65532:65532)",
		`class="js"`, // the progressive enhancement ran
		"setuid-file",
	} {
		if !strings.Contains(p.DOM, want) {
			t.Errorf("DOM lacks %q", want)
		}
	}
	// A narrow window shows the same page (no horizontal layout break).
	chrome.Render(t, file, filepath.Join(tu.ArtifactDir(t), "report-narrow.png"), 420, 1600)
	t.Logf("screenshots in %s", filepath.Dir(shot))
}

// TestBrowserSeesConsoleErrors proves the console check above can fail.
func TestBrowserSeesConsoleErrors(t *testing.T) {
	chrome := tu.RequireChromium(t)
	file := filepath.Join(t.TempDir(), "bad.html")
	os.WriteFile(file, []byte(`<!DOCTYPE html><html><body><script>console.error("boom"); undefinedFunction();</script></body></html>`), 0o644)
	p := chrome.Render(t, file, "", 800, 600)
	if len(p.Console) < 2 {
		t.Errorf("console = %q, want the error and the uncaught exception", p.Console)
	}
}
