package vuln

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Record is an OSV vulnerability record (https://ossf.github.io/osv-schema/),
// reduced to the fields harden uses.
type Record struct {
	ID        string    `json:"id"`
	Modified  time.Time `json:"modified"`
	Published time.Time `json:"published,omitzero"`
	// Withdrawn is set when the record was retracted; it then matches nothing.
	Withdrawn time.Time `json:"withdrawn,omitzero"`
	Aliases   []string  `json:"aliases,omitempty"`
	// Upstream names the records this one derives from (a Debian DSA lists
	// the CVEs it fixes here).
	Upstream []string `json:"upstream,omitempty"`
	// Related names records about closely related issues (Go's HTTP/2
	// rapid-reset record names the protocol's CVE-2023-44487 here); only
	// exploitation data is taken from them (see enricher.apply).
	Related  []string   `json:"related,omitempty"`
	Summary  string     `json:"summary,omitempty"`
	Severity []Severity `json:"severity,omitempty"`
	Affected []Affected `json:"affected,omitempty"`
	// References keeps the advisory links (the first is shown as help).
	References []Reference `json:"references,omitempty"`
	// DBSeverity is the severity word a database wrote beside the CVSS
	// vector (GitHub's "database_specific.severity": LOW, MODERATE, ...).
	DBSeverity string `json:"dbSeverity,omitempty"`
}

// Severity is a scored severity: type CVSS_V2, CVSS_V3, CVSS_V4 (a vector)
// or Ubuntu (a word).
type Severity struct {
	Type  string `json:"type"`
	Score string `json:"score"`
}

// Reference is a link of a record.
type Reference struct {
	Type string `json:"type"`
	URL  string `json:"url"`
}

// Affected is one package a record affects, and which of its versions.
type Affected struct {
	Package  OSVPackage `json:"package"`
	Ranges   []Range    `json:"ranges,omitempty"`
	Versions []string   `json:"versions,omitempty"`
	Severity []Severity `json:"severity,omitempty"`
	// Urgency is Debian's urgency for this package ("low", "unimportant"),
	// from ecosystem_specific or database_specific; Debian data has no CVSS.
	Urgency string `json:"urgency,omitempty"`
}

// OSVPackage names an affected package in an ecosystem.
type OSVPackage struct {
	Ecosystem string `json:"ecosystem"`
	Name      string `json:"name"`
	PURL      string `json:"purl,omitempty"`
}

// Range is a list of version events of one type: ECOSYSTEM (the
// ecosystem's own order), SEMVER or GIT (commits; not matched here).
type Range struct {
	Type   string  `json:"type"`
	Events []Event `json:"events"`
}

// Event is one boundary of a range; exactly one field is set.
type Event struct {
	Introduced   string `json:"introduced,omitempty"`
	Fixed        string `json:"fixed,omitempty"`
	LastAffected string `json:"last_affected,omitempty"`
	Limit        string `json:"limit,omitempty"`
}

// MaxRecordSize bounds one OSV record; real ones are a few kilobytes, the
// largest (kernel records with version lists) about a megabyte.
const MaxRecordSize = 16 << 20

// Record parsing limits, so a hostile file cannot make a huge record.
const (
	maxAffected = 10_000
	maxVersions = 100_000
	maxIDLen    = 200
	maxSummary  = 500
)

// ErrNotOSV is returned (wrapped) for JSON that is not an OSV record.
var ErrNotOSV = errors.New("not an OSV record")

// rawRecord is the JSON shape of an OSV record as published.
type rawRecord struct {
	ID               string          `json:"id"`
	Modified         string          `json:"modified"`
	Published        string          `json:"published"`
	Withdrawn        string          `json:"withdrawn"`
	Aliases          []string        `json:"aliases"`
	Upstream         []string        `json:"upstream"`
	Related          []string        `json:"related"`
	Summary          string          `json:"summary"`
	Details          string          `json:"details"`
	Severity         []Severity      `json:"severity"`
	Affected         []rawAffected   `json:"affected"`
	References       []Reference     `json:"references"`
	DatabaseSpecific json.RawMessage `json:"database_specific"`
}

type rawAffected struct {
	Package           OSVPackage      `json:"package"`
	Ranges            []Range         `json:"ranges"`
	Versions          []string        `json:"versions"`
	Severity          []Severity      `json:"severity"`
	EcosystemSpecific json.RawMessage `json:"ecosystem_specific"`
	DatabaseSpecific  json.RawMessage `json:"database_specific"`
}

// ParseRecord reads one OSV record. It checks what matching relies on: an
// ID, a modification time, well-formed events; a record that fails is
// rejected with an error saying why.
func ParseRecord(data []byte) (*Record, error) {
	if len(data) > MaxRecordSize {
		return nil, fmt.Errorf("record is larger than %d bytes", MaxRecordSize)
	}
	var raw rawRecord
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&raw); err != nil {
		return nil, fmt.Errorf("parsing OSV JSON: %w", err)
	}
	if raw.ID == "" {
		return nil, fmt.Errorf("%w: no id", ErrNotOSV)
	}
	if len(raw.ID) > maxIDLen || strings.ContainsAny(raw.ID, "/\\\x00\n") {
		return nil, fmt.Errorf("bad record id %q", truncateString(raw.ID, 40))
	}
	if len(raw.Affected) > maxAffected {
		return nil, fmt.Errorf("%s: more than %d affected entries", raw.ID, maxAffected)
	}
	r := &Record{ID: raw.ID, Aliases: cleanIDs(raw.Aliases), Upstream: cleanIDs(raw.Upstream), Related: cleanIDs(raw.Related), Severity: raw.Severity, References: raw.References}
	var err error
	if r.Modified, err = parseTime(raw.Modified); err != nil {
		return nil, fmt.Errorf("%s: modified: %w", raw.ID, err)
	}
	if raw.Published != "" {
		if r.Published, err = parseTime(raw.Published); err != nil {
			return nil, fmt.Errorf("%s: published: %w", raw.ID, err)
		}
	}
	if raw.Withdrawn != "" {
		if r.Withdrawn, err = parseTime(raw.Withdrawn); err != nil {
			return nil, fmt.Errorf("%s: withdrawn: %w", raw.ID, err)
		}
	}
	r.Summary = summaryOf(raw.Summary, raw.Details)
	r.DBSeverity = dbSeverity(raw.DatabaseSpecific)
	versions := 0
	for i, ra := range raw.Affected {
		a := Affected{Package: ra.Package, Ranges: ra.Ranges, Versions: ra.Versions, Severity: ra.Severity}
		versions += len(ra.Versions)
		if versions > maxVersions {
			return nil, fmt.Errorf("%s: more than %d listed versions", raw.ID, maxVersions)
		}
		for j, rg := range a.Ranges {
			if err := checkRange(rg); err != nil {
				return nil, fmt.Errorf("%s: affected[%d].ranges[%d]: %w", raw.ID, i, j, err)
			}
		}
		a.Urgency = urgencyOf(ra.EcosystemSpecific)
		if a.Urgency == "" {
			a.Urgency = urgencyOf(ra.DatabaseSpecific)
		}
		r.Affected = append(r.Affected, a)
	}
	return r, nil
}

