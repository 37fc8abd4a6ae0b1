package vuln

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"
)

// debianReleases maps the tracker's release code names to OSV ecosystems.
// Releases with no OSV ecosystem (sid, experimental) are skipped.
var debianReleases = map[string]string{
	"wheezy": "Debian:7", "jessie": "Debian:8", "stretch": "Debian:9", "buster": "Debian:10",
	"bullseye": "Debian:11", "bookworm": "Debian:12", "trixie": "Debian:13", "forky": "Debian:14",
}

// trackerEntry is one (source package, issue) of Debian's tracker JSON
// (https://security-tracker.debian.org/tracker/data/json).
type trackerEntry struct {
	Description string                    `json:"description"`
	Releases    map[string]trackerRelease `json:"releases"`
}

type trackerRelease struct {
	Status       string `json:"status"`
	FixedVersion string `json:"fixed_version"`
	Urgency      string `json:"urgency"`
}

// maxTrackerIssues bounds the issues of one tracker file.
const maxTrackerIssues = 2_000_000

// ParseDebianTracker converts Debian's security-tracker JSON into OSV
// records, one per issue, named as osv.dev names its Debian records
// ("DEBIAN-CVE-2023-1234", upstream the CVE). For each release with an OSV
// ecosystem: "resolved" with fixed_version "0" means the release was never
// affected (no entry); "resolved" otherwise is affected below the fixed
// version; "open" and "undetermined" are affected in every version. The
// tracker's urgency is kept for the severity (see urgencySeverity). The
// file carries no times: modified is when it was fetched.
func ParseDebianTracker(r io.Reader, modified time.Time) ([]*Record, error) {
	dec := json.NewDecoder(r)
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, errors.New("debian tracker JSON must be an object of source packages")
	}
	byID := map[string]*Record{}
	issues := 0
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("reading debian tracker JSON: %w", err)
		}
		pkg, _ := tok.(string)
		var entries map[string]trackerEntry
		if err := dec.Decode(&entries); err != nil {
			return nil, fmt.Errorf("debian tracker package %q: %w", truncateString(pkg, 40), err)
		}
		if pkg == "" || len(pkg) > 200 {
			continue
		}
		issues += len(entries)
		if issues > maxTrackerIssues {
			return nil, fmt.Errorf("debian tracker JSON has more than %d issues", maxTrackerIssues)
		}
		for issue, e := range entries {
			addTrackerEntry(byID, pkg, issue, e, modified)
		}
	}
	if _, err := dec.Token(); err != nil {
		return nil, fmt.Errorf("reading debian tracker JSON: %w", err)
	}
	ids := make([]string, 0, len(byID))
	for id := range byID {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	out := make([]*Record, 0, len(ids))
	for _, id := range ids {
		out = append(out, byID[id])
	}
	return out, nil
}

func addTrackerEntry(byID map[string]*Record, pkg, issue string, e trackerEntry, modified time.Time) {
	if issue == "" || len(issue) > 100 || strings.ContainsAny(issue, "/\\\x00\n ") {
		return
	}
	var affected []Affected
	codenames := make([]string, 0, len(e.Releases))
	for c := range e.Releases {
		codenames = append(codenames, c)
	}
	sort.Strings(codenames)
	for _, codename := range codenames {
		rel := e.Releases[codename]
		eco, ok := debianReleases[codename]
		if !ok {
			continue
		}
		events := []Event{{Introduced: "0"}}
		switch rel.Status {
		case "resolved":
			if rel.FixedVersion == "" || rel.FixedVersion == "0" {
				continue // never affected
			}
			events = append(events, Event{Fixed: rel.FixedVersion})
		case "open", "undetermined":
		default:
			continue
		}
		affected = append(affected, Affected{
			Package: OSVPackage{Ecosystem: eco, Name: pkg, PURL: "pkg:deb/debian/" + pkg + "?arch=source"},
			Ranges:  []Range{{Type: "ECOSYSTEM", Events: events}},
			Urgency: rel.Urgency,
		})
	}
	if len(affected) == 0 {
		return
	}
	id := "DEBIAN-" + issue
	r, ok := byID[id]
	if !ok {
		r = &Record{ID: id, Modified: modified.UTC(), Summary: summaryOf("", e.Description),
			References: []Reference{{Type: "ADVISORY", URL: "https://security-tracker.debian.org/tracker/" + issue}}}
		if strings.HasPrefix(issue, "CVE-") {
			r.Upstream = []string{issue}
		}
		byID[id] = r
	}
	if r.Summary == "" {
		r.Summary = summaryOf("", e.Description)
	}
	r.Affected = append(r.Affected, affected...)
}
