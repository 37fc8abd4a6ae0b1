package lint

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/harden-dev/harden/dockerfile/rules"
)

// goldenResults lints a fixed set of cases for the output-format tests.
func goldenResults(t *testing.T) []*Result {
	t.Helper()
	var out []*Result
	for _, c := range []string{"node-seed", "parse-error", "secrets-and-env"} {
		r, err := File(filepath.Join("testdata/lint", c, "Dockerfile"), Config{Now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	return out
}

// TestGolden renders the same results in every format and compares with
// testdata/golden/<format>.golden (-update rewrites them).
func TestGolden(t *testing.T) {
	results := goldenResults(t)
	for _, format := range Formats() {
		t.Run(format, func(t *testing.T) {
			var b bytes.Buffer
			if err := Write(&b, format, results, rules.All(), "test"); err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata/golden", format+".golden")
			if *update {
				if err := os.WriteFile(golden, b.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(string(want), b.String()); diff != "" {
				t.Errorf("%s output (-want +got):\n%s", format, diff)
			}
		})
	}
}

// TestJSONFields checks the fields every JSON finding must carry.
func TestJSONFields(t *testing.T) {
	var b bytes.Buffer
	if err := Write(&b, "json", goldenResults(t), nil, "test"); err != nil {
		t.Fatal(err)
	}
	var got []map[string]any
	if err := json.Unmarshal(b.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	for _, f := range got {
		for _, k := range []string{"file", "line", "column", "rule", "aliases", "level", "severity", "message"} {
			if _, ok := f[k]; !ok {
				t.Errorf("finding %v lacks %q", f, k)
			}
		}
	}
	if err := Write(&b, "yaml", nil, nil, ""); err == nil {
		t.Error("Write accepted an unknown format")
	}
}

func TestWriteRules(t *testing.T) {
	var b bytes.Buffer
	if err := WriteRules(&b, rulesByID(t, "DL3008", "DL3015"), false); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	var got [][]string
	for _, l := range lines {
		got = append(got, strings.Fields(l)[:3])
	}
	want := [][]string{{"ID", "LEVEL", "ALIASES"}, {"DL3008", "warning", "Pin"}, {"DL3015", "info", "DS029,CIS-4.3"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("WriteRules (-want +got):\n%s", diff)
	}
	if !strings.Contains(lines[2], " yes ") || strings.Contains(lines[1], " yes ") {
		t.Errorf("fixable column wrong:\n%s", b.String())
	}
}
