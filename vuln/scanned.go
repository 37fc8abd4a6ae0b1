package vuln

import (
	"io"
	"time"

	"github.com/harden-dev/harden/report"
	"github.com/harden-dev/harden/sbom"
)

// Scanned is one input's inventory and its matches, with when the
// matching ran (GitLab's report says it).
type Scanned struct {
	SBOM           *sbom.SBOM
	Result         *Result
	Started, Ended time.Time
}

// Write writes the scan in a --format: json, sarif, cyclonedx (the
// inventory with its vulnerabilities), gitlab, else a table; version is
// harden's.
func (s *Scanned) Write(w io.Writer, format, version string) error {
	switch format {
	case "json":
		return report.WriteJSON(w, s.Result)
	case "sarif":
		return WriteSARIF(w, s.Result, version)
	case "cyclonedx":
		return sbom.WriteCycloneDX(w, CycloneDX(s.SBOM, s.Result))
	case "gitlab":
		return report.WriteJSON(w, GitLab(s.Result, version, s.Started, s.Ended))
	}
	return WriteTable(w, s.Result)
}
