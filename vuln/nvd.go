package vuln

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/harden-dev/harden/report"
)

// nvdCVE is the part of an NVD CVE API 2.0 record harden reads (the object
// under vulnerabilities[].cve).
type nvdCVE struct {
	ID           string `json:"id"`
	LastModified string `json:"lastModified"`
	VulnStatus   string `json:"vulnStatus"`
	Metrics      map[string][]struct {
		Source   string `json:"source"`
		Type     string `json:"type"`
		CVSSData struct {
			Version      string  `json:"version"`
			VectorString string  `json:"vectorString"`
			BaseScore    float64 `json:"baseScore"`
			BaseSeverity string  `json:"baseSeverity"`
		} `json:"cvssData"`
		// v2 keeps its severity beside cvssData
		BaseSeverity string `json:"baseSeverity"`
	} `json:"metrics"`
}

// nvdPage is one answer of the NVD CVE API 2.0.
type nvdPage struct {
	ResultsPerPage  int    `json:"resultsPerPage"`
	StartIndex      int    `json:"startIndex"`
	TotalResults    int    `json:"totalResults"`
	Format          string `json:"format"`
	Timestamp       string `json:"timestamp"`
	Vulnerabilities []struct {
		CVE json.RawMessage `json:"cve"`
	} `json:"vulnerabilities"`
}

// nvdMetricKeys are NVD's metric lists, best version first.
var nvdMetricKeys = []struct{ key, version string }{
	{"cvssMetricV40", "4.0"}, {"cvssMetricV31", "3.1"}, {"cvssMetricV30", "3.0"}, {"cvssMetricV2", "2.0"},
}

// parseNVDRecord reads one NVD CVE record.
func parseNVDRecord(data []byte) (*enrichItem, error) {
	var c nvdCVE
	if err := json.Unmarshal(data, &c); err != nil {
		return nil, fmt.Errorf("NVD record: %w", err)
	}
	if !strings.HasPrefix(c.ID, "CVE-") {
		return nil, fmt.Errorf("NVD record: id %q is not a CVE", truncateString(c.ID, 40))
	}
	mod := parseLooseTime(c.LastModified)
	s := &SourceCVSS{Org: "nvd@nist.gov", Modified: mod}
	// Primary (NVD's own) scores first, in version order; then the others
	// NVD copied (a CNA's), so a record NVD has not analysed still counts.
	for _, primary := range []bool{true, false} {
		for _, k := range nvdMetricKeys {
			for _, m := range c.Metrics[k.key] {
				if (m.Type == "Primary") != primary {
					continue
				}
				version := m.CVSSData.Version
				if version == "" {
					version = k.version
				}
				sevWord := m.CVSSData.BaseSeverity
				if sevWord == "" {
					sevWord = m.BaseSeverity
				}
				s.Metrics = append(s.Metrics, newCVSS(version, m.CVSSData.VectorString, m.CVSSData.BaseScore, sevWord, primary))
			}
		}
	}
	return &enrichItem{source: SourceNVD, modified: mod, e: Enrichment{CVE: c.ID, NVD: s}}, nil
}

// parseNVDPage reads an NVD CVE API 2.0 answer: its records, and the paging
// fields.
func parseNVDPage(data []byte) (*nvdPage, []*enrichItem, error) {
	var p nvdPage
	if err := json.Unmarshal(data, &p); err != nil {
		return nil, nil, fmt.Errorf("NVD API answer: %w", err)
	}
	if p.Format != "" && p.Format != "NVD_CVE" {
		return nil, nil, fmt.Errorf("NVD API answer has format %q, not NVD_CVE", truncateString(p.Format, 40))
	}
	var items []*enrichItem
	var errs []error
	for _, v := range p.Vulnerabilities {
		it, err := parseNVDRecord(v.CVE)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		items = append(items, it)
	}
	return &p, items, errors.Join(errs...)
}

// newCVSS makes a score, taking the severity from the source's word or,
// without one, from the version's scale.
func newCVSS(version, vector string, score float64, word string, primary bool) CVSS {
	c := CVSS{Version: version, Vector: vector, Score: score, Primary: primary}
	if s, err := report.ParseSeverity(word); err == nil && s != report.Unknown {
		c.Severity = s
	} else {
		c.Severity = versionSeverity(version, score)
	}
	return c
}

// versionSeverity maps a score to its version's qualitative scale: CVSS v2
// has no "critical" (NVD rates 7.0–10 high); v3 and v4 share the scale of
// scoreSeverity.
func versionSeverity(version string, score float64) report.Severity {
	if strings.HasPrefix(version, "2") {
		switch {
		case score >= 7.0:
			return report.High
		case score >= 4.0:
			return report.Medium
		case score > 0:
			return report.Low
		}
		return report.Info
	}
	return scoreSeverity(score)
}

// parseLooseTime reads the time formats of NVD, CVE and KEV data
// (RFC 3339 with or without a zone, or a date); zero when none fits.
func parseLooseTime(s string) time.Time {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02T15:04:05", time.DateOnly} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC()
		}
	}
	return time.Time{}
}
