package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra/doc"
)

// TestCommandReference keeps docs/cli, the command reference generated
// from the commands themselves, in step with the code: it fails when a
// flag or a help text changed and the pages were not rewritten (go test
// ./internal/cli -run TestCommandReference -u).
func TestCommandReference(t *testing.T) {
	var out bytes.Buffer
	g := &globals{stdin: strings.NewReader(""), stdout: &out, stderr: &out, getenv: func(string) string { return "" }}
	root := New(g)
	root.DisableAutoGenTag = true
	tmp := t.TempDir()
	if err := doc.GenMarkdownTree(root, tmp); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join("..", "..", "..", "..", "docs", "cli")
	if *update {
		os.RemoveAll(dir)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	generated, _ := filepath.Glob(filepath.Join(tmp, "*.md"))
	for _, p := range generated {
		got, _ := os.ReadFile(p)
		dst := filepath.Join(dir, filepath.Base(p))
		if *update {
			if err := os.WriteFile(dst, got, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(dst)
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("docs/cli/%s is stale; run go test ./cmd/harden/internal/cli -run TestCommandReference -u", filepath.Base(p))
		}
	}
	committed, _ := filepath.Glob(filepath.Join(dir, "*.md"))
	if !*update && len(committed) != len(generated) {
		t.Errorf("docs/cli has %d pages, the commands make %d; run with -u", len(committed), len(generated))
	}
}
