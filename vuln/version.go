package vuln

import (
	"errors"
	"fmt"
	"strings"
	"unicode"

	"github.com/google/osv-scalibr/semantic"
)

// ErrUnsupportedEcosystem is returned (wrapped) for an ecosystem whose
// version order harden does not know.
var ErrUnsupportedEcosystem = semantic.ErrUnsupportedEcosystem

// baseEcosystem drops the release suffix: "Debian:12" → "Debian".
func baseEcosystem(eco string) string {
	base, _, _ := strings.Cut(eco, ":")
	return base
}

// parseVersion parses v in eco's version order (scalibr's semantic package:
// dpkg order for Debian and Ubuntu, apk-tools for Alpine, semver for npm
// and Go, PEP 440 for PyPI, Maven's ComparableVersion, rpmvercmp for Red Hat
// and SUSE).
func parseVersion(eco, v string) (semantic.Version, error) {
	if v == "" || len(v) > 200 || strings.ContainsFunc(v, unicode.IsSpace) {
		return nil, fmt.Errorf("invalid version %q", truncateString(v, 40))
	}
	pv, err := semantic.Parse(v, baseEcosystem(eco))
	if err != nil {
		if errors.Is(err, semantic.ErrUnsupportedEcosystem) {
			return nil, fmt.Errorf("%w: %s", ErrUnsupportedEcosystem, eco)
		}
		return nil, fmt.Errorf("invalid %s version %q: %w", baseEcosystem(eco), truncateString(v, 40), err)
	}
	return pv, nil
}

// Compare orders two versions of ecosystem eco: -1, 0 or +1.
func Compare(eco, a, b string) (int, error) {
	va, err := parseVersion(eco, a)
	if err != nil {
		return 0, err
	}
	vb, err := parseVersion(eco, b)
	if err != nil {
		return 0, err
	}
	return va.Compare(vb)
}

// supported reports whether harden knows eco's version order.
func supported(eco string) bool {
	_, err := semantic.Parse("1", baseEcosystem(eco))
	return !errors.Is(err, semantic.ErrUnsupportedEcosystem)
}
