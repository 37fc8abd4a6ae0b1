package vuln

import (
	"context"
	"fmt"
	"io"
	"strings"
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

// Scan matches s against db (Match) and times it. With enforceAge, data
// older than the maximum age (WithMaxAge) is an error; the Scanned comes
// back with it, to say where the data is from.
func Scan(ctx context.Context, db *DB, s *sbom.SBOM, enforceAge bool, opts ...Option) (*Scanned, error) {
	started := time.Now()
	res, err := Match(ctx, db, s, opts...)
	if err != nil {
		return nil, err
	}
	sc := &Scanned{SBOM: s, Result: res, Started: started, Ended: time.Now()}
	if res.DB.Stale && enforceAge {
		return sc, fmt.Errorf("scan: the vulnerability data is older than --max-db-age (%s): %s; run `harden db update` or import fresh data",
			strings.Join(res.DB.StaleSources, ", "), SourceAges(res.DB.Sources))
	}
	return sc, nil
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
