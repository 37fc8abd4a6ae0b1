package sbom

import "strings"

// spdxIDs are common SPDX license identifiers (https://spdx.org/licenses/),
// matched case-insensitively and written in their canonical case. A
// declared license outside this set is kept by name: CycloneDX's
// license.name, SPDX's LicenseRef-. A test checks every entry against the
// SPDX list in CycloneDX's schema.
var spdxIDs = func() map[string]string {
	ids := []string{
		"0BSD", "AFL-2.1", "AGPL-3.0-only", "AGPL-3.0-or-later", "Apache-1.1", "Apache-2.0", "Artistic-1.0",
		"Artistic-2.0", "BlueOak-1.0.0", "BSD-1-Clause", "BSD-2-Clause", "BSD-3-Clause", "BSD-4-Clause",
		"BSL-1.0", "CC-BY-3.0", "CC-BY-4.0", "CC-BY-SA-3.0", "CC-BY-SA-4.0", "CC0-1.0", "CDDL-1.0",
		"CDDL-1.1", "EPL-1.0", "EPL-2.0", "EUPL-1.2", "GPL-1.0-only", "GPL-1.0-or-later", "GPL-2.0-only",
		"GPL-2.0-or-later", "GPL-3.0-only", "GPL-3.0-or-later", "ISC", "LGPL-2.0-only", "LGPL-2.0-or-later",
		"LGPL-2.1-only", "LGPL-2.1-or-later", "LGPL-3.0-only", "LGPL-3.0-or-later", "MIT", "MIT-0", "MPL-1.1",
		"MPL-2.0", "OpenSSL", "PSF-2.0", "Python-2.0", "Ruby", "Unicode-DFS-2016", "Unlicense", "W3C",
		"WTFPL", "X11", "Zlib", "ZPL-2.1", "curl", "bzip2-1.0.6", "GFDL-1.2-only", "GFDL-1.3-only",
		"GFDL-1.2-or-later", "GFDL-1.3-or-later",
	}
	m := make(map[string]string, len(ids))
	for _, id := range ids {
		m[strings.ToLower(id)] = id
	}
	return m
}()

// debianNames maps the short names of Debian copyright files (DEP-5) to
// SPDX identifiers where the meaning is the same.
var debianNames = map[string]string{
	"gpl-1": "GPL-1.0-only", "gpl-1+": "GPL-1.0-or-later", "gpl-2": "GPL-2.0-only", "gpl-2+": "GPL-2.0-or-later",
	"gpl-3": "GPL-3.0-only", "gpl-3+": "GPL-3.0-or-later", "lgpl-2": "LGPL-2.0-only", "lgpl-2+": "LGPL-2.0-or-later",
	"lgpl-2.1": "LGPL-2.1-only", "lgpl-2.1+": "LGPL-2.1-or-later", "lgpl-3": "LGPL-3.0-only", "lgpl-3+": "LGPL-3.0-or-later",
	"agpl-3": "AGPL-3.0-only", "agpl-3+": "AGPL-3.0-or-later", "expat": "MIT", "mpl-2.0": "MPL-2.0",
}

// spdxID returns the canonical SPDX identifier of a declared license, or "".
func spdxID(l string) string {
	k := strings.ToLower(strings.TrimSpace(l))
	if id, ok := spdxIDs[k]; ok {
		return id
	}
	return debianNames[k]
}
