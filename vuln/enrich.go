package vuln

import (
	"encoding/json"
	"time"

	"github.com/harden-dev/harden/report"
)

// Enrichment is what harden knows about one CVE beyond its OSV records:
// scores and exploitation data from NVD, the CVE Program's record (the
// CNA's metrics and CISA's ADP container), CISA's KEV catalog and FIRST's
// EPSS. Each source's part is replaced whole when that source is imported
// again, so the parts never mix data of two imports.
type Enrichment struct {
	CVE  string      `json:"cve"`
	NVD  *SourceCVSS `json:"nvd,omitempty"`
	CNA  *SourceCVSS `json:"cna,omitempty"`
	ADP  *SourceCVSS `json:"adp,omitempty"`
	SSVC *SSVC       `json:"ssvc,omitempty"`
	KEV  *KEV        `json:"kev,omitempty"`
	EPSS *EPSS       `json:"epss,omitempty"`
	// CVEUpdated is the CVE record's dateUpdated (the "cve" source's time).
	CVEUpdated time.Time `json:"cveUpdated,omitempty"`
}

// SourceCVSS is the CVSS metrics one source gives a CVE, best first (see
// pickCVSS), with the time the source last changed its record.
type SourceCVSS struct {
	// Org names who scored: the CNA's short name, "nvd@nist.gov", "CISA-ADP".
	Org      string    `json:"org,omitempty"`
	Metrics  []CVSS    `json:"metrics,omitempty"`
	Modified time.Time `json:"modified,omitempty"`
}

// CVSS is one CVSS score.
type CVSS struct {
	// Version is "4.0", "3.1", "3.0" or "2.0".
	Version string  `json:"version"`
	Vector  string  `json:"vector,omitempty"`
	Score   float64 `json:"baseScore"`
	// Severity is the source's own base severity word, or the one the
	// version's scale gives the score.
	Severity report.Severity `json:"severity"`
	// Primary is NVD's mark for its own scores (not a CNA's it copied).
	Primary bool `json:"primary,omitempty"`
}

// SSVC is CISA's Stakeholder-Specific Vulnerability Categorization of a
// CVE, from its ADP container.
type SSVC struct {
	// Exploitation is "none", "poc" or "active".
	Exploitation    string `json:"exploitation,omitempty"`
	Automatable     string `json:"automatable,omitempty"`
	TechnicalImpact string `json:"technicalImpact,omitempty"`
}

// KEV is a CVE's entry in CISA's Known Exploited Vulnerabilities catalog.
type KEV struct {
	DateAdded string `json:"dateAdded"`
	DueDate   string `json:"dueDate,omitempty"`
	// Ransomware is the catalog's knownRansomwareCampaignUse: "Known" or
	// "Unknown".
	Ransomware string `json:"knownRansomwareCampaignUse,omitempty"`
	Name       string `json:"vulnerabilityName,omitempty"`
	// Via is the related CVE the entry is listed under, when it is not
	// the finding's own.
	Via string `json:"via,omitempty"`
}

// EPSS is FIRST's Exploit Prediction Scoring System score of a CVE: the
// probability of exploitation in the next 30 days and its percentile.
type EPSS struct {
	Score      float64 `json:"score"`
	Percentile float64 `json:"percentile"`
	// Date is the score's date and Model the model version, from the
	// file's comment line.
	Date  string `json:"date,omitempty"`
	Model string `json:"model,omitempty"`
}

// The sources of enrichment data, as db status and scan name them.
const (
	SourceOSV  = "osv"
	SourceNVD  = "nvd"
	SourceCVE5 = "cve"
	SourceKEV  = "kev"
	SourceEPSS = "epss"
)

// enrichItem is one source's part for one CVE, as an importer emits it.
type enrichItem struct {
	source string // SourceNVD, SourceCVE5, SourceKEV or SourceEPSS
	e      Enrichment
	// modified is the record's own time, for the source's freshness.
	modified time.Time
}

// merge puts one source's part into e, replacing that source's old part.
func (e *Enrichment) merge(it *enrichItem) {
	switch it.source {
	case SourceNVD:
		e.NVD = it.e.NVD
	case SourceCVE5:
		e.CNA, e.ADP, e.SSVC = it.e.CNA, it.e.ADP, it.e.SSVC
		if e.KEV == nil {
			e.KEV = it.e.KEV // CISA's ADP notes KEV entries too; the catalog's own wins
		}
	case SourceKEV:
		e.KEV = it.e.KEV
	case SourceEPSS:
		e.EPSS = it.e.EPSS
	}
}

// drop removes the parts of the given sources (an import that replaces a
// source whole).
func (e *Enrichment) drop(sources map[string]bool) {
	it := &enrichItem{}
	for s := range sources {
		it.source = s
		e.merge(it)
	}
}

// empty reports whether no source says anything.
func (e *Enrichment) empty() bool {
	return e.NVD == nil && e.CNA == nil && e.ADP == nil && e.SSVC == nil && e.KEV == nil && e.EPSS == nil
}

func (e *Enrichment) marshal() ([]byte, error) { return json.Marshal(e) }

// SourceState is one data source of the database: how many records it gave,
// the newest record's time and when it was imported.
type SourceState struct {
	Records  int       `json:"records"`
	Newest   time.Time `json:"newest,omitempty"`
	Imported time.Time `json:"imported,omitempty"`
}
