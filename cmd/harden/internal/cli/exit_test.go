package cli

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// TestExitCodes checks the documented exit codes: 0 ok, 1 a crossed
// threshold, 2 usage or input errors, each with one line on stderr.
func TestExitCodes(t *testing.T) {
	dive := filepath.Join(sharedDir(), "testdata", "images", "dive-test-docker-image.tar")
	tests := []struct {
		args []string
		want int
	}{
		{[]string{"version"}, 0},
		{[]string{"layers", dive}, 0},
		{[]string{"layers", "--ci", dive}, 1},
		{[]string{"layers", "--ci", "--highest-user-wasted-percent", "0.5", dive}, 0},
		{[]string{"layers", filepath.Join(t.TempDir(), "missing.tar")}, 2},
		{[]string{"layers", "--no-such-flag", dive}, 2},
		{[]string{"layers"}, 2},
		{[]string{"frobnicate"}, 2},
		{[]string{"--format", "xml", "layers", dive}, 2},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			got := Main(context.Background(), tt.args, strings.NewReader(""), &stdout, &stderr)
			if got != tt.want {
				t.Errorf("exit code = %d, want %d; stderr: %s", got, tt.want, stderr.String())
			}
			if tt.want != 0 && strings.Count(strings.TrimRight(stderr.String(), "\n"), "\n") != 0 {
				t.Errorf("stderr is not one line: %q", stderr.String())
			}
		})
	}
}

// TestDebugNamesTheSource: --debug says which image source was chosen.
func TestDebugNamesTheSource(t *testing.T) {
	dive := filepath.Join(sharedDir(), "testdata", "images", "ggcr-whiteout_image.tar")
	var stdout, stderr bytes.Buffer
	if code := Main(context.Background(), []string{"--debug", "files", dive}, strings.NewReader(""), &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	if !strings.Contains(stderr.String(), "image source chosen") || !strings.Contains(stderr.String(), "transport=docker-archive") {
		t.Errorf("--debug stderr = %q, want the chosen source", stderr.String())
	}
	stderr.Reset()
	Main(context.Background(), []string{"--quiet", "files", dive}, strings.NewReader(""), &stdout, &stderr)
	if stderr.Len() != 0 {
		t.Errorf("--quiet printed %q", stderr.String())
	}
}
