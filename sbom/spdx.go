package sbom

import (
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"

	spdxjson "github.com/spdx/tools-golang/json"
	"github.com/spdx/tools-golang/spdx/v2/common"
	spdx "github.com/spdx/tools-golang/spdx/v2/v2_3"
)

// SPDX builds the SPDX 2.3 document of s: a package for the image (or
// directory, or file) that CONTAINS one package per found package, each
// with its purl as an external reference. Declared licenses that are SPDX
// identifiers are written as such; others become LicenseRef-s with the
// declared text as extracted licensing info.
func SPDX(s *SBOM) *spdx.Document {
	created := s.Created
	if created.IsZero() {
		created = time.Unix(0, 0)
	}
	name := nonEmpty(s.Source.Name, "unknown")
	doc := &spdx.Document{
		SPDXVersion:       spdx.Version,
		DataLicense:       spdx.DataLicense,
		SPDXIdentifier:    "DOCUMENT",
		DocumentName:      name,
		DocumentNamespace: "https://harden.dev/spdx/" + spdxRefChars.ReplaceAllString(name, "-") + "-" + contentUUID(s),
		CreationInfo: &spdx.CreationInfo{
			Creators: []common.Creator{{CreatorType: "Tool", Creator: "harden"}},
			Created:  created.UTC().Format(time.RFC3339),
		},
	}
	root := &spdx.Package{
		PackageName: name, PackageSPDXIdentifier: "Source", PackageVersion: s.Source.Digest,
		PackageDownloadLocation: "NOASSERTION", PackageLicenseConcluded: "NOASSERTION", PackageLicenseDeclared: "NOASSERTION",
		PackageCopyrightText: "NOASSERTION", PrimaryPackagePurpose: spdxPurpose(s.Source.Kind),
	}
	doc.Packages = append(doc.Packages, root)
	doc.Relationships = append(doc.Relationships, &spdx.Relationship{
		RefA: common.MakeDocElementID("", "DOCUMENT"), RefB: common.MakeDocElementID("", "Source"), Relationship: common.TypeRelationshipDescribe})
	if s.OS != nil {
		doc.Packages = append(doc.Packages, &spdx.Package{
			PackageName: s.OS.ID, PackageSPDXIdentifier: "OperatingSystem", PackageVersion: s.OS.VersionID,
			PackageDownloadLocation: "NOASSERTION", PackageLicenseConcluded: "NOASSERTION", PackageLicenseDeclared: "NOASSERTION",
			PackageCopyrightText: "NOASSERTION", PrimaryPackagePurpose: "OPERATING_SYSTEM", // the JSON schema's spelling (tag-value writes OPERATING-SYSTEM)
			PackageDescription: s.OS.PrettyName,
		})
		doc.Relationships = append(doc.Relationships, &spdx.Relationship{
			RefA: common.MakeDocElementID("", "Source"), RefB: common.MakeDocElementID("", "OperatingSystem"), Relationship: common.TypeRelationshipContains})
	}
	refs := map[string]string{} // license text → LicenseRef id
	for i := range s.Packages {
		p := &s.Packages[i]
		id := common.ElementID(fmt.Sprintf("Package-%s-%d", spdxRefChars.ReplaceAllString(p.Type+"-"+p.Name, "-"), i))
		sp := &spdx.Package{
			PackageName: p.Name, PackageSPDXIdentifier: id, PackageVersion: p.Version,
			PackageDownloadLocation: "NOASSERTION", PackageLicenseConcluded: "NOASSERTION",
			PackageLicenseDeclared: spdxLicenses(doc, refs, p.Licenses), PackageCopyrightText: "NOASSERTION",
			PrimaryPackagePurpose: "LIBRARY", PackageSourceInfo: sourceInfo(s, p),
		}
		if p.PURL != "" {
			sp.PackageExternalReferences = []*spdx.PackageExternalReference{{Category: common.CategoryPackageManager, RefType: common.TypePackageManagerPURL, Locator: p.PURL}}
		}
		doc.Packages = append(doc.Packages, sp)
		doc.Relationships = append(doc.Relationships, &spdx.Relationship{
			RefA: common.MakeDocElementID("", "Source"), RefB: common.MakeDocElementID("", string(id)), Relationship: common.TypeRelationshipContains})
	}
	return doc
}

// spdxRefChars are the characters an SPDX ID may not hold.
var spdxRefChars = regexp.MustCompile(`[^a-zA-Z0-9.-]+`)

func spdxPurpose(kind string) string {
	switch kind {
	case "directory":
		return "APPLICATION"
	case "file":
		return "FILE"
	}
	return "CONTAINER"
}

// spdxLicenses turns declared licenses into an SPDX license expression.
func spdxLicenses(doc *spdx.Document, refs map[string]string, ls []string) string {
	if len(ls) == 0 {
		return "NOASSERTION"
	}
	parts := make([]string, 0, len(ls))
	for _, l := range ls {
		if id := spdxID(l); id != "" {
			parts = append(parts, id)
			continue
		}
		ref, ok := refs[l]
		if !ok {
			ref = "LicenseRef-" + strings.Trim(spdxRefChars.ReplaceAllString(l, "-"), "-")
			if ref == "LicenseRef-" {
				ref += "unnamed"
			}
			for taken := true; taken; {
				taken = false
				for _, v := range refs {
					if v == ref {
						ref += "-x"
						taken = true
					}
				}
			}
			refs[l] = ref
			doc.OtherLicenses = append(doc.OtherLicenses, &spdx.OtherLicense{LicenseIdentifier: ref, ExtractedText: l, LicenseName: l})
		}
		parts = append(parts, ref)
	}
	if len(parts) == 1 {
		return parts[0]
	}
	return strings.Join(parts, " AND ")
}

// sourceInfo says where a package was found.
func sourceInfo(s *SBOM, p *Package) string {
	var b strings.Builder
	for i, l := range p.Locations {
		if i == 3 {
			fmt.Fprintf(&b, " and %d more", len(p.Locations)-3)
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(l.Path)
		if li := l.LayerIndex(); li >= 0 && li < len(s.Layers) {
			fmt.Fprintf(&b, " (layer %d %s)", li, s.Layers[li].DiffID)
		}
	}
	if b.Len() == 0 {
		return ""
	}
	return "found by " + p.FoundBy + " in " + b.String()
}

// EncodeSPDX writes s as SPDX 2.3 JSON.
func EncodeSPDX(w io.Writer, s *SBOM) error {
	if err := spdxjson.Write(SPDX(s), w, spdxjson.Indent("  "), spdxjson.EscapeHTML(false)); err != nil {
		return fmt.Errorf("writing SPDX: %w", err)
	}
	return nil
}
