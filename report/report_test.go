package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSeverity(t *testing.T) {
	for in, want := range map[string]Severity{"critical": Critical, "HIGH": High, "error": High, "warning": Medium,
		"moderate": Medium, "low": Low, "style": Info, "note": Info, "unknown": Unknown, "negligible": Info} {
		got, err := ParseSeverity(in)
		if err != nil || got != want {
			t.Errorf("ParseSeverity(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	if _, err := ParseSeverity("severe"); err == nil {
		t.Error("ParseSeverity(severe) succeeded")
	}
	b, _ := json.Marshal(map[string]Severity{"s": High})
	if string(b) != `{"s":"high"}` {
		t.Errorf("JSON = %s", b)
	}
	var s Severity
	if err := json.Unmarshal([]byte(`"medium"`), &s); err != nil || s != Medium {
		t.Errorf("Unmarshal = %v, %v", s, err)
	}
	fs := []Finding{{Severity: Low}, {Severity: High}, {Severity: High}}
	if !AtLeast(fs, High) || AtLeast(fs, Critical) || CountBySeverity(fs)[High] != 2 {
		t.Error("AtLeast/CountBySeverity wrong")
	}
}

func TestTable(t *testing.T) {
	tb := NewTable("NAME", "SIZE").AlignRight(1)
	tb.Add("a", 1)
	tb.Add("longer|name", 12345)
	var text, md bytes.Buffer
	tb.WriteText(&text)
	tb.WriteMarkdown(&md)
	wantText := "NAME          SIZE\na                1\nlonger|name  12345\n"
	if d := cmp.Diff(wantText, text.String()); d != "" {
		t.Errorf("text (-want +got):\n%s", d)
	}
	wantMD := "| NAME | SIZE |\n|---|---:|\n| a | 1 |\n| longer\\|name | 12345 |\n"
	if d := cmp.Diff(wantMD, md.String()); d != "" {
		t.Errorf("markdown (-want +got):\n%s", d)
	}
}

func TestBytes(t *testing.T) {
	for n, want := range map[int64]string{0: "0 B", 999: "999 B", 1000: "1.00 kB", 6405: "6.41 kB", 1220598: "1.22 MB", 476_000_000: "476 MB", -2000: "-2.00 kB"} {
		if got := Bytes(n); got != want {
			t.Errorf("Bytes(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestWriteSARIF(t *testing.T) {
	findings := []Finding{
		{ID: "runs-as-root", Aliases: []string{"CIS-DI-0001"}, Severity: High, Title: "Image runs as root", Message: "User is empty", Evidence: []Evidence{{ConfigKey: "Config.User"}}},
		{ID: "DL3008", Severity: Medium, Title: "Pin versions in apt-get install", Evidence: []Evidence{{Path: "Dockerfile", Line: 3, Column: 1}}},
	}
	var buf bytes.Buffer
	if err := WriteSARIF(&buf, SARIFTool{Name: "harden", Version: "test"}, "node:18", nil, findings); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Version string `json:"version"`
		Runs    []struct {
			Tool struct {
				Driver struct {
					Rules []struct {
						ID string `json:"id"`
					} `json:"rules"`
				} `json:"driver"`
			} `json:"tool"`
			Results []struct {
				RuleID    string `json:"ruleId"`
				RuleIndex int    `json:"ruleIndex"`
				Level     string `json:"level"`
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct {
							URI string `json:"uri"`
						} `json:"artifactLocation"`
						Region *struct {
							StartLine int `json:"startLine"`
						} `json:"region"`
					} `json:"physicalLocation"`
				} `json:"locations"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Version != "2.1.0" || len(doc.Runs) != 1 || len(doc.Runs[0].Results) != 2 {
		t.Fatalf("SARIF = %s", buf.String())
	}
	r := doc.Runs[0]
	rules := r.Tool.Driver.Rules
	for _, res := range r.Results {
		if rules[res.RuleIndex].ID != res.RuleID {
			t.Errorf("result %s points at rule %s", res.RuleID, rules[res.RuleIndex].ID)
		}
	}
	if r.Results[0].Level != "error" || r.Results[0].Locations[0].PhysicalLocation.ArtifactLocation.URI != "node:18" {
		t.Errorf("root finding = %+v", r.Results[0])
	}
	if loc := r.Results[1].Locations[0].PhysicalLocation; loc.ArtifactLocation.URI != "Dockerfile" || loc.Region == nil || loc.Region.StartLine != 3 {
		t.Errorf("lint finding location = %+v", loc)
	}
	if !strings.Contains(buf.String(), "CIS-DI-0001") {
		t.Error("aliases missing from rule properties")
	}
}
