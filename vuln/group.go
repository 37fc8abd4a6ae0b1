package vuln

import (
	"sort"
	"strings"
)

// match is one record that affects a package.
type match struct {
	rec     *Record
	fixed   string
	ratings []Rating
}

// cves returns the CVE IDs a record names (its ID, aliases, upstream).
func cves(r *Record) []string {
	var out []string
	seen := map[string]bool{}
	for _, id := range r.IDs() {
		if strings.HasPrefix(id, "CVE-") && !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// vulnGroup is the records of one finding; cve is the CVE they share,
// when there is one.
type vulnGroup struct {
	cve string
	ms  []match
}

// group puts the records that name the same vulnerability together. Records
// that name at most one CVE are joined through any ID they share (a GHSA
// and its CVE; DEBIAN-CVE-2024-1 and CVE-2024-1). An advisory that fixes
// several CVEs at once (a Debian DSA) counts once for each of its CVEs:
// it joins the group of that CVE, or makes one. So findings count CVEs, as
// Grype and Trivy count them, not advisories.
func group(ms []match) []vulnGroup {
	sort.SliceStable(ms, func(i, j int) bool { return ms[i].rec.ID < ms[j].rec.ID })
	parent := make([]int, len(ms))
	for i := range parent {
		parent[i] = i
	}
	var find func(int) int
	find = func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	holder := map[string]int{}
	for i, m := range ms {
		if len(cves(m.rec)) > 1 {
			continue
		}
		for _, id := range m.rec.IDs() {
			if j, ok := holder[id]; ok {
				parent[find(i)] = find(j)
			} else {
				holder[id] = i
			}
		}
	}
	var out []vulnGroup
	byRoot := map[int]int{} // root record → index in out
	byCVE := map[string]int{}
	for i, m := range ms {
		if len(cves(m.rec)) > 1 {
			continue
		}
		r := find(i)
		gi, ok := byRoot[r]
		if !ok {
			gi = len(out)
			byRoot[r] = gi
			out = append(out, vulnGroup{})
		}
		out[gi].ms = append(out[gi].ms, m)
	}
	for gi := range out {
		set := map[string]bool{}
		for _, m := range out[gi].ms {
			for _, c := range cves(m.rec) {
				set[c] = true
			}
		}
		if len(set) == 1 {
			for c := range set {
				out[gi].cve = c
				byCVE[c] = gi
			}
		}
	}
	for _, m := range ms {
		cs := cves(m.rec)
		if len(cs) <= 1 {
			continue
		}
		for _, c := range cs {
			gi, ok := byCVE[c]
			if !ok {
				if j, held := holder[c]; held {
					gi, ok = byRoot[find(j)], true
				}
			}
			if !ok {
				gi = len(out)
				byCVE[c] = gi
				out = append(out, vulnGroup{cve: c})
			}
			if !containsRecord(out[gi].ms, m.rec.ID) {
				out[gi].ms = append(out[gi].ms, m)
			}
		}
	}
	return out
}

func containsRecord(ms []match, id string) bool {
	for _, m := range ms {
		if m.rec.ID == id {
			return true
		}
	}
	return false
}

// groupIDs picks a group's ID and aliases. A record that fixes several
// CVEs contributes only its own ID, so the group does not claim the other
// CVEs (they are findings of their own).
func groupIDs(g vulnGroup) (id string, aliases, records []string) {
	all := map[string]bool{}
	for _, m := range g.ms {
		records = append(records, m.rec.ID)
		if len(cves(m.rec)) > 1 {
			all[m.rec.ID] = true
			continue
		}
		for _, x := range m.rec.IDs() {
			all[x] = true
		}
	}
	sort.Strings(records)
	id = g.cve
	if id == "" {
		id = records[0]
		for _, m := range g.ms {
			if len(cves(m.rec)) <= 1 {
				id = m.rec.ID
				break
			}
		}
	}
	for x := range all {
		if x != id {
			aliases = append(aliases, x)
		}
	}
	sort.Strings(aliases)
	return id, aliases, records
}
