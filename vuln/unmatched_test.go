package vuln

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestMatchUnmatched: packages Match cannot look up (no ecosystem, an
// ecosystem with no known version order, a version that does not parse)
// are counted and listed, so the result says it is incomplete instead of
// passing them as clean.
func TestMatchUnmatched(t *testing.T) {
	db := testDB(t, "testdata/records")
	ok := pkg("npm", "npm", "leftpad", "1.2.5")
	noEco := pkg("generic", "", "mystery", "1.0")
	odd := pkg("githubactions", "GitHub Actions", "actions/checkout", "4.0.0")
	badVer := pkg("deb", "Debian:12", "broken", "not a version")
	res, err := Match(context.Background(), db, testSBOM(ok, noEco, odd, badVer), WithClock(clock))
	if err != nil {
		t.Fatal(err)
	}
	if !res.Incomplete() {
		t.Error("Incomplete() = false with three packages not matched")
	}
	want := []Unmatched{
		{Package: "mystery@1.0", Type: "generic", Reason: "no ecosystem (unknown package type or distribution)"},
		{Package: "actions/checkout@4.0.0", Type: "githubactions", Ecosystem: "GitHub Actions", Reason: "ecosystem GitHub Actions has no version order harden knows"},
		{Package: "broken@not a version", Type: "deb", Ecosystem: "Debian:12", Reason: `invalid version "not a version"`},
	}
	if d := cmp.Diff(want, res.Unmatched); d != "" {
		t.Errorf("unmatched (-want +got):\n%s", d)
	}
	if res.Summary.Unmatched != 3 || res.Summary.Scanned != 1 || res.Summary.Findings == 0 {
		t.Errorf("summary = %+v, want 3 unmatched, 1 scanned with findings", res.Summary)
	}
	b, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	var j struct {
		Unmatched []Unmatched `json:"unmatched"`
		Summary   struct {
			Unmatched int `json:"unmatched"`
		} `json:"summary"`
	}
	if err := json.Unmarshal(b, &j); err != nil || len(j.Unmatched) != 3 || j.Summary.Unmatched != 3 {
		t.Errorf("JSON unmatched = %v, summary.unmatched = %d (%v)", j.Unmatched, j.Summary.Unmatched, err)
	}

	// every package matched: complete
	res, err = Match(context.Background(), db, testSBOM(ok), WithClock(clock))
	if err != nil {
		t.Fatal(err)
	}
	if res.Incomplete() || res.Summary.Unmatched != 0 {
		t.Errorf("a complete scan is incomplete: %+v", res.Unmatched)
	}
}
