package vuln

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// enricher looks up the enrichment of findings' CVEs, once per CVE, and
// notes which sources gave something.
type enricher struct {
	db    *DB
	cache map[string]*Enrichment
	gave  map[string]bool
}

// cveOf is the CVE a finding is about: its ID, or its one CVE alias.
func cveOf(f *Finding) string {
	if strings.HasPrefix(f.ID, "CVE-") {
		return f.ID
	}
	cve := ""
	for _, a := range f.Aliases {
		if strings.HasPrefix(a, "CVE-") {
			if cve != "" {
				return ""
			}
			cve = a
		}
	}
	return cve
}

// apply adds a finding's enrichment and resolves its severity. A CVE the
// records name as related lends only its KEV entry (marked Via): Go's
// rapid-reset record is about the same attack as the protocol's
// CVE-2023-44487, which CISA lists as exploited; its scores are not the
// finding's.
func (en *enricher) apply(f *Finding) error {
	if cve := cveOf(f); cve != "" {
		e, err := en.lookup(cve)
		if err != nil {
			return err
		}
		if e != nil {
			f.Ratings = append(f.Ratings, enrichRatings(e)...)
			f.KEV, f.SSVC, f.EPSS = e.KEV, e.SSVC, e.EPSS
		}
	}
	for _, rel := range f.Related {
		if f.KEV != nil {
			break
		}
		e, err := en.lookup(rel)
		if err != nil {
			return err
		}
		if e != nil && e.KEV != nil {
			k := *e.KEV
			k.Via = rel
			f.KEV = &k
		}
	}
	resolve(f)
	return nil
}

func (en *enricher) lookup(cve string) (*Enrichment, error) {
	e, ok := en.cache[cve]
	if !ok {
		var err error
		if e, err = en.db.Enrichment(cve); err != nil {
			return nil, fmt.Errorf("reading the vulnerability database: %w", err)
		}
		en.cache[cve] = e
	}
	return e, nil
}

// UsedSources lists the database's data sources (OSV first, then the
// enrichment feeds) with their counts and dates at now.
func (info Info) UsedSources(now time.Time) []UsedSource {
	out := []UsedSource{{Name: SourceOSV, Records: info.Records, Newest: info.Newest, Imported: info.Imported,
		Age: info.Age(now).Seconds()}}
	names := make([]string, 0, len(info.Data))
	for n := range info.Data {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		st := info.Data[n]
		t := st.Newest
		if t.IsZero() {
			t = st.Imported
		}
		out = append(out, UsedSource{Name: n, Records: st.Records, Newest: st.Newest, Imported: st.Imported, Age: now.Sub(t).Seconds()})
	}
	return out
}

// UsedSource is one data source a scan used, with its dates.
type UsedSource struct {
	Name     string    `json:"name"`
	Records  int       `json:"records"`
	Newest   time.Time `json:"newest,omitempty"`
	Imported time.Time `json:"imported,omitempty"`
	// Age is the data's age in seconds: since its newest record (or its
	// import when records carry no time).
	Age float64 `json:"ageSeconds"`
}

// tier is a finding's exploitation class, lowest first to fix: known
// exploited (KEV), exploited per CISA's SSVC ("active"), a public proof
// of concept ("poc"), and the rest.
func tier(f *Finding) (int, string) {
	switch {
	case f.KEV != nil:
		return 0, "known exploited (KEV)"
	case f.SSVC != nil && f.SSVC.Exploitation == "active":
		return 1, "exploited (SSVC active)"
	case f.SSVC != nil && f.SSVC.Exploitation == "poc":
		return 2, "proof of concept (SSVC poc)"
	}
	return 3, ""
}

// prioritize sorts findings by risk, as Grype ranks them: KEV first, then
// SSVC active and poc, then EPSS, then CVSS score (else severity), then
// those with a fix; and numbers them.
func prioritize(fs []Finding) {
	epss := func(f *Finding) float64 {
		if f.EPSS == nil {
			return -1
		}
		return f.EPSS.Score
	}
	score := func(f *Finding) float64 {
		if f.CVSS == nil {
			return -1
		}
		return f.CVSS.Score
	}
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := &fs[i], &fs[j]
		ta, _ := tier(a)
		tb, _ := tier(b)
		if ta != tb {
			return ta < tb
		}
		if ea, eb := epss(a), epss(b); ea != eb {
			return ea > eb
		}
		if a.Severity != b.Severity {
			return a.Severity > b.Severity
		}
		if sa, sb := score(a), score(b); sa != sb {
			return sa > sb
		}
		if (a.Fixed != "") != (b.Fixed != "") {
			return a.Fixed != ""
		}
		if a.Package.Name != b.Package.Name {
			return a.Package.Name < b.Package.Name
		}
		if a.Package.Version != b.Package.Version {
			return a.Package.Version < b.Package.Version
		}
		return a.ID < b.ID
	})
	for i := range fs {
		f := &fs[i]
		f.Priority = i + 1
		_, f.PriorityReason = tier(f)
		if f.PriorityReason == "" && f.EPSS != nil {
			f.PriorityReason = fmt.Sprintf("EPSS %.1f%% (percentile %.0f)", f.EPSS.Score*100, f.EPSS.Percentile*100)
		}
	}
}
