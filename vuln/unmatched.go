package vuln

import (
	"fmt"

	"github.com/harden-dev/harden/sbom"
)

// Unmatched is a package Match could not look up: its ecosystem is unknown
// or has no version order harden knows, or its version does not parse in
// it. The scan says nothing about such a package, so a result that has
// any is incomplete.
type Unmatched struct {
	// Package is "name@version".
	Package   string `json:"package"`
	Type      string `json:"type,omitempty"`
	Ecosystem string `json:"ecosystem,omitempty"`
	Reason    string `json:"reason"`
}

// Incomplete reports whether some packages could not be matched.
func (r *Result) Incomplete() bool { return len(r.Unmatched) > 0 }

// ecosystemProblem says why p's ecosystem cannot be matched ("" when it can).
func ecosystemProblem(p *sbom.Package) string {
	switch {
	case p.Ecosystem == "":
		return "no ecosystem (unknown package type or distribution)"
	case !supported(p.Ecosystem):
		return fmt.Sprintf("ecosystem %s has no version order harden knows", p.Ecosystem)
	}
	return ""
}

// addUnmatched lists p as not matched, and why.
func (r *Result) addUnmatched(p *sbom.Package, reason string) {
	r.Unmatched = append(r.Unmatched, Unmatched{Package: p.Name + "@" + p.Version, Type: p.Type, Ecosystem: p.Ecosystem, Reason: reason})
}
