package dockerfile_test

import (
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/harden-dev/harden/dockerfile"
	"github.com/harden-dev/harden/dockerfile/lint"
)

var update = flag.Bool("update", false, "rewrite golden files")

// TestRewrite runs harden fix on testdata/rewrite/<case>/Dockerfile and
// compares with want.Dockerfile and want.json; the output must parse and
// be free of the distroless findings it exists to remove.
func TestRewrite(t *testing.T) {
	dirs, err := os.ReadDir("testdata/rewrite")
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range dirs {
		t.Run(d.Name(), func(t *testing.T) {
			dir := filepath.Join("testdata/rewrite", d.Name())
			src, err := os.ReadFile(filepath.Join(dir, "Dockerfile"))
			if err != nil {
				t.Fatal(err)
			}
			f, err := dockerfile.ParseBytes("Dockerfile", src)
			if err != nil {
				t.Fatal(err)
			}
			// examples/node-app ships no lock file.
			noLock := func(name string) bool { return d.Name() != "node-app" }
			res, err := dockerfile.Rewrite(f, dockerfile.WithContextFiles(noLock))
			if err != nil {
				t.Fatal(err)
			}
			js, _ := json.MarshalIndent(res.Changes, "", "  ")
			golden := map[string]string{"want.Dockerfile": res.Dockerfile, "want.json": string(js) + "\n"}
			for name, got := range golden {
				p := filepath.Join(dir, name)
				if *update {
					if err := os.WriteFile(p, []byte(got), 0o644); err != nil {
						t.Fatal(err)
					}
					continue
				}
				want, err := os.ReadFile(p)
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(string(want), got); diff != "" {
					t.Errorf("%s (-want +got):\n%s", p, diff)
				}
			}
			r := lint.Bytes("Dockerfile", []byte(res.Dockerfile), lint.Config{})
			if r.Err != nil {
				t.Fatalf("rewritten file does not parse: %v", r.Err)
			}
			for _, fd := range r.Findings {
				if slices.Contains([]string{"HD001", "HD002", "HD003", "HD004", "HD007", "DL3002", "DL3025", "DL4000"}, fd.Rule) {
					t.Errorf("rewritten file still has %s on line %d: %s", fd.Rule, fd.Line, fd.Message)
				}
			}
		})
	}
}

func TestRewriteRefuses(t *testing.T) {
	for _, src := range []string{
		"FROM golang:1.22 AS b\nFROM scratch\n",
		"FROM ubuntu:24.04\nCMD [\"/app\"]\n",
	} {
		f, err := dockerfile.ParseBytes("Dockerfile", []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := dockerfile.Rewrite(f); !errors.Is(err, dockerfile.ErrNotRewritable) {
			t.Errorf("Rewrite(%q) = %v, want ErrNotRewritable", src, err)
		}
	}
	f, _ := dockerfile.ParseBytes("Dockerfile", []byte("FROM node:20\nCMD [\"node\",\"a.js\"]\n"))
	res, err := dockerfile.Rewrite(f, dockerfile.WithBase("localhost:5000/harden/node:20"))
	if err != nil || res.Base != "localhost:5000/harden/node:20" {
		t.Errorf("WithBase: %v, %+v", err, res)
	}
	if _, err := dockerfile.Rewrite(f, dockerfile.WithBase("bad base")); err == nil {
		t.Error("WithBase accepted a reference with a blank")
	}
}
