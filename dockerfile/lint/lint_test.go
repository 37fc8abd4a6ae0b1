package lint

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/harden-dev/harden/dockerfile"
	"github.com/harden-dev/harden/dockerfile/rules"
)

var update = flag.Bool("update", false, "rewrite want files and golden files from the current output")

// findingLines renders findings as "LINE RULE" lines, the want.txt format.
func findingLines(r *Result) string {
	var b strings.Builder
	for _, f := range r.Findings {
		fmt.Fprintf(&b, "%d %s %s\n", f.Line, f.Level, f.Rule)
	}
	return b.String()
}

// TestCases lints every testdata/lint/<case>/Dockerfile (with the
// .dockerignore beside it, if any) and compares with want.txt.
func TestCases(t *testing.T) {
	dirs, err := os.ReadDir("testdata/lint")
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range dirs {
		if !d.IsDir() {
			continue
		}
		t.Run(d.Name(), func(t *testing.T) {
			dir := filepath.Join("testdata/lint", d.Name())
			r, err := File(filepath.Join(dir, "Dockerfile"), Config{Now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)})
			if err != nil {
				t.Fatal(err)
			}
			got := findingLines(r)
			wantFile := filepath.Join(dir, "want.txt")
			if *update {
				if err := os.WriteFile(wantFile, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(wantFile)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if diff := cmp.Diff(string(want), got); diff != "" {
				t.Errorf("lint %s (-want +got):\n%s", dir, diff)
			}
		})
	}
}

func rulesOf(r *Result) []string {
	var out []string
	for _, f := range r.Findings {
		out = append(out, fmt.Sprintf("%d:%s", f.Line, f.Rule))
	}
	return out
}

func TestConfig(t *testing.T) {
	src := []byte("FROM debian:12\nRUN cd /tmp\nRUN apt-get install -y curl=1\n# harden ignore=DL3003\nRUN cd /x\n")
	only := rulesByID(t, "DL3003", "DL3015", "DL1001", "DS024")
	tests := []struct {
		name string
		cfg  Config
		want []string
	}{
		{"defaults", Config{Rules: only}, []string{"2:DL3003", "3:DL3015"}},
		{"ignore by id", Config{Rules: only, Ignore: []string{"DL3015"}}, []string{"2:DL3003"}},
		{"ignore by alias, Trivy spelling", Config{Rules: only, Ignore: []string{"AVD-DS-0029", "ds013"}}, nil},
		{"level off drops", Config{Rules: only, Levels: map[string]dockerfile.Level{"DS013": dockerfile.Off}}, []string{"3:DL3015"}},
		{"level on enables an off rule", Config{Rules: only, Levels: map[string]dockerfile.Level{"DL1001": dockerfile.Warning}}, []string{"2:DL3003", "3:DL3015", "4:DL1001"}},
		{"pragmas disabled", Config{Rules: only, DisableIgnorePragma: true}, []string{"2:DL3003", "3:DL3015", "5:DL3003"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := rulesOf(Bytes("Dockerfile", src, tt.cfg))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("rules (-want +got):\n%s", diff)
			}
		})
	}
	r := Bytes("Dockerfile", src, Config{Rules: only, Levels: map[string]dockerfile.Level{"DS029": dockerfile.Error}})
	if r.Findings[1].Rule != "DL3015" || r.Findings[1].Level != dockerfile.Error {
		t.Errorf("level override by alias: %+v", r.Findings[1])
	}
}

func TestRequireDigest(t *testing.T) {
	src := []byte("FROM debian:12\n")
	cfg := Config{Rules: rulesByID(t, "HD005")}
	if lv := Bytes("D", src, cfg).Findings[0].Level; lv != dockerfile.Info {
		t.Errorf("HD005 level = %v, want info", lv)
	}
	cfg.Settings.RequireDigest = true
	if lv := Bytes("D", src, cfg).Findings[0].Level; lv != dockerfile.Warning {
		t.Errorf("HD005 level with RequireDigest = %v, want warning", lv)
	}
}

func TestTrivyIgnoreExpiry(t *testing.T) {
	src := []byte("FROM debian:12\n# trivy:ignore:DS013:exp:2025-06-30\nRUN cd /x\n")
	cfg := Config{Rules: rulesByID(t, "DL3003")}
	cfg.Now = time.Date(2025, 6, 30, 12, 0, 0, 0, time.UTC)
	if n := len(Bytes("D", src, cfg).Findings); n != 0 {
		t.Errorf("before expiry: %d findings, want 0", n)
	}
	cfg.Now = time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC)
	if n := len(Bytes("D", src, cfg).Findings); n != 1 {
		t.Errorf("after expiry: %d findings, want 1", n)
	}
}

