package vuln

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// cve5Record is the part of a CVE JSON 5 record (the CVE Program's
// cvelistV5 format) harden reads: the CNA's metrics and the ADP
// containers, CISA's "Vulnrichment" among them.
type cve5Record struct {
	DataType    string `json:"dataType"`
	CVEMetadata struct {
		CVEID       string `json:"cveId"`
		State       string `json:"state"`
		DateUpdated string `json:"dateUpdated"`
	} `json:"cveMetadata"`
	Containers struct {
		CNA cve5Container   `json:"cna"`
		ADP []cve5Container `json:"adp"`
	} `json:"containers"`
}

type cve5Container struct {
	Title            string `json:"title"`
	ProviderMetadata struct {
		ShortName   string `json:"shortName"`
		DateUpdated string `json:"dateUpdated"`
	} `json:"providerMetadata"`
	Metrics []map[string]json.RawMessage `json:"metrics"`
}

// cve5Metric is a cvssV4_0 / cvssV3_1 / cvssV3_0 / cvssV2_0 object.
type cve5Metric struct {
	Version      string  `json:"version"`
	VectorString string  `json:"vectorString"`
	BaseScore    float64 `json:"baseScore"`
	BaseSeverity string  `json:"baseSeverity"`
}

var cve5MetricKeys = []struct{ key, version string }{
	{"cvssV4_0", "4.0"}, {"cvssV3_1", "3.1"}, {"cvssV3_0", "3.0"}, {"cvssV2_0", "2.0"},
}

// cisaADP is the ADP container CISA fills (CVSS where the CNA gave none,
// SSVC always).
const cisaADP = "CISA-ADP"

// parseCVE5Record reads one CVE JSON 5 record. A rejected CVE yields an
// empty part, which clears what an earlier import said of it.
func parseCVE5Record(data []byte) (*enrichItem, error) {
	var r cve5Record
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("CVE JSON 5 record: %w", err)
	}
	id := r.CVEMetadata.CVEID
	if r.DataType != "CVE_RECORD" || !strings.HasPrefix(id, "CVE-") {
		return nil, fmt.Errorf("CVE JSON 5 record: not a CVE_RECORD with a CVE ID")
	}
	it := &enrichItem{source: SourceCVE5, modified: parseLooseTime(r.CVEMetadata.DateUpdated), e: Enrichment{CVE: id}}
	if r.CVEMetadata.State == "REJECTED" {
		return it, nil
	}
	if m := cve5Scores(&r.Containers.CNA); len(m) > 0 {
		it.e.CNA = &SourceCVSS{Org: r.Containers.CNA.ProviderMetadata.ShortName, Metrics: m,
			Modified: parseLooseTime(r.Containers.CNA.ProviderMetadata.DateUpdated)}
	}
	for i := range r.Containers.ADP {
		c := &r.Containers.ADP[i]
		if c.ProviderMetadata.ShortName != cisaADP {
			continue
		}
		if m := cve5Scores(c); len(m) > 0 {
			it.e.ADP = &SourceCVSS{Org: cisaADP, Metrics: m, Modified: parseLooseTime(c.ProviderMetadata.DateUpdated)}
		}
		if s := cve5SSVC(c); s != nil {
			it.e.SSVC = s
		}
		if k := cve5KEV(c); k != nil {
			it.e.KEV = k // KEV data from the ADP container; the catalog's own import wins
		}
	}
	return it, nil
}

// cve5Scores lists a container's CVSS metrics, best version first.
func cve5Scores(c *cve5Container) []CVSS {
	var out []CVSS
	for _, k := range cve5MetricKeys {
		for _, m := range c.Metrics {
			raw, ok := m[k.key]
			if !ok {
				continue
			}
			var cm cve5Metric
			if json.Unmarshal(raw, &cm) != nil || (cm.VectorString == "" && cm.BaseScore == 0) {
				continue
			}
			v := cm.Version
			if v == "" {
				v = k.version
			}
			out = append(out, newCVSS(v, cm.VectorString, cm.BaseScore, cm.BaseSeverity, false))
		}
	}
	return out
}

// cve5Other decodes the content of the container's first "other" metric
// of type typ into v; false when there is none.
func cve5Other(c *cve5Container, typ string, v any) bool {
	for _, m := range c.Metrics {
		raw, ok := m["other"]
		if !ok {
			continue
		}
		var o struct {
			Type    string          `json:"type"`
			Content json.RawMessage `json:"content"`
		}
		if json.Unmarshal(raw, &o) != nil || o.Type != typ {
			continue
		}
		if json.Unmarshal(o.Content, v) == nil {
			return true
		}
	}
	return false
}

// cve5SSVC reads the SSVC decision points of an ADP container.
func cve5SSVC(c *cve5Container) *SSVC {
	var content struct {
		Options []map[string]string `json:"options"`
	}
	if !cve5Other(c, "ssvc", &content) {
		return nil
	}
	s := &SSVC{}
	for _, opt := range content.Options {
		for k, v := range opt {
			switch strings.ToLower(k) {
			case "exploitation":
				s.Exploitation = strings.ToLower(v)
			case "automatable":
				s.Automatable = strings.ToLower(v)
			case "technical impact":
				s.TechnicalImpact = strings.ToLower(v)
			}
		}
	}
	return s
}

// cve5KEV reads a "kev" entry of an ADP container.
func cve5KEV(c *cve5Container) *KEV {
	var content struct {
		DateAdded string `json:"dateAdded"`
	}
	if !cve5Other(c, "kev", &content) || content.DateAdded == "" {
		return nil
	}
	d := content.DateAdded
	if t := parseLooseTime(d); !t.IsZero() {
		d = t.Format(time.DateOnly)
	}
	return &KEV{DateAdded: d}
}
