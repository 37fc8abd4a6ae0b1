package vuln

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/openvex/go-vex/pkg/vex"
)

// maxVEXSize bounds a VEX document.
const maxVEXSize = 32 << 20

// ReadVEX parses an OpenVEX JSON document.
func ReadVEX(r io.Reader) (*vex.VEX, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxVEXSize+1))
	if err != nil {
		return nil, fmt.Errorf("reading VEX: %w", err)
	}
	if len(data) > maxVEXSize {
		return nil, fmt.Errorf("VEX document is larger than %d bytes", maxVEXSize)
	}
	doc, err := vex.Parse(data)
	if err != nil {
		return nil, fmt.Errorf("parsing OpenVEX: %w", err)
	}
	for i := range doc.Statements {
		if !doc.Statements[i].Status.Valid() {
			return nil, fmt.Errorf("statement %d: unknown status %q", i, doc.Statements[i].Status)
		}
	}
	return doc, nil
}

// vexVerdict returns the latest statement of the documents about the
// vulnerability (any of ids) in the package, and whether it suppresses the
// finding (status not_affected or fixed). A product matches when it names
// the package (package URLs match from the general to the specific, as
// OpenVEX says), or when it is the image and lists the package as a
// subcomponent.
func vexVerdict(docs []*vex.VEX, ids []string, purl string) (string, bool) {
	for _, doc := range docs {
		var ts time.Time
		if doc.Timestamp != nil {
			ts = *doc.Timestamp
		}
		stmts := append([]vex.Statement(nil), doc.Statements...)
		vex.SortStatements(stmts, ts)
		for i := len(stmts) - 1; i >= 0; i-- {
			st := &stmts[i]
			if !vulnMatches(st, ids) || !productMatches(st, purl) {
				continue
			}
			switch st.Status {
			case vex.StatusNotAffected:
				reason := "VEX: not_affected"
				if st.Justification != "" {
					reason += " (" + string(st.Justification) + ")"
				}
				return reason, true
			case vex.StatusFixed:
				return "VEX: fixed", true
			default:
				return "", false // the latest statement says affected or under investigation
			}
		}
	}
	return "", false
}

func vulnMatches(st *vex.Statement, ids []string) bool {
	for _, id := range ids {
		if st.Vulnerability.Matches(id) {
			return true
		}
	}
	return false
}

func productMatches(st *vex.Statement, purl string) bool {
	if purl == "" {
		return false
	}
	for i := range st.Products {
		p := &st.Products[i]
		if p.Component.Matches(purl) {
			return true
		}
		if !strings.HasPrefix(p.ID, "pkg:") || strings.HasPrefix(p.ID, "pkg:oci/") || strings.HasPrefix(p.ID, "pkg:docker/") {
			for j := range p.Subcomponents {
				if p.Subcomponents[j].Matches(purl) {
					return true
				}
			}
		}
	}
	return false
}
