package sbom

import (
	"strings"

	apkmeta "github.com/google/osv-scalibr/extractor/filesystem/os/apk/metadata"
	dpkgmeta "github.com/google/osv-scalibr/extractor/filesystem/os/dpkg/metadata"
	rpmmeta "github.com/google/osv-scalibr/extractor/filesystem/os/rpm/metadata"
)

// osMetadata copies the source package and architecture of an OS package.
func osMetadata(pkg *Package, md any) {
	switch m := md.(type) {
	case *dpkgmeta.Metadata:
		pkg.SourceName, pkg.SourceVersion, pkg.Arch = m.SourceName, m.SourceVersion, m.Architecture
	case *apkmeta.Metadata:
		pkg.SourceName, pkg.Arch = m.OriginName, m.Architecture
	case *rpmmeta.Metadata:
		pkg.SourceName, pkg.SourceVersion = splitSourceRPM(m.SourceRPM)
		pkg.Arch = m.Architecture
	}
}

// splitSourceRPM reads "openssl-3.0.7-27.el9.src.rpm" as name "openssl" and
// version "3.0.7-27.el9".
func splitSourceRPM(s string) (name, version string) {
	s = strings.TrimSuffix(strings.TrimSuffix(s, ".rpm"), ".src")
	if s == "" {
		return "", ""
	}
	rel := strings.LastIndexByte(s, '-')
	if rel <= 0 {
		return s, ""
	}
	ver := strings.LastIndexByte(s[:rel], '-')
	if ver <= 0 {
		return s, ""
	}
	return s[:ver], s[ver+1:]
}
