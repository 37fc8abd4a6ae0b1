package sbom

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	cdx "github.com/CycloneDX/cyclonedx-go"
	"github.com/package-url/packageurl-go"
	spdxjson "github.com/spdx/tools-golang/json"
)

// maxSBOMFile bounds an SBOM document Decode reads.
const maxSBOMFile = 512 << 20

// Decode reads an SBOM: harden's JSON, CycloneDX JSON or SPDX JSON (from
// harden or another tool). Packages of foreign documents get their type,
// ecosystem and source package from their package URLs.
func Decode(r io.Reader) (*SBOM, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxSBOMFile+1))
	if err != nil {
		return nil, fmt.Errorf("reading SBOM: %w", err)
	}
	if len(data) > maxSBOMFile {
		return nil, fmt.Errorf("SBOM is larger than %d bytes", maxSBOMFile)
	}
	var probe struct {
		BOMFormat   string          `json:"bomFormat"`
		SPDXVersion string          `json:"spdxVersion"`
		Packages    json.RawMessage `json:"packages"`
	}
	if err := json.Unmarshal(data, &probe); err != nil {
		return nil, fmt.Errorf("SBOM is not JSON: %w", err)
	}
	switch {
	case probe.BOMFormat == "CycloneDX":
		return decodeCycloneDX(data)
	case probe.SPDXVersion != "":
		return decodeSPDX(data)
	case probe.Packages != nil:
		s := &SBOM{}
		if err := json.Unmarshal(data, s); err != nil {
			return nil, fmt.Errorf("parsing harden SBOM: %w", err)
		}
		s.Summarize()
		return s, nil
	}
	return nil, errors.New("not a harden, CycloneDX or SPDX JSON SBOM")
}

func decodeCycloneDX(data []byte) (*SBOM, error) {
	var bom cdx.BOM
	if err := cdx.NewBOMDecoder(bytes.NewReader(data), cdx.BOMFileFormatJSON).Decode(&bom); err != nil {
		return nil, fmt.Errorf("parsing CycloneDX: %w", err)
	}
	s := &SBOM{Source: Source{Kind: "file"}, Packages: []Package{}}
	if bom.Metadata != nil && bom.Metadata.Component != nil {
		s.Source.Name = bom.Metadata.Component.Name
	}
	var walk func(cs *[]cdx.Component)
	walk = func(cs *[]cdx.Component) {
		if cs == nil {
			return
		}
		for _, c := range *cs {
			if c.Type == cdx.ComponentTypeOS && s.OS == nil {
				s.OS = &OS{ID: c.Name, VersionID: c.Version, PrettyName: c.Description}
				s.OS.Ecosystem = osEcosystem(s.OS)
			}
			if c.PackageURL != "" {
				p := fromPURL(c.PackageURL, c.Name, c.Version)
				if c.Properties != nil {
					for _, pr := range *c.Properties {
						switch pr.Name {
						case "harden:ecosystem":
							p.Ecosystem = pr.Value
						case "harden:sourcePackage":
							p.SourceName = pr.Value
						case "harden:sourceVersion":
							p.SourceVersion = pr.Value
						}
					}
				}
				if c.Evidence != nil && c.Evidence.Occurrences != nil {
					for _, o := range *c.Evidence.Occurrences {
						p.Locations = append(p.Locations, Location{Path: o.Location})
					}
				}
				s.Packages = append(s.Packages, p)
			}
			walk(c.Components)
		}
	}
	walk(bom.Components)
	sortPackages(s.Packages)
	s.Summarize()
	return s, nil
}

func decodeSPDX(data []byte) (*SBOM, error) {
	doc, err := spdxjson.Read(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("parsing SPDX: %w", err)
	}
	s := &SBOM{Source: Source{Name: doc.DocumentName, Kind: "file"}, Packages: []Package{}}
	for _, sp := range doc.Packages {
		if (sp.PrimaryPackagePurpose == "OPERATING_SYSTEM" || sp.PrimaryPackagePurpose == "OPERATING-SYSTEM") && s.OS == nil {
			s.OS = &OS{ID: sp.PackageName, VersionID: sp.PackageVersion, PrettyName: sp.PackageDescription}
			s.OS.Ecosystem = osEcosystem(s.OS)
		}
		for _, ref := range sp.PackageExternalReferences {
			if ref.RefType == "purl" {
				s.Packages = append(s.Packages, fromPURL(ref.Locator, sp.PackageName, sp.PackageVersion))
				break
			}
		}
	}
	sortPackages(s.Packages)
	s.Summarize()
	return s, nil
}

// fromPURL makes a package from a package URL: the type, the OSV ecosystem
// and, for OS packages, the source package and distribution release.
func fromPURL(purl, name, version string) Package {
	p := Package{Name: name, Version: version, PURL: purl, FoundBy: "sbom"}
	pu, err := packageurl.FromString(purl)
	if err != nil {
		return p
	}
	p.Type = pu.Type
	if p.Name == "" {
		p.Name = pu.Name
	}
	if p.Version == "" {
		p.Version = pu.Version
	}
	q := pu.Qualifiers.Map()
	switch pu.Type {
	case "npm":
		p.Ecosystem = "npm"
		if pu.Namespace != "" && !strings.Contains(p.Name, "/") {
			p.Name = pu.Namespace + "/" + pu.Name
		}
	case "pypi":
		p.Ecosystem = "PyPI"
	case "golang":
		p.Ecosystem = "Go"
		if pu.Namespace != "" && !strings.Contains(p.Name, "/") {
			p.Name = pu.Namespace + "/" + pu.Name
		}
	case "maven":
		p.Ecosystem = "Maven"
		if pu.Namespace != "" && !strings.Contains(p.Name, ":") {
			p.Name = pu.Namespace + ":" + pu.Name
		}
	case "gem":
		p.Ecosystem = "RubyGems"
	case "cargo":
		p.Ecosystem = "crates.io"
	case "nuget":
		p.Ecosystem = "NuGet"
	case "composer":
		p.Ecosystem = "Packagist"
	case "deb", "apk":
		o := distroOS(pu.Namespace, q["distro"])
		p.Ecosystem = osEcosystem(o)
		p.SourceName = nonEmpty(q["source"], q["upstream"])
		if name, ver, ok := strings.Cut(p.SourceName, "@"); ok {
			p.SourceName, p.SourceVersion = name, ver
		}
		if v := q["sourceversion"]; v != "" {
			p.SourceVersion = v
		}
		p.Arch = q["arch"]
	}
	return p
}

// debianCodenames maps Debian release names to their numbers.
var debianCodenames = map[string]string{
	"wheezy": "7", "jessie": "8", "stretch": "9", "buster": "10", "bullseye": "11",
	"bookworm": "12", "trixie": "13", "forky": "14",
}

// distroOS reads a purl distro qualifier: "debian-12", "bookworm",
// "alpine-3.18.4", "3.18.4".
func distroOS(namespace, distro string) *OS {
	o := &OS{ID: namespace}
	d := strings.TrimPrefix(distro, namespace+"-")
	if n, ok := debianCodenames[d]; ok && namespace == "debian" {
		o.VersionID, o.Codename = n, d
		return o
	}
	o.VersionID = d
	return o
}
