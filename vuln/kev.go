package vuln

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// kevCatalog is CISA's Known Exploited Vulnerabilities catalog
// (known_exploited_vulnerabilities.json).
type kevCatalog struct {
	Title           string `json:"title"`
	CatalogVersion  string `json:"catalogVersion"`
	DateReleased    string `json:"dateReleased"`
	Vulnerabilities []struct {
		CVEID                      string `json:"cveID"`
		VulnerabilityName          string `json:"vulnerabilityName"`
		DateAdded                  string `json:"dateAdded"`
		DueDate                    string `json:"dueDate"`
		KnownRansomwareCampaignUse string `json:"knownRansomwareCampaignUse"`
	} `json:"vulnerabilities"`
}

// parseKEV reads the catalog. Each entry's time is its dateAdded; the
// catalog's release time is returned for the source's freshness.
func parseKEV(data []byte) ([]*enrichItem, time.Time, error) {
	var c kevCatalog
	if err := json.Unmarshal(data, &c); err != nil {
		return nil, time.Time{}, fmt.Errorf("KEV catalog: %w", err)
	}
	if c.CatalogVersion == "" || c.Vulnerabilities == nil {
		return nil, time.Time{}, fmt.Errorf("KEV catalog: no catalogVersion or vulnerabilities")
	}
	released := parseLooseTime(c.DateReleased)
	out := make([]*enrichItem, 0, len(c.Vulnerabilities))
	for _, v := range c.Vulnerabilities {
		if !strings.HasPrefix(v.CVEID, "CVE-") || v.DateAdded == "" {
			continue
		}
		out = append(out, &enrichItem{source: SourceKEV, modified: parseLooseTime(v.DateAdded), e: Enrichment{CVE: v.CVEID,
			KEV: &KEV{DateAdded: v.DateAdded, DueDate: v.DueDate, Ransomware: v.KnownRansomwareCampaignUse, Name: v.VulnerabilityName}}})
	}
	return out, released, nil
}