// checkRange rejects ranges a matcher cannot evaluate.
func checkRange(rg Range) error {
	switch rg.Type {
	case "ECOSYSTEM", "SEMVER", "GIT":
	default:
		return fmt.Errorf("unknown range type %q", rg.Type)
	}
	for _, e := range rg.Events {
		n := 0
		for _, v := range []string{e.Introduced, e.Fixed, e.LastAffected, e.Limit} {
			if v != "" {
				n++
			}
		}
		if n != 1 {
			return errors.New("an event must set exactly one of introduced, fixed, last_affected, limit")
		}
	}
	return nil
}

// parseTime reads an RFC 3339 time; osv.dev writes fractions, some feeds
// leave out the zone (taken as UTC).
func parseTime(s string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not an RFC 3339 time", truncateString(s, 40))
}

func cleanIDs(ids []string) []string {
	var out []string
	for _, id := range ids {
		if id = strings.TrimSpace(id); id != "" && len(id) <= maxIDLen {
			out = append(out, id)
		}
	}
	return out
}

// summaryOf is the summary, or the first line of the details.
func summaryOf(summary, details string) string {
	s := strings.TrimSpace(summary)
	if s == "" {
		s, _, _ = strings.Cut(strings.TrimSpace(details), "\n")
	}
	return truncateString(strings.Join(strings.Fields(s), " "), maxSummary)
}

func truncateString(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// dbSeverity reads GitHub's database_specific.severity.
func dbSeverity(raw json.RawMessage) string {
	var ds struct {
		Severity json.RawMessage `json:"severity"`
	}
	if len(raw) == 0 || json.Unmarshal(raw, &ds) != nil {
		return ""
	}
	var s string
	if json.Unmarshal(ds.Severity, &s) != nil || len(s) > 20 {
		return ""
	}
	return s
}

// urgencyOf reads a Debian urgency from ecosystem_specific or
// database_specific.
func urgencyOf(raw json.RawMessage) string {
	var ds struct {
		Urgency json.RawMessage `json:"urgency"`
	}
	if len(raw) == 0 || json.Unmarshal(raw, &ds) != nil {
		return ""
	}
	var s string
	if json.Unmarshal(ds.Urgency, &s) != nil || len(s) > 40 {
		return ""
	}
	return s
}

// IDs returns the record's ID, aliases and upstream IDs.
func (r *Record) IDs() []string {
	out := append([]string{r.ID}, r.Aliases...)
	return append(out, r.Upstream...)
}
