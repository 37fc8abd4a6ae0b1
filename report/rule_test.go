package report

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestRuleHelpText(t *testing.T) {
	tests := []struct {
		name string
		r    Rule
		want string
	}{
		{"help and fix", Rule{Title: "T", Help: "why", Fix: "do this"}, "why\n\nFix: do this"},
		{"help only", Rule{Title: "T", Help: "why"}, "why"},
		{"fix only", Rule{Title: "T", Fix: "do this"}, "do this"},
		{"title only", Rule{Title: "T"}, "T"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.r.HelpText(); got != tt.want {
				t.Errorf("HelpText() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestRuleFinding(t *testing.T) {
	r := Rule{ID: "x", Aliases: []string{"A-1"}, Severity: High, Title: "T", Help: "why", Fix: "do this", HelpURI: "https://example.com"}
	ev := Evidence{Path: "/etc/shadow", Line: 3}
	want := Finding{ID: "x", Aliases: []string{"A-1"}, Severity: High, Title: "T", Message: "m", Fix: "do this", Evidence: []Evidence{ev}}
	if diff := cmp.Diff(want, r.Finding("m", ev)); diff != "" {
		t.Errorf("Finding mismatch (-want +got):\n%s", diff)
	}
}
