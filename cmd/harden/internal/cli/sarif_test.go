package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	tu "github.com/harden-dev/harden/internal/testutil"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// TestSARIFValid validates the SARIF of lint and scan, as the commands
// print it, against the SARIF 2.1.0 schema (audit's is validated in its
// package), and checks each run carries results with a rule for each.
func TestSARIFValid(t *testing.T) {
	shared := tu.SharedDir(t)
	db := filepath.Join(t.TempDir(), "db")
	run := func(args ...string) []byte {
		t.Helper()
		var stdout, stderr bytes.Buffer
		if code := Main(context.Background(), args, nil, &stdout, &stderr); code != 0 {
			t.Fatalf("harden %v: exit %d: %s", args, code, stderr.String())
		}
		return stdout.Bytes()
	}
	run("db", "import", "--db", db, "-q", filepath.Join(shared, "vulndb", "osv", "npm"))

	dockerfile := filepath.Join(t.TempDir(), "Dockerfile")
	if err := os.WriteFile(dockerfile, []byte("FROM node:18\nWORKDIR /app\nCOPY . .\nRUN npm install\nCMD [\"node\",\"index.js\"]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	lock := filepath.Join(shared, "testdata", "osv-offline-fixtures", "npm-express-lodash", "package-lock.json")
	for name, args := range map[string][]string{
		"lint": {"lint", "--format", "sarif", "--severity-threshold", "none", dockerfile},
		"scan": {"scan", "--db", db, "--format", "sarif", "-q", lock},
	} {
		t.Run(name, func(t *testing.T) {
			out := run(args...)
			tu.ValidateSARIF(t, out)
			var log struct {
				Runs []struct {
					Tool struct {
						Driver struct {
							Rules []struct{ ID string } `json:"rules"`
						} `json:"driver"`
					} `json:"tool"`
					Results []struct {
						RuleID string `json:"ruleId"`
					} `json:"results"`
				} `json:"runs"`
			}
			if err := json.Unmarshal(out, &log); err != nil {
				t.Fatal(err)
			}
			if len(log.Runs) != 1 || len(log.Runs[0].Results) < 3 {
				t.Fatalf("want one run with results, got %s", out)
			}
			rules := map[string]bool{}
			for _, r := range log.Runs[0].Tool.Driver.Rules {
				rules[r.ID] = true
			}
			for _, r := range log.Runs[0].Results {
				if !rules[r.RuleID] {
					t.Errorf("result %s has no rule in the driver", r.RuleID)
				}
			}
		})
	}
}

// TestSARIFSchemaRejects makes sure the validator is not vacuous: a run
// without a tool driver is not SARIF.
func TestSARIFSchemaRejects(t *testing.T) {
	inst, err := jsonschema.UnmarshalJSON(strings.NewReader(`{"version": "2.1.0", "runs": [{"tool": {}}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if tu.SARIFSchema(t).Validate(inst) == nil {
		t.Error("the SARIF schema accepted a run without tool.driver")
	}
}
