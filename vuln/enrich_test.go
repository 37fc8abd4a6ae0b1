package vuln

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/harden-dev/harden/report"
)

// nvdRecord makes a small NVD API 2.0 record.
func nvdRecord(id, modified string, metrics string) string {
	return `{"id":"` + id + `","sourceIdentifier":"cve@mitre.org","published":"2024-01-01T00:00:00.000","lastModified":"` + modified +
		`","vulnStatus":"Analyzed","descriptions":[],"metrics":{` + metrics + `},"references":[]}`
}

func nvdMetric(key, typ, version, vector string, score float64, sev string) string {
	b, _ := json.Marshal(map[string]any{key: []any{map[string]any{"source": "nvd@nist.gov", "type": typ,
		"cvssData": map[string]any{"version": version, "vectorString": vector, "baseScore": score, "baseSeverity": sev}}}})
	return strings.Trim(string(b), "{}")
}

func TestParseNVDRecordPrefersPrimaryThenVersion(t *testing.T) {
	rec := nvdRecord("CVE-2024-0001", "2024-02-03T04:05:06.789",
		nvdMetric("cvssMetricV31", "Secondary", "3.1", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8, "CRITICAL")+","+
			nvdMetric("cvssMetricV30", "Primary", "3.0", "CVSS:3.0/AV:L/AC:H/PR:L/UI:N/S:U/C:N/I:H/A:N", 4.7, "MEDIUM"))
	it, err := parseNVDRecord([]byte(rec))
	if err != nil {
		t.Fatal(err)
	}
	m := it.e.NVD.Metrics
	if len(m) != 2 || m[0].Version != "3.0" || !m[0].Primary || m[0].Severity != report.Medium || m[1].Severity != report.Critical {
		t.Fatalf("metrics = %+v, want the Primary v3.0 first, then the Secondary v3.1", m)
	}
	if it.modified.Format("2006-01-02") != "2024-02-03" {
		t.Errorf("modified = %v", it.modified)
	}
	// v2 alone: severity from the v2 scale (7.5 is high, there is no critical)
	it, err = parseNVDRecord([]byte(nvdRecord("CVE-2007-0001", "2020-01-01T00:00:00", `"cvssMetricV2":[{"source":"nvd@nist.gov","type":"Primary","cvssData":{"version":"2.0","vectorString":"AV:N/AC:L/Au:N/C:P/I:P/A:P","baseScore":10.0},"baseSeverity":"HIGH"}]`)))
	if err != nil || len(it.e.NVD.Metrics) != 1 || it.e.NVD.Metrics[0].Severity != report.High {
		t.Fatalf("v2 record: %+v, %v", it, err)
	}
	// no metrics: no score, and not an error
	it, err = parseNVDRecord([]byte(nvdRecord("CVE-2026-0002", "2026-01-01T00:00:00", "")))
	if err != nil || len(it.e.NVD.Metrics) != 0 {
		t.Fatalf("empty metrics: %+v, %v", it, err)
	}
	if _, err := parseNVDRecord([]byte(`{"id":"GHSA-xxxx","vulnStatus":"x"}`)); err == nil {
		t.Error("a record whose id is not a CVE was accepted")
	}
}

func TestParseCVE5RecordCNAAndCISAADP(t *testing.T) {
	rec := `{"dataType":"CVE_RECORD","dataVersion":"5.1","cveMetadata":{"cveId":"CVE-2024-0002","state":"PUBLISHED","dateUpdated":"2024-06-01T00:00:00.000Z"},
	"containers":{"cna":{"providerMetadata":{"shortName":"redhat"},"metrics":[{"cvssV3_1":{"version":"3.1","vectorString":"CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:N/I:N/A:H","baseScore":5.9,"baseSeverity":"MEDIUM"}}]},
	"adp":[{"title":"CISA ADP Vulnrichment","providerMetadata":{"shortName":"CISA-ADP","dateUpdated":"2024-06-02T00:00:00Z"},"metrics":[
	 {"cvssV3_1":{"version":"3.1","vectorString":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H","baseScore":9.8,"baseSeverity":"CRITICAL"}},
	 {"other":{"type":"ssvc","content":{"options":[{"Exploitation":"active"},{"Automatable":"yes"},{"Technical Impact":"total"}]}}},
	 {"other":{"type":"kev","content":{"dateAdded":"2024-05-30"}}}]}]}}`
	it, err := parseCVE5Record([]byte(rec))
	if err != nil {
		t.Fatal(err)
	}
	e := it.e
	if e.CNA == nil || e.CNA.Org != "redhat" || e.CNA.Metrics[0].Score != 5.9 {
		t.Errorf("CNA = %+v", e.CNA)
	}
	if e.ADP == nil || e.ADP.Metrics[0].Severity != report.Critical {
		t.Errorf("ADP = %+v", e.ADP)
	}
	if e.SSVC == nil || e.SSVC.Exploitation != "active" || e.SSVC.Automatable != "yes" || e.SSVC.TechnicalImpact != "total" {
		t.Errorf("SSVC = %+v", e.SSVC)
	}
	if e.KEV == nil || e.KEV.DateAdded != "2024-05-30" {
		t.Errorf("KEV = %+v", e.KEV)
	}
}

