package vuln

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/harden-dev/harden/internal/testutil"
	"github.com/harden-dev/harden/report"
)

// TestNode18Severities scans the node18 fixture with all of the shared
// data and checks every finding whose CVE has an NVD record with a score:
// it gets a CVSS-based severity (or Debian's "unimportant" info, with
// NVD's rating listed beside), and where NVD is the source, the base
// severity NVD's record gives (its v3.x score, Primary first, as the
// shared data's README tabulates; v2 where that is all).
func TestNode18Severities(t *testing.T) {
	v := sharedVulnDB(t)
	s := fixtureSBOM(t, savedFixture(t, testutil.Node18Image))
	db := testDB(t, filepath.Join(v, "osv"), filepath.Join(v, "debian-tracker", "bookworm.json"), filepath.Join(v, "nvd"),
		filepath.Join(v, "cve"), filepath.Join(v, "kev", "known_exploited_vulnerabilities.json"))
	res, err := Match(context.Background(), db, s, WithClock(clock))
	if err != nil {
		t.Fatal(err)
	}
	records := nvdFiles(t, filepath.Join(v, "nvd"))
	checked := 0
	for i := range res.Findings {
		f := &res.Findings[i]
		want, ok := records[f.ID]
		if !ok || want == report.Unknown {
			continue
		}
		checked++
		switch f.SeveritySource {
		case "debian-urgency":
			if f.Severity != report.Info || f.CVSS == nil {
				t.Errorf("%s %s: urgency source must be Debian's unimportant override with NVD's score beside, got %s %+v", f.Package.Name, f.ID, f.Severity, f.CVSS)
			}
		case SourceNVD:
			if f.Severity != want && f.CVSS.Version != "4.0" {
				t.Errorf("%s %s: severity %s from nvd, the record says %s", f.Package.Name, f.ID, f.Severity, want)
			}
		case "":
			t.Errorf("%s %s: no severity though NVD rates it %s", f.Package.Name, f.ID, want)
		default:
			if f.CVSS == nil && !strings.HasPrefix(f.SeveritySource, "cna:") {
				t.Errorf("%s %s: severity from %s without a score", f.Package.Name, f.ID, f.SeveritySource)
			}
		}
	}
	if checked < 200 {
		t.Errorf("only %d findings had an NVD record with a score; the fixture gives over 200", checked)
	}
	t.Logf("node18: %d findings, %v; %d checked against NVD", len(res.Findings), res.Summary.BySeverity, checked)
}

// nvdFiles reads the NVD records' severities by the shared data's rule.
func nvdFiles(t *testing.T, dir string) map[string]report.Severity {
	out := map[string]report.Severity{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || !strings.HasSuffix(p, ".json") {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		var r struct {
			ID      string `json:"id"`
			Metrics map[string][]struct {
				Type     string `json:"type"`
				CVSSData struct {
					BaseSeverity string `json:"baseSeverity"`
				} `json:"cvssData"`
				BaseSeverity string `json:"baseSeverity"`
			} `json:"metrics"`
		}
		if err := json.Unmarshal(data, &r); err != nil {
			return err
		}
		sev := report.Unknown
		for _, keys := range [][]string{{"cvssMetricV31", "cvssMetricV30"}, {"cvssMetricV2"}} {
			for _, primary := range []bool{true, false} {
				for _, k := range keys {
					for _, m := range r.Metrics[k] {
						if sev != report.Unknown || (m.Type == "Primary") != primary {
							continue
						}
						word := m.CVSSData.BaseSeverity
						if word == "" {
							word = m.BaseSeverity
						}
						sev, _ = report.ParseSeverity(word)
					}
				}
			}
		}
		out[r.ID] = sev
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
