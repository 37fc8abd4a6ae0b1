package vuln

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestParseRecord(t *testing.T) {
	data, err := os.ReadFile("testdata/records/TEST-DEB-1.json")
	if err != nil {
		t.Fatal(err)
	}
	r, err := ParseRecord(data)
	if err != nil {
		t.Fatal(err)
	}
	want := &Record{
		ID:       "DEBIAN-CVE-2099-0001",
		Modified: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC),
		Upstream: []string{"CVE-2099-0001"},
		Summary:  "Buffer overflow in libfoo's parser.",
		Affected: []Affected{
			{Package: OSVPackage{Ecosystem: "Debian:12", Name: "foo"},
				Ranges:  []Range{{Type: "ECOSYSTEM", Events: []Event{{Introduced: "0"}, {Fixed: "1.2-3+deb12u1"}}}},
				Urgency: "medium"},
			{Package: OSVPackage{Ecosystem: "Debian:11", Name: "foo"},
				Ranges: []Range{{Type: "ECOSYSTEM", Events: []Event{{Introduced: "0"}, {Fixed: "1.1-1+deb11u1"}}}}},
		},
	}
	if d := cmp.Diff(want, r); d != "" {
		t.Errorf("ParseRecord (-want +got):\n%s", d)
	}
}

func TestParseRecordErrors(t *testing.T) {
	tests := []struct{ name, json, want string }{
		{"not json", `{`, "parsing OSV JSON"},
		{"no id", `{"modified": "2026-01-01T00:00:00Z"}`, "no id"},
		{"id with a slash", `{"id": "../x", "modified": "2026-01-01T00:00:00Z"}`, "bad record id"},
		{"bad time", `{"id": "X-1", "modified": "yesterday"}`, "not an RFC 3339 time"},
		{"unknown range type", `{"id": "X-1", "modified": "2026-01-01T00:00:00Z", "affected": [{"package": {"ecosystem": "npm", "name": "a"}, "ranges": [{"type": "CALVER", "events": []}]}]}`, "unknown range type"},
		{"empty event", `{"id": "X-1", "modified": "2026-01-01T00:00:00Z", "affected": [{"package": {"ecosystem": "npm", "name": "a"}, "ranges": [{"type": "SEMVER", "events": [{}]}]}]}`, "exactly one"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseRecord([]byte(tt.json))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("ParseRecord(%s) = %v, want an error with %q", tt.json, err, tt.want)
			}
		})
	}
}

// TestParseSharedRecords parses every real record in ../shared/vulndb: the
// schema quirks of real data (empty severity arrays, null dates, version
// lists) must all parse.
func TestParseSharedRecords(t *testing.T) {
	shared := sharedVulnDB(t)
	files, err := filepath.Glob(filepath.Join(shared, "osv", "*", "*.json"))
	if err != nil || len(files) < 7000 {
		t.Fatalf("found %d records in %s: %v", len(files), shared, err)
	}
	for _, p := range files {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		r, err := ParseRecord(data)
		if err != nil {
			t.Errorf("%s: %v", p, err)
			continue
		}
		if r.ID+".json" != filepath.Base(p) {
			t.Errorf("%s: id %s", p, r.ID)
		}
	}
}

func FuzzParseRecord(f *testing.F) {
	files, _ := filepath.Glob("testdata/records/*.json")
	for _, p := range files {
		data, _ := os.ReadFile(p)
		f.Add(data)
	}
	f.Add([]byte(`{"id":"X","modified":"2026-01-01T00:00:00Z","affected":[{"package":{"ecosystem":"Debian:12","name":"a"},"versions":["1"]}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := ParseRecord(data)
		if err != nil {
			return
		}
		if r.ID == "" || strings.Contains(r.ID, "/") {
			t.Fatalf("accepted id %q", r.ID)
		}
		// whatever parsed must be checkable without a panic
		for i := range r.Affected {
			a := &r.Affected[i]
			if checkAffected(a) != nil {
				continue
			}
			if pv, err := parseVersion(a.Package.Ecosystem, "1.0"); err == nil {
				_, _ = evaluate(a, a.Package.Ecosystem, "1.0", pv)
			}
		}
	})
}

func FuzzParseDebianTracker(f *testing.F) {
	data, _ := os.ReadFile("testdata/tracker/bookworm.json")
	f.Add(data)
	f.Add([]byte(`{"a":{"CVE-1":{"releases":{"bookworm":{"status":"resolved","fixed_version":"1"}}}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		recs, err := ParseDebianTracker(strings.NewReader(string(data)), fixedNow)
		if err != nil {
			return
		}
		for _, r := range recs {
			if !strings.HasPrefix(r.ID, "DEBIAN-") || len(r.Affected) == 0 {
				t.Fatalf("bad record %+v", r)
			}
			for _, a := range r.Affected {
				if !strings.HasPrefix(a.Package.Ecosystem, "Debian:") {
					t.Fatalf("bad ecosystem %q", a.Package.Ecosystem)
				}
			}
		}
	})
}