func TestParseEPSSPlainAndGzipped(t *testing.T) {
	csv := "#model_version:v2023.03.01,score_date:2024-03-01T00:00:00+0000\ncve,epss,percentile\nCVE-2023-44487,0.94,0.99\nCVE-2024-0001,0.0004,0.08\n"
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(csv))
	zw.Close()
	for name, in := range map[string][]byte{"plain": []byte(csv), "gzip": gz.Bytes()} {
		items, date, err := parseEPSS(bytes.NewReader(in))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(items) != 2 || items[0].e.EPSS.Score != 0.94 || items[0].e.EPSS.Model != "v2023.03.01" || items[0].e.EPSS.Date != "2024-03-01" {
			t.Fatalf("%s: items = %+v", name, items[0].e.EPSS)
		}
		if date.Format("2006-01-02") != "2024-03-01" {
			t.Errorf("%s: date = %v", name, date)
		}
	}
	for _, bad := range []string{"cve,epss\nCVE-1,0.1\n", "cve,epss,percentile\nCVE-2024-1,1.5,0.2\n", "cve,epss,percentile\nnot-a-cve,0.1,0.2\n", ""} {
		if _, _, err := parseEPSS(strings.NewReader(bad)); err == nil {
			t.Errorf("parseEPSS(%q) accepted bad input", bad)
		}
	}
}

func TestResolvePrecedence(t *testing.T) {
	c := func(v string, s float64) *CVSS { return &CVSS{Version: v, Score: s, Severity: versionSeverity(v, s)} }
	cases := []struct {
		name    string
		ratings []Rating
		want    report.Severity
		source  string
	}{
		{"osv beats nvd", []Rating{{Source: "nvd", Severity: report.Critical, CVSS: c("3.1", 9.8)}, {Source: "osv", Severity: report.Medium, CVSS: c("3.1", 5)}}, report.Medium, "osv"},
		{"distribution beats cna", []Rating{{Source: "cna:redhat", Severity: report.High}, {Source: "ubuntu", Severity: report.Low}}, report.Low, "ubuntu"},
		{"cna beats nvd", []Rating{{Source: "nvd", Severity: report.High, CVSS: c("3.1", 7.5)}, {Source: "cna:GitHub_M", Severity: report.Medium, CVSS: c("3.1", 5.3)}}, report.Medium, "cna:GitHub_M"},
		{"nvd beats cisa-adp", []Rating{{Source: "cisa-adp", Severity: report.Critical}, {Source: "nvd", Severity: report.Low}}, report.Low, "nvd"},
		{"cisa-adp beats urgency", []Rating{{Source: "debian-urgency", Severity: report.Low}, {Source: "cisa-adp", Severity: report.High}}, report.High, "cisa-adp"},
		{"debian unimportant stays info", []Rating{{Source: "nvd", Severity: report.High, CVSS: c("3.1", 7.5)}, {Source: "debian-urgency", Severity: report.Info}}, report.Info, "debian-urgency"},
		{"nothing", nil, report.Unknown, ""},
	}
	for _, tc := range cases {
		f := &Finding{Ratings: tc.ratings}
		resolve(f)
		if f.Severity != tc.want || f.SeveritySource != tc.source {
			t.Errorf("%s: got %s from %q, want %s from %q", tc.name, f.Severity, f.SeveritySource, tc.want, tc.source)
		}
		if tc.name == "debian unimportant stays info" && (len(f.Ratings) != 2 || f.CVSS == nil || f.CVSS.Score != 7.5) {
			t.Errorf("the override must keep NVD's rating beside it: %+v", f)
		}
	}
}

// TestPrioritize orders KEV, then SSVC active, poc, then EPSS, then CVSS.
func TestPrioritize(t *testing.T) {
	fs := []Finding{
		{ID: "cvss-high", Severity: report.High, CVSS: &CVSS{Score: 8}},
		{ID: "epss", Severity: report.Low, EPSS: &EPSS{Score: 0.5}},
		{ID: "poc", Severity: report.Low, SSVC: &SSVC{Exploitation: "poc"}},
		{ID: "kev", Severity: report.Low, KEV: &KEV{DateAdded: "2024-01-01"}},
		{ID: "active", Severity: report.Medium, SSVC: &SSVC{Exploitation: "active"}},
		{ID: "critical", Severity: report.Critical, CVSS: &CVSS{Score: 9.8}},
	}
	prioritize(fs)
	var got []string
	for i, f := range fs {
		got = append(got, f.ID)
		if f.Priority != i+1 {
			t.Errorf("%s has priority %d at place %d", f.ID, f.Priority, i+1)
		}
	}
	if want := "kev active poc epss critical cvss-high"; strings.Join(got, " ") != want {
		t.Errorf("order = %s, want %s", strings.Join(got, " "), want)
	}
}

