package policy

import (
	"strings"
	"testing"
	"time"

	"github.com/harden-dev/harden/report"
)

func TestScanMaxAge(t *testing.T) {
	tests := []struct {
		yaml string
		want time.Duration
	}{
		{"", DefaultMaxDBAge},
		{"scan:\n  maxDBAge: 48h\n", 48 * time.Hour},
		{"scan:\n  maxDBAge: 0s\n", 0},
	}
	for _, tt := range tests {
		c, err := Load(strings.NewReader(tt.yaml))
		if err != nil {
			t.Fatalf("Load(%q): %v", tt.yaml, err)
		}
		if got := c.Scan.MaxAge(); got != tt.want {
			t.Errorf("MaxAge for %q = %v, want %v", tt.yaml, got, tt.want)
		}
	}
	if _, err := Load(strings.NewReader("scan:\n  maxDBAge: soon\n")); err == nil {
		t.Error("Load accepted maxDBAge: soon")
	}
}

// TestScanIgnoreByCVE checks the scan use of ignores: an entry names a CVE
// that is an alias of the finding, with an expiry and a reason.
func TestScanIgnoreByCVE(t *testing.T) {
	c, err := Load(strings.NewReader(`
ignore:
  - id: CVE-2024-29041
    expires: 2026-12-31
    reason: express is not exposed
scan:
  db: /var/cache/harden
  vex: [vex.json]
`))
	if err != nil {
		t.Fatal(err)
	}
	if c.Scan.DB != "/var/cache/harden" || len(c.Scan.VEX) != 1 {
		t.Errorf("scan section = %+v", c.Scan)
	}
	f := report.Finding{ID: "GHSA-rv95-896h-c2vc", Aliases: []string{"CVE-2024-29041"}}
	before := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	if ig, ok := c.Suppressed(f, before); !ok || ig.Reason != "express is not exposed" {
		t.Errorf("Suppressed before expiry = %v, %v; want the entry", ig, ok)
	}
	after := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	if _, ok := c.Suppressed(f, after); ok {
		t.Error("Suppressed after expiry = true, want false")
	}
}
