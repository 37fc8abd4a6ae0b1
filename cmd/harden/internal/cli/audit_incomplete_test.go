package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	tu "github.com/harden-dev/harden/internal/testutil"
)

// TestAuditIncomplete audits an image holding a file that looks like ELF
// but does not parse, so the elf-hardening check fails: every format says
// the score is incomplete, and --fail-on / --min-score exit 1 unless
// --allow-incomplete.
func TestAuditIncomplete(t *testing.T) {
	img := tu.Image(t, nil, []tu.File{tu.Dir("bin/"), tu.Reg("bin/broken", "\x7fELF not really an ELF file")})
	path := filepath.Join(t.TempDir(), "img.tar")
	tag, _ := name.NewTag("broken-elf:1")
	if err := tarball.WriteToFile(path, tag, img); err != nil {
		t.Fatal(err)
	}
	ref := "docker-archive:" + path
	run := func(args ...string) (int, string, string) {
		var stdout, stderr bytes.Buffer
		code := Main(context.Background(), append(append([]string{"audit"}, args...), ref), nil, &stdout, &stderr)
		return code, stdout.String(), stderr.String()
	}

	code, out, errOut := run()
	if code != 0 {
		t.Fatalf("plain audit: exit %d: %s", code, errOut)
	}
	if !regexp.MustCompile(`(?m)^Score +\d+/100 \([A-F], incomplete: elf-hardening did not run\)$`).MatchString(out) {
		t.Errorf("table grade line lacks the incomplete mark:\n%s", out)
	}

	_, out, _ = run("--format", "markdown")
	if !regexp.MustCompile(`\*\*Score \d+/100, grade [A-F], incomplete: elf-hardening did not run\*\*`).MatchString(out) {
		t.Errorf("markdown lacks the incomplete mark:\n%s", out)
	}

	_, out, _ = run("--format", "json")
	var j struct {
		Summary struct {
			Score      int      `json:"score"`
			Grade      string   `json:"grade"`
			Incomplete []string `json:"incomplete"`
		} `json:"summary"`
	}
	if err := json.Unmarshal([]byte(out), &j); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(j.Summary.Incomplete, []string{"elf-hardening"}) {
		t.Errorf("json summary.incomplete = %v", j.Summary.Incomplete)
	}

	_, out, _ = run("--format", "sarif")
	var s struct {
		Runs []struct {
			Properties map[string]any `json:"properties"`
		} `json:"runs"`
	}
	if err := json.Unmarshal([]byte(out), &s); err != nil {
		t.Fatal(err)
	}
	if len(s.Runs) != 1 {
		t.Fatalf("sarif has %d runs", len(s.Runs))
	}
	p := s.Runs[0].Properties
	if inc, _ := p["incomplete"].([]any); len(inc) != 1 || inc[0] != "elf-hardening" {
		t.Errorf("sarif run properties = %v, want incomplete [elf-hardening]", p)
	}
	if p["grade"] != j.Summary.Grade || p["score"] != float64(j.Summary.Score) {
		t.Errorf("sarif run properties = %v, want the score %d and grade %s", p, j.Summary.Score, j.Summary.Grade)
	}

	// nothing is critical and the score is high, but the audit is incomplete
	for _, gate := range [][]string{{"--fail-on", "critical"}, {"--min-score", "1"}} {
		code, _, errOut = run(gate...)
		if code != 1 || !strings.Contains(errOut, "incomplete (elf-hardening did not run)") {
			t.Errorf("%v: exit %d, stderr %q; want 1 naming the check", gate, code, errOut)
		}
		code, _, errOut = run(append(gate, "--allow-incomplete")...)
		if code != 0 {
			t.Errorf("%v --allow-incomplete: exit %d: %s", gate, code, errOut)
		}
	}
}