// TestImportSharedEnrichment imports the shared NVD, CVE JSON 5 and KEV
// data and checks the per-source state, and that importing the KEV
// catalog again replaces the KEV part whole.
func TestImportSharedEnrichment(t *testing.T) {
	v := sharedVulnDB(t)
	dir := t.TempDir()
	rep, err := Import(context.Background(), dir, []string{filepath.Join(v, "nvd"), filepath.Join(v, "cve"), filepath.Join(v, "kev", "known_exploited_vulnerabilities.json")}, WithClock(clock))
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Problems) != 0 {
		t.Fatalf("problems: %+v", rep.Problems)
	}
	if rep.Enriched != 127+1203+1404 {
		t.Errorf("enriched %d entries, want 127 NVD + 1,203 CVE + 1,404 KEV", rep.Enriched)
	}
	data := rep.Info.Data
	if data[SourceNVD].Records != 127 || data[SourceCVE5].Records != 1203 || data[SourceKEV].Records < 1404 {
		t.Errorf("source states = %+v", data)
	}
	if got := data[SourceKEV].Newest.Format("2006-01-02"); got != "2025-08-25" {
		t.Errorf("KEV newest = %s, want the catalog's release date 2025-08-25", got)
	}
	db, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	e, err := db.Enrichment("CVE-2023-44487")
	db.Close()
	if err != nil || e == nil || e.KEV == nil || e.KEV.DateAdded != "2023-10-10" {
		t.Fatalf("CVE-2023-44487 = %+v, %v; want its KEV entry", e, err)
	}
	// a catalog without that entry removes it (the catalog is imported whole)
	raw, err := os.ReadFile(filepath.Join(v, "kev", "known_exploited_vulnerabilities.json"))
	if err != nil {
		t.Fatal(err)
	}
	var cat map[string]json.RawMessage
	var vulns []map[string]json.RawMessage
	if err := json.Unmarshal(raw, &cat); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(cat["vulnerabilities"], &vulns); err != nil {
		t.Fatal(err)
	}
	kept := []map[string]json.RawMessage{}
	for _, x := range vulns {
		if string(x["cveID"]) != `"CVE-2023-44487"` {
			kept = append(kept, x)
		}
	}
	cat["vulnerabilities"], _ = json.Marshal(kept)
	smaller, _ := json.Marshal(cat)
	p := filepath.Join(t.TempDir(), "kev.json")
	os.WriteFile(p, smaller, 0o644)
	if _, err := Import(context.Background(), dir, []string{p}, WithClock(clock)); err != nil {
		t.Fatal(err)
	}
	db, _ = Open(dir)
	defer db.Close()
	e, _ = db.Enrichment("CVE-2023-44487")
	if e == nil || e.ADP == nil {
		t.Fatalf("CVE-2023-44487 lost its other data: %+v", e)
	}
	if e.KEV != nil && e.KEV.Name != "" {
		t.Errorf("CVE-2023-44487 still has the catalog's KEV entry after a catalog without it: %+v", e.KEV)
	}
}

// TestKEVGoModule: golang.org/x/net before the HTTP/2 rapid-reset fix is
// flagged as known exploited through the related CVE-2023-44487.
func TestKEVGoModule(t *testing.T) {
	v := sharedVulnDB(t)
	epss := filepath.Join(t.TempDir(), "epss.csv")
	os.WriteFile(epss, []byte("#model_version:v2023.03.01,score_date:2026-11-20T00:00:00+0000\ncve,epss,percentile\nCVE-2023-44487,0.94358,0.99937\n"), 0o644)
	db := testDB(t, filepath.Join(v, "osv", "Go"), filepath.Join(v, "nvd"), filepath.Join(v, "kev", "known_exploited_vulnerabilities.json"), epss)
	s := testSBOM(pkg("go-module", "Go", "golang.org/x/net", "v0.15.0"))
	res, err := Match(context.Background(), db, s, WithClock(clock))
	if err != nil {
		t.Fatal(err)
	}
	var hit *Finding
	for i := range res.Findings {
		if res.Findings[i].ID == "CVE-2023-39325" {
			hit = &res.Findings[i]
		}
	}
	if hit == nil {
		t.Fatalf("no CVE-2023-39325 (Go's rapid-reset record) finding among %d", len(res.Findings))
	}
	if hit.KEV == nil || hit.KEV.DateAdded != "2023-10-10" || hit.KEV.Via != "CVE-2023-44487" {
		t.Errorf("finding's KEV = %+v, want the rapid-reset entry via CVE-2023-44487", hit.KEV)
	}
	if hit.EPSS != nil {
		t.Errorf("the related CVE's EPSS must not become the finding's: %+v", hit.EPSS)
	}
	if hit.Priority != 1 || res.Summary.KEV < 1 {
		t.Errorf("priority %d, summary KEV %d: a KEV finding must come first", hit.Priority, res.Summary.KEV)
	}
}
