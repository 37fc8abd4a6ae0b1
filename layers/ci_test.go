package layers

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func f64(v float64) *float64 { return &v }
func i64(v int64) *int64     { return &v }

// TestParseDiveCI reads .dive-ci files as Dive does: a "rules:" map whose
// byte counts follow go-humanize (MB decimal, MiB binary), where
// "disabled" turns a rule off and a rule not named keeps its value.
func TestParseDiveCI(t *testing.T) {
	tests := []struct {
		name string
		file string
		want Thresholds
	}{
		{"Dive's README example", "rules:\n  lowestEfficiency: 0.95\n  highestWastedBytes: 20MB\n  highestUserWastedPercent: 0.20\n",
			Thresholds{LowestEfficiency: f64(0.95), HighestWastedBytes: i64(20_000_000), HighestUserWastedPercent: f64(0.2)}},
		{"binary units, spaces, lower case", "rules:\n  highestWastedBytes: 1.5 mib\n",
			Thresholds{LowestEfficiency: f64(0.9), HighestWastedBytes: i64(1572864), HighestUserWastedPercent: f64(0.1)}},
		{"plain byte count", "rules:\n  highestWastedBytes: 1000\n",
			Thresholds{LowestEfficiency: f64(0.9), HighestWastedBytes: i64(1000), HighestUserWastedPercent: f64(0.1)}},
		{"disabled rules", "rules:\n  lowestEfficiency: disabled\n  highestUserWastedPercent: Disabled\n",
			Thresholds{}},
		{"off, false and no value disable too (Dive's isRuleDisabled)", "rules:\n  lowestEfficiency: off\n  highestUserWastedPercent: false\n  highestWastedBytes:\n",
			Thresholds{}},
		{"the ends of the ratio range", "rules:\n  lowestEfficiency: 1\n  highestUserWastedPercent: 0\n",
			Thresholds{LowestEfficiency: f64(1), HighestUserWastedPercent: f64(0)}},
		{"rules not named keep the defaults", "rules:\n  lowestEfficiency: 0.5\n",
			Thresholds{LowestEfficiency: f64(0.5), HighestUserWastedPercent: f64(0.1)}},
		{"kebab-case keys", "rules:\n  lowest-efficiency: 0.7\n  highest-wasted-bytes: 2KB\n  highest-user-wasted-percent: 0.3\n",
			Thresholds{LowestEfficiency: f64(0.7), HighestWastedBytes: i64(2000), HighestUserWastedPercent: f64(0.3)}},
		{"an empty file changes nothing", "",
			DefaultThresholds()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseDiveCI(strings.NewReader(tt.file), DefaultThresholds())
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("thresholds (-want +got):\n%s", d)
			}
		})
	}
}

// TestParseDiveCIErrors: a bad file is one clear error naming the rule,
// and the thresholds given are returned unchanged.
func TestParseDiveCIErrors(t *testing.T) {
	for file, want := range map[string]string{
		"rules:\n  lowestEfficiency: high\n":       "lowestEfficiency: bad ratio",
		"rules:\n  highestUserWastedPercent: -1\n": "highestUserWastedPercent: bad ratio",
		"rules:\n  highestUserWastedPercent: 20\n": "highestUserWastedPercent: bad ratio", // Dive: outside 0-1
		"rules:\n  lowestEfficiency: 1.5\n":        "lowestEfficiency: bad ratio",
		"rules:\n  highestWastedBytes: 20XB\n":     `unknown unit "xb"`,
		"rules:\n  highestWastedBytes: lots\n":     "bad byte count",
		"rules:\n  lowestEfficency: 0.9\n":         `unknown rule "lowestEfficency"`,
		"rules: [\n":                               "parsing .dive-ci",
	} {
		base := DefaultThresholds()
		got, err := ParseDiveCI(strings.NewReader(file), base)
		if err == nil || !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%q: error %v, want one line with %q", file, err, want)
		}
		if d := cmp.Diff(base, got); d != "" {
			t.Errorf("%q: thresholds changed on error:\n%s", file, d)
		}
	}
}

// TestCheckRules: the three rules compare as Dive's CI does.
func TestCheckRules(t *testing.T) {
	r := &Report{Dive: DiveMetrics{Efficiency: 0.85, WastedBytes: 5000, UserWastedPercent: 0.25}}
	got := r.Check(Thresholds{LowestEfficiency: f64(0.9), HighestWastedBytes: i64(5000), HighestUserWastedPercent: f64(0.2)})
	status := map[string]string{}
	for _, rr := range got {
		status[rr.Rule] = rr.Status
	}
	want := map[string]string{"lowestEfficiency": "fail", "highestWastedBytes": "pass", "highestUserWastedPercent": "fail"}
	if d := cmp.Diff(want, status); d != "" || !Failed(got) {
		t.Errorf("statuses (-want +got):\n%s", d)
	}
	if got := r.Check(Thresholds{}); Failed(got) || got[0].Status != "skip" {
		t.Errorf("disabled rules: %+v", got)
	}
}
