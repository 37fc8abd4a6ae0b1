package sbom

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"strconv"
	"time"

	cdx "github.com/CycloneDX/cyclonedx-go"
)

// CycloneDX builds the CycloneDX 1.6 BOM of s: one component per package
// (bom-ref "pkg:N" in package order) with its purl, licenses and the files
// that prove it as evidence occurrences, and the OS as an
// operating-system component. vuln adds vulnerabilities to it.
func CycloneDX(s *SBOM) *cdx.BOM {
	bom := cdx.NewBOM()
	bom.SpecVersion = cdx.SpecVersion1_6
	bom.SerialNumber = "urn:uuid:" + contentUUID(s)
	created := s.Created
	if created.IsZero() {
		created = time.Unix(0, 0)
	}
	kind := cdx.ComponentTypeContainer
	switch s.Source.Kind {
	case "directory":
		kind = cdx.ComponentTypeApplication
	case "file":
		kind = cdx.ComponentTypeFile
	}
	bom.Metadata = &cdx.Metadata{
		Timestamp: created.UTC().Format(time.RFC3339),
		Tools:     &cdx.ToolsChoice{Components: &[]cdx.Component{{Type: cdx.ComponentTypeApplication, Name: "harden"}}},
		Component: &cdx.Component{BOMRef: "source", Type: kind, Name: nonEmpty(s.Source.Name, "unknown"), Version: s.Source.Digest},
	}
	comps := []cdx.Component{}
	if s.OS != nil {
		comps = append(comps, cdx.Component{BOMRef: "os", Type: cdx.ComponentTypeOS, Name: s.OS.ID, Version: s.OS.VersionID, Description: s.OS.PrettyName})
	}
	for i := range s.Packages {
		comps = append(comps, cdxComponent(s, i))
	}
	bom.Components = &comps
	return bom
}

// BOMRef is the bom-ref CycloneDX gives package i.
func BOMRef(i int) string { return "pkg:" + strconv.Itoa(i) }

func cdxComponent(s *SBOM, i int) cdx.Component {
	p := &s.Packages[i]
	c := cdx.Component{BOMRef: BOMRef(i), Type: cdx.ComponentTypeLibrary, Name: p.Name, Version: p.Version, PackageURL: p.PURL}
	if len(p.Licenses) > 0 {
		lc := make(cdx.Licenses, 0, len(p.Licenses))
		for _, l := range p.Licenses {
			if id := spdxID(l); id != "" {
				lc = append(lc, cdx.LicenseChoice{License: &cdx.License{ID: id}})
			} else {
				lc = append(lc, cdx.LicenseChoice{License: &cdx.License{Name: l}})
			}
		}
		c.Licenses = &lc
	}
	props := []cdx.Property{{Name: "harden:type", Value: p.Type}, {Name: "harden:foundBy", Value: p.FoundBy}}
	if p.Ecosystem != "" {
		props = append(props, cdx.Property{Name: "harden:ecosystem", Value: p.Ecosystem})
	}
	if p.SourceName != "" {
		props = append(props, cdx.Property{Name: "harden:sourcePackage", Value: p.SourceName})
	}
	if p.SourceVersion != "" {
		props = append(props, cdx.Property{Name: "harden:sourceVersion", Value: p.SourceVersion})
	}
	var occ []cdx.EvidenceOccurrence
	for j, l := range p.Locations {
		occ = append(occ, cdx.EvidenceOccurrence{Location: l.Path})
		if li := l.LayerIndex(); li >= 0 && li < len(s.Layers) {
			props = append(props, cdx.Property{Name: fmt.Sprintf("harden:location:%d:layerID", j), Value: s.Layers[li].DiffID})
		}
		if l.Origin != "" {
			props = append(props, cdx.Property{Name: fmt.Sprintf("harden:location:%d:origin", j), Value: l.Origin})
		}
	}
	if len(occ) > 0 {
		c.Evidence = &cdx.Evidence{Occurrences: &occ}
	}
	c.Properties = &props
	return c
}

// EncodeCycloneDX writes s as CycloneDX 1.6 JSON.
func EncodeCycloneDX(w io.Writer, s *SBOM) error {
	return WriteCycloneDX(w, CycloneDX(s))
}

// WriteCycloneDX writes a BOM as indented CycloneDX 1.6 JSON.
func WriteCycloneDX(w io.Writer, bom *cdx.BOM) error {
	enc := cdx.NewBOMEncoder(w, cdx.BOMFileFormatJSON)
	enc.SetPretty(true).SetEscapeHTML(false)
	if err := enc.EncodeVersion(bom, cdx.SpecVersion1_6); err != nil {
		return fmt.Errorf("writing CycloneDX: %w", err)
	}
	return nil
}

// contentUUID is a version-4-shaped UUID derived from the SBOM's content,
// so the same input gives the same document.
func contentUUID(s *SBOM) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00", s.Source.Name, s.Source.Digest, s.Created.UTC().Format(time.RFC3339Nano))
	for _, p := range s.Packages {
		fmt.Fprintf(h, "%s\x00%s\x00%s\x00", p.PURL, p.Name, p.Version)
	}
	b := h.Sum(nil)[:16]
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	x := hex.EncodeToString(b)
	return x[:8] + "-" + x[8:12] + "-" + x[12:16] + "-" + x[16:20] + "-" + x[20:]
}

func nonEmpty(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
