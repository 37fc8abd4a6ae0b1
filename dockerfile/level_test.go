package dockerfile

import (
	"testing"

	"github.com/harden-dev/harden/report"
)

func TestLevelOfInvertsSeverity(t *testing.T) {
	for _, l := range append(Levels(), Off) {
		if got := LevelOf(l.Severity()); got != l {
			t.Errorf("LevelOf(%s.Severity() = %s) = %s, want %s", l, l.Severity(), got, l)
		}
	}
	if got := LevelOf(report.Critical); got != Error {
		t.Errorf("LevelOf(critical) = %s, want error", got)
	}
}