func TestParseErrorFinding(t *testing.T) {
	r := Bytes("bad", []byte("FROM a:1\nRUN echo ok\nFROOM x\n"), Config{})
	if r.Err == nil || len(r.Findings) != 1 {
		t.Fatalf("Bytes(bad) = %+v", r)
	}
	f := r.Findings[0]
	if f.Rule != ParseErrorID || f.Line != 3 || f.Level != dockerfile.Error || !strings.Contains(f.Message, "unknown instruction") || f.Code != "FROOM x" {
		t.Errorf("parse error finding = %+v", f)
	}
}

// TestFix applies --fix to testdata/fix/<case>/Dockerfile and compares
// with want.Dockerfile; the fixed file must lint clean for the fixed rules.
func TestFix(t *testing.T) {
	dirs, err := os.ReadDir("testdata/fix")
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range dirs {
		t.Run(d.Name(), func(t *testing.T) {
			dir := filepath.Join("testdata/fix", d.Name())
			src, err := os.ReadFile(filepath.Join(dir, "Dockerfile"))
			if err != nil {
				t.Fatal(err)
			}
			r := Bytes("Dockerfile", src, Config{})
			fixed, n := r.Fix()
			wantFile := filepath.Join(dir, "want.Dockerfile")
			if *update {
				if err := os.WriteFile(wantFile, fixed, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(wantFile)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(string(want), string(fixed)); diff != "" {
				t.Errorf("Fix (-want +got):\n%s", diff)
			}
			if n == 0 {
				t.Error("Fix fixed nothing")
			}
			again := Bytes("Dockerfile", fixed, Config{})
			for _, f := range again.Findings {
				if f.Fixable {
					t.Errorf("after Fix, %s on line %d is still fixable", f.Rule, f.Line)
				}
			}
			if _, m := again.Fix(); m != 0 {
				t.Errorf("a second Fix changed %d more findings", m)
			}
		})
	}
}

func TestWriteDiff(t *testing.T) {
	var b bytes.Buffer
	a := "FROM a:1\nMAINTAINER me\nRUN x\nRUN y\nRUN z\nRUN t\nRUN w\nRUN v\nRUN u\nRUN npm install\n"
	c := "FROM a:1\nLABEL org.opencontainers.image.authors=\"me\"\nRUN x\nRUN y\nRUN z\nRUN t\nRUN w\nRUN v\nRUN u\nRUN npm ci --omit=dev"
	if err := WriteDiff(&b, "Dockerfile", []byte(a), []byte(c)); err != nil {
		t.Fatal(err)
	}
	want := `--- Dockerfile
+++ Dockerfile
@@ -1,5 +1,5 @@
 FROM a:1
-MAINTAINER me
+LABEL org.opencontainers.image.authors="me"
 RUN x
 RUN y
 RUN z
@@ -7,4 +7,4 @@
 RUN w
 RUN v
 RUN u
-RUN npm install
+RUN npm ci --omit=dev
\ No newline at end of file
`
	if diff := cmp.Diff(want, b.String()); diff != "" {
		t.Errorf("WriteDiff (-want +got):\n%s", diff)
	}
	b.Reset()
	_ = WriteDiff(&b, "x", []byte(a), []byte(a))
	if b.Len() != 0 {
		t.Errorf("WriteDiff of equal inputs wrote %q", b.String())
	}
}

func TestIsDockerfile(t *testing.T) {
	for name, want := range map[string]bool{
		"Dockerfile": true, "dockerfile": true, "Containerfile": true, "api.Dockerfile": true, "Dockerfile.dev": true,
		"Dockerfile.dockerignore": false, "Dockerfile.5.md": false, "main.go": false, "Dockerfiles": false,
	} {
		if got := IsDockerfile(name); got != want {
			t.Errorf("IsDockerfile(%q) = %v, want %v", name, got, want)
		}
	}
}

// rulesByID returns the rules with these IDs, in this order.
func rulesByID(t testing.TB, ids ...string) []rules.Rule {
	t.Helper()
	var out []rules.Rule
	for _, id := range ids {
		i := slices.IndexFunc(rules.All(), func(r rules.Rule) bool { return r.Meta().ID == id })
		if i < 0 {
			t.Fatalf("no rule %s", id)
		}
		out = append(out, rules.All()[i])
	}
	return out
}
