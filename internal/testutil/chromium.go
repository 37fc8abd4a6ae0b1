package testutil

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Chromium is a headless browser run per page, with the flags that keep it
// off the network.
type Chromium struct {
	bin string
}

// RequireChromium finds Debian's chromium (apt-get install chromium).
func RequireChromium(t testing.TB) *Chromium {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return &Chromium{bin: p}
		}
	}
	Unavailable(t, "chromium is not installed (apt-get install chromium)")
	return nil
}

// Page is what the browser made of a page.
type Page struct {
	// DOM is the serialized document after scripts ran.
	DOM string
	// Console holds every console message and uncaught error the page made.
	Console []string
}

// Render loads the file, returns its DOM and console messages, and writes a
// screenshot of width x height pixels to png when png is not empty.
func (c *Chromium) Render(t testing.TB, file, png string, width, height int) Page {
	t.Helper()
	abs, err := filepath.Abs(file)
	if err != nil {
		t.Fatal(err)
	}
	base := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
		"--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
		"--user-data-dir=" + t.TempDir(), "--enable-logging=stderr", "--v=0",
		"--window-size=" + itoa(width) + "," + itoa(height)}
	run := func(extra ...string) (string, string) {
		ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
		defer cancel()
		cmd := exec.CommandContext(ctx, c.bin, append(append(append([]string{}, base...), extra...), "file://"+abs)...)
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil {
			t.Fatalf("chromium: %v\n%s", err, stderr.String())
		}
		return stdout.String(), stderr.String()
	}
	dom, log := run("--dump-dom")
	p := Page{DOM: dom}
	for _, line := range strings.Split(log, "\n") {
		if strings.Contains(line, ":CONSOLE") {
			p.Console = append(p.Console, line)
		}
	}
	if png != "" {
		if err := os.MkdirAll(filepath.Dir(png), 0o755); err != nil {
			t.Fatal(err)
		}
		run("--screenshot=" + png)
		if st, err := os.Stat(png); err != nil || st.Size() == 0 {
			t.Fatalf("no screenshot at %s", png)
		}
	}
	return p
}

// ArtifactDir is where tests leave files for people to look at
// (HARDEN_TEST_ARTIFACTS, default test-artifacts at the repository root).
func ArtifactDir(t testing.TB) string {
	if d := os.Getenv("HARDEN_TEST_ARTIFACTS"); d != "" {
		return d
	}
	dir, _ := os.Getwd()
	for d := dir; d != "/"; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return filepath.Join(d, "test-artifacts")
		}
	}
	return t.TempDir()
}

func itoa(n int) string {
	b := []byte{}
	if n == 0 {
		return "0"
	}
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}
