package vuln

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/google/osv-scalibr/semantic"
	"golang.org/x/mod/semver"
)

// verdict says whether one affected entry covers an installed version.
type verdict struct {
	affected bool
	// fixed is the first fixed version above the installed one, if any.
	fixed string
}

// evaluate checks version v (already parsed as pv in ecosystem eco) against
// an affected entry: listed versions, then every ECOSYSTEM and SEMVER
// range. GIT ranges name commits and cannot be checked against a package
// version; osv.dev lists the versions they cover in Versions.
func evaluate(a *Affected, eco, v string, pv semantic.Version) (verdict, error) {
	var out verdict
	if slices.Contains(a.Versions, v) {
		out.affected = true
	}
	for _, rg := range a.Ranges {
		var parse func(string) (semantic.Version, error)
		switch rg.Type {
		case "ECOSYSTEM":
			parse = func(s string) (semantic.Version, error) { return parseVersion(eco, s) }
		case "SEMVER":
			parse = parseSemver
		default:
			continue
		}
		cur := pv
		if rg.Type == "SEMVER" {
			cur = semantic.ParseSemverVersion(v)
		}
		hit, fixed, err := inRange(rg.Events, cur, parse)
		if err != nil {
			return out, err
		}
		if hit {
			out.affected = true
			if fixed != "" && (out.fixed == "" || lessVersion(parse, fixed, out.fixed)) {
				out.fixed = fixed
			}
		}
	}
	if out.affected && out.fixed == "" {
		// a listed version: the fix is the lowest fixed event above it
		out.fixed = lowestFixAbove(a, eco, pv)
	}
	return out, nil
}

type parsedEvent struct {
	ev  Event
	ver semantic.Version // nil for introduced "0"
}

// inRange evaluates one range the way the OSV schema describes: events in
// version order; introduced opens, fixed and limit close at their version,
// last_affected closes just after it.
func inRange(events []Event, v semantic.Version, parse func(string) (semantic.Version, error)) (bool, string, error) {
	pes := make([]parsedEvent, 0, len(events))
	for _, e := range events {
		s := e.Introduced + e.Fixed + e.LastAffected + e.Limit
		if e.Introduced == "0" {
			pes = append(pes, parsedEvent{ev: e})
			continue
		}
		if e.Limit == "*" {
			continue // no limit
		}
		pv, err := parse(s)
		if err != nil {
			return false, "", err
		}
		pes = append(pes, parsedEvent{ev: e, ver: pv})
	}
	var sortErr error
	sort.SliceStable(pes, func(i, j int) bool {
		a, b := pes[i], pes[j]
		if a.ver == nil || b.ver == nil {
			return a.ver == nil && b.ver != nil
		}
		c, err := a.ver.Compare(b.ver)
		if err != nil {
			sortErr = err
		}
		if c != 0 {
			return c < 0
		}
		// at the same version an introduced event comes first, so a range
		// that is introduced and fixed at one version covers nothing
		return a.ev.Introduced != "" && b.ev.Introduced == ""
	})
	if sortErr != nil {
		return false, "", sortErr
	}
	affected := false
	fixed := ""
	for _, pe := range pes {
		c := 1 // v is above introduced "0"
		if pe.ver != nil {
			var err error
			if c, err = v.Compare(pe.ver); err != nil {
				return false, "", err
			}
		}
		if c < 0 {
			// the first event above v closes or leaves open v's interval
			if affected && pe.ev.Fixed != "" {
				fixed = pe.ev.Fixed
			}
			break
		}
		switch {
		case pe.ev.Introduced != "":
			affected = true
		case pe.ev.Fixed != "", pe.ev.Limit != "":
			affected = false
		case pe.ev.LastAffected != "":
			if c > 0 {
				affected = false
			}
		}
	}
	return affected, fixed, nil
}

func lessVersion(parse func(string) (semantic.Version, error), a, b string) bool {
	pa, err1 := parse(a)
	pb, err2 := parse(b)
	if err1 != nil || err2 != nil {
		return a < b
	}
	c, err := pa.Compare(pb)
	return err == nil && c < 0
}

// lowestFixAbove finds the lowest fixed event of ECOSYSTEM ranges above v.
func lowestFixAbove(a *Affected, eco string, v semantic.Version) string {
	best := ""
	var bestV semantic.Version
	for _, rg := range a.Ranges {
		if rg.Type != "ECOSYSTEM" {
			continue
		}
		for _, e := range rg.Events {
			if e.Fixed == "" {
				continue
			}
			fv, err := parseVersion(eco, e.Fixed)
			if err != nil {
				continue
			}
			if c, err := fv.Compare(v); err != nil || c <= 0 {
				continue
			}
			if bestV == nil {
				best, bestV = e.Fixed, fv
				continue
			}
			if c, err := fv.Compare(bestV); err == nil && c < 0 {
				best, bestV = e.Fixed, fv
			}
		}
	}
	return best
}

// checkAffected validates an affected entry at import: its ecosystem must
// be known and every version in its ranges must parse.
func checkAffected(a *Affected) error {
	if !supported(a.Package.Ecosystem) {
		return fmt.Errorf("%w: %q", ErrUnsupportedEcosystem, a.Package.Ecosystem)
	}
	for _, rg := range a.Ranges {
		if rg.Type == "GIT" {
			continue
		}
		for _, e := range rg.Events {
			s := e.Introduced + e.Fixed + e.LastAffected + e.Limit
			if s == "0" || s == "*" {
				continue
			}
			var err error
			if rg.Type == "SEMVER" {
				_, err = parseSemver(s)
			} else {
				_, err = parseVersion(a.Package.Ecosystem, s)
			}
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// parseSemver parses the version of a SEMVER range event: SemVer 2.0, as
// the OSV schema says (a leading "v" is tolerated). scalibr's semver parser
// accepts any string, so the form is checked with x/mod/semver first.
func parseSemver(s string) (semantic.Version, error) {
	v := "v" + strings.TrimPrefix(s, "v")
	core, _, _ := strings.Cut(v, "+") // Canonical drops build metadata
	if !semver.IsValid(v) || semver.Canonical(v) != core {
		return nil, fmt.Errorf("invalid SEMVER version %q", truncateString(s, 40))
	}
	return semantic.ParseSemverVersion(s), nil
}
