package vuln

import (
	"strings"
	"testing"
)

// TestCheckAffectedSemver: a SEMVER range event must be a SemVer 2.0
// version; scalibr's parser takes any string, so without the check a
// garbage bound was imported and compared as if it meant something.
func TestCheckAffectedSemver(t *testing.T) {
	tests := []struct {
		fixed string
		ok    bool
	}{
		{"1.2.3", true},
		{"1.2.3-rc.1+build.5", true},
		{"v0.17.0", true}, // a leading v is tolerated
		{"not-a-version", false},
		{"1.2", false},
		{"1.2.3.4", false},
		{"1.2.3-01", false}, // a numeric pre-release part has no leading zero
		{"", false},
	}
	for _, tt := range tests {
		a := &Affected{Package: OSVPackage{Ecosystem: "Go", Name: "example.com/m"},
			Ranges: []Range{{Type: "SEMVER", Events: []Event{{Introduced: "0"}, {Fixed: tt.fixed}}}}}
		err := checkAffected(a)
		if (err == nil) != tt.ok {
			t.Errorf("checkAffected(fixed %q) = %v, want ok=%v", tt.fixed, err, tt.ok)
		}
		if err != nil && !strings.Contains(err.Error(), "SEMVER") {
			t.Errorf("error %q does not say which range type", err)
		}
		// evaluating such an entry (it never reaches the database) is an
		// error too, not a silent comparison
		pv, perr := parseVersion("Go", "1.0.0")
		if perr != nil {
			t.Fatal(perr)
		}
		if _, err := evaluate(a, "Go", "1.0.0", pv); (err == nil) != tt.ok {
			t.Errorf("evaluate(fixed %q) = %v, want ok=%v", tt.fixed, err, tt.ok)
		}
	}
}
