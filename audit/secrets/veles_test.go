package secrets

import (
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestVelesRules: the formats veles' detectors find come out of Scan,
// Text and Locate under harden's rule IDs and redactions, in files and in
// strings, and a line without one stays clean.
func TestVelesRules(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 7))
	letters := "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	tests := []struct {
		rule, secret, redacted string
	}{
		{"stripe-key", "sk_live_" + rnd(r, alnum, 24), "sk_live_****"},
		{"stripe-key", "rk_live_" + rnd(r, alnum, 24), "rk_live_****"},
		{"stripe-webhook-secret", "whsec_" + rnd(r, alnum, 32), "whsec_****"},
		{"npm-token", "npm_" + rnd(r, alnum, 36), "npm_****"},
		{"pypi-token", "pypi-AgEIcHlwaS5vcmc" + rnd(r, alnum, 90), "pypi-****"},
		{"rubygems-api-key", "rubygems_" + rnd(r, "0123456789abcdef", 48), "rubygems_****"},
		{"slack-app-token", "xapp-1-A" + rnd(r, upperDigits, 10) + "-" + rnd(r, "0123456789", 13) + "-" + rnd(r, "0123456789abcdef", 64), "xapp-****"},
		{"anthropic-api-key", "sk-ant-api03-" + rnd(r, alnum, 93) + "AA", "sk-ant-****"},
		{"openai-api-key", "sk-proj-" + rnd(r, alnum, 40) + "T3BlbkFJ" + rnd(r, alnum, 40), "sk-****"},
		{"huggingface-token", "hf_" + rnd(r, letters, 34), "hf_****"},
		{"sendgrid-api-key", "SG." + rnd(r, alnum, 22) + "." + rnd(r, alnum, 43), "SG.****"},
		{"dockerhub-token", "dckr_pat_" + rnd(r, alnum, 27), "dckr_pat_****"},
		{"digitalocean-token", "dop_v1_" + rnd(r, "0123456789abcdef", 64), "dop_v1_****"},
	}
	for _, tt := range tests {
		t.Run(tt.rule, func(t *testing.T) {
			data := "# config\nAPI = " + tt.secret + " # live\n"
			want := []Match{{Rule: tt.rule, Title: ruleTitle(tt.rule), Line: 2, Redacted: tt.redacted}}
			if d := cmp.Diff(want, Scan("/app/run.sh", []byte(data))); d != "" {
				t.Errorf("Scan (-want +got):\n%s", d)
			}
			red, ms := Text(data)
			if strings.Contains(red, tt.secret) || len(ms) != 1 || ms[0].Rule != tt.rule {
				t.Errorf("Text = %q, %+v", red, ms)
			}
			if !strings.Contains(red, "API = "+tt.redacted+" # live") {
				t.Errorf("Text redacted to %q", red)
			}
			if sp := Locate(data); len(sp) != 1 || data[sp[0].Start:sp[0].End] != tt.secret || sp[0].Rule != tt.rule {
				t.Errorf("Locate = %+v", sp)
			}
		})
	}
	// the keyword alone, or a format cut short, is no match
	for _, s := range []string{"npm_config_cache", "sk-ant-", "whsec_short", "SG.abc.def", "hf_lower"} {
		if ms := Scan("/app/a.js", []byte("x = '"+s+"'\n")); len(ms) != 0 {
			t.Errorf("Scan(%q) = %+v", s, ms)
		}
	}
}

func ruleTitle(id string) string {
	for _, r := range Rules() {
		if r.ID == id {
			return r.Title
		}
	}
	return ""
}

// TestDocsListEveryRule: docs/secrets.md has a row for every rule ID.
func TestDocsListEveryRule(t *testing.T) {
	doc, err := os.ReadFile("../../docs/secrets.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range Rules() {
		if !strings.Contains(string(doc), "| `"+r.ID+"` |") {
			t.Errorf("docs/secrets.md has no row for %s", r.ID)
		}
	}
}
