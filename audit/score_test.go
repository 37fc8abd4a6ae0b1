package audit

import (
	"testing"

	"github.com/harden-dev/harden/report"
)

func TestScore(t *testing.T) {
	rules := map[string]Rule{
		"a": {Rule: report.Rule{ID: "a", Severity: report.High}, Weight: 15, Cap: 15},
		"b": {Rule: report.Rule{ID: "b", Severity: report.Medium}, Weight: 2, Cap: 5},
		"c": {Rule: report.Rule{ID: "c", Severity: report.Info}, Weight: 0, Cap: 10},
	}
	f := func(id string, s report.Severity) report.Finding { return report.Finding{ID: id, Severity: s} }
	tests := []struct {
		name string
		fs   []report.Finding
		want int
	}{
		{"nothing", nil, 100},
		{"one heavy", []report.Finding{f("a", report.High)}, 85},
		{"cap per check", []report.Finding{f("a", report.High), f("a", report.High), f("b", report.Medium), f("b", report.Medium), f("b", report.Medium)}, 80},
		{"info weighs nothing", []report.Finding{f("c", report.Info)}, 100},
		{"escalated weighs 3", []report.Finding{f("c", report.High), f("c", report.High)}, 94},
		{"unknown check", []report.Finding{f("zz", report.Critical)}, 100},
		{"never below zero", []report.Finding{f("a", report.High), f("b", report.High), f("b", report.High), f("b", report.High)}, 80},
	}
	for _, tt := range tests {
		if got := Score(tt.fs, rules); got != tt.want {
			t.Errorf("%s: Score = %d, want %d", tt.name, got, tt.want)
		}
	}
}

func TestGrade(t *testing.T) {
	for score, want := range map[int]string{100: "A", 90: "A", 89: "B", 80: "B", 79: "C", 70: "C", 69: "D", 60: "D", 59: "F", 0: "F"} {
		if got := Grade(score); got != want {
			t.Errorf("Grade(%d) = %s, want %s", score, got, want)
		}
	}
}
