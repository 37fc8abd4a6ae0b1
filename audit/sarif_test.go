package audit

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	tu "github.com/harden-dev/harden/internal/testutil"
	"github.com/harden-dev/harden/report"
)

// richImage has at least one finding of most checks, and planted secrets
// in the env, the history and files.
func richImage(t *testing.T, f fakes) v1.Image {
	return checkCase{
		cfg: func(c *v1.Config) {
			c.Env = []string{"PATH=/usr/bin:/bin", "DB_PASSWORD=" + f.Password}
			c.Cmd = []string{"/bin/sh", "-c", "node app.js"}
			c.ExposedPorts = map[string]struct{}{"22/tcp": {}}
		},
		layers: [][]tu.File{
			{tu.Dir("bin/"), tu.Exe("bin/busybox", "x"), tu.Symlink("bin/sh", "busybox"), tu.Symlink("bin/wget", "busybox"),
				{Name: "bin/su", Mode: 0o4755, Body: "x"}, tu.Dir("etc/"),
				tu.Reg("etc/passwd", "root:x:0:0::/root:/bin/sh\ntoor:x:0:0::/root:/bin/sh\n"), tu.Reg("etc/group", "root:x:0:\n"),
				tu.Reg("etc/shadow", "root::1::::::\n")},
			{tu.Dir("app/"), tu.Reg("app/config.js", "module.exports = { token: '"+f.GitHub+"' };\n"), tu.Reg("app/.env", "API_KEY="+f.AWSSecret+"\n"),
				tu.Dir("root/"), tu.Dir("root/.ssh/"), tu.Reg("root/.ssh/id_ed25519", "-----BEGIN OPENSSH PRIVATE KEY-----\n"+f.KeyBody),
				{Name: "app/data/", Type: '5', Mode: 0o777}, tu.Reg("app/Dockerfile", "FROM x")},
		},
		history: []v1.History{
			{CreatedBy: "/bin/sh -c #(nop) ADD file:0 in / "},
			{CreatedBy: "/bin/sh -c #(nop)  CMD [\"sh\"]", EmptyLayer: true},
			{CreatedBy: "|1 NPM_TOKEN=" + f.Password + " /bin/sh -c apt-get update && echo " + f.Slack + " > /x"},
		},
	}.image(t)
}

// TestSARIFValidAgainstSchema validates the SARIF of a real audit against
// the SARIF 2.1.0 JSON schema.
func TestSARIFValidAgainstSchema(t *testing.T) {
	f := newFakes(41)
	res := auditImage(t, richImage(t, f), WithReference("app:latest"))
	if len(res.Findings) < 15 {
		t.Fatalf("only %d findings", len(res.Findings))
	}
	var buf bytes.Buffer
	if err := report.WriteSARIF(&buf, report.SARIFTool{Name: "harden", Version: "test", InformationURI: "https://example.invalid/harden"},
		"app:latest", ReportRules(), res.Findings); err != nil {
		t.Fatal(err)
	}
	tu.ValidateSARIF(t, buf.Bytes())
	// The schema would accept an empty run: check the results are there,
	// with rules for every finding and aliases in the rule properties.
	var log struct {
		Runs []struct {
			Tool struct {
				Driver struct {
					Rules []struct {
						ID         string         `json:"id"`
						Properties map[string]any `json:"properties"`
					} `json:"rules"`
				} `json:"driver"`
			} `json:"tool"`
			Results []struct {
				RuleID string `json:"ruleId"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(buf.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	if len(log.Runs) != 1 || len(log.Runs[0].Results) != len(res.Findings) || len(log.Runs[0].Tool.Driver.Rules) != len(All()) {
		t.Fatalf("SARIF has %d runs; want 1 run with %d results and %d rules", len(log.Runs), len(res.Findings), len(All()))
	}
	for _, r := range log.Runs[0].Tool.Driver.Rules {
		if r.ID == "runs-as-root" && !strings.Contains(toJSON(r.Properties["aliases"]), "CIS-DI-0001") {
			t.Errorf("runs-as-root rule has no CIS alias: %v", r.Properties)
		}
	}
	for _, s := range []string{f.Password, f.GitHub, f.Slack, f.AWSSecret, strings.Split(f.KeyBody, "\n")[0]} {
		if strings.Contains(buf.String(), s) {
			t.Errorf("SARIF output holds a planted secret")
		}
	}
}

func toJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// TestRichImage checks the audit of the synthetic image as a whole: which
// checks fire, the grade, and that no planted secret is in the JSON.
func TestRichImage(t *testing.T) {
	f := newFakes(42)
	res := auditImage(t, richImage(t, f), WithReference("app:latest"))
	got := ids(res)
	for _, id := range []string{"shell-present", "debug-tool-present", "setuid-file", "world-writable", "runs-as-root", "shadow-password",
		"duplicate-id", "system-account-login-shell", "secret-in-env", "secret-in-history", "secret-file", "secret-in-file",
		"no-healthcheck", "update-alone", "latest-tag", "sensitive-port", "unnecessary-file"} {
		if got[id] == 0 {
			t.Errorf("no %s finding", id)
		}
	}
	if res.Summary.Grade != "F" || res.Summary.Secrets < 5 {
		t.Errorf("grade %s, secrets %d", res.Summary.Grade, res.Summary.Secrets)
	}
	var buf bytes.Buffer
	if err := report.WriteJSON(&buf, res); err != nil {
		t.Fatal(err)
	}
	if err := report.WriteMarkdownFindings(&buf, res.Findings); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{f.Password, f.GitHub, f.Slack, f.AWSSecret} {
		if strings.Contains(buf.String(), s) {
			t.Errorf("JSON or Markdown output holds a planted secret")
		}
	}
	// Suppressing by a Dockle alias drops the finding and raises the score.
	sup := auditImage(t, richImage(t, f), WithIgnore(func(fd report.Finding) bool {
		for _, a := range fd.Aliases {
			if a == "CIS-DI-0001" {
				return true
			}
		}
		return false
	}))
	if ids(sup)["runs-as-root"] != 0 || len(sup.Suppressed) != 1 || sup.Checks[7].Suppressed != 1 {
		t.Errorf("ignore by alias: %v, suppressed %d", ids(sup), len(sup.Suppressed))
	}
}
