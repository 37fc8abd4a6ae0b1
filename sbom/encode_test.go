package sbom

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/harden-dev/harden/internal/testutil"
	"github.com/santhosh-tekuri/jsonschema/v6"
	spdxjson "github.com/spdx/tools-golang/json"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// sample is a small SBOM with every kind of field.
func sample() *SBOM {
	l0, l1 := 0, 1
	s := &SBOM{
		Source:  Source{Name: "example.com/app:1.0", Kind: "image", Digest: "sha256:0123"},
		Created: time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC),
		OS:      &OS{ID: "debian", VersionID: "12", Codename: "bookworm", PrettyName: "Debian GNU/Linux 12 (bookworm)", Ecosystem: "Debian:12"},
		Layers: []Layer{
			{Index: 0, DiffID: "sha256:aaaa", Instruction: "ADD rootfs.tar.xz /", Origin: "base"},
			{Index: 1, DiffID: "sha256:bbbb", Instruction: "RUN npm install", Origin: "own"},
		},
		Packages: []Package{
			{Name: "libc6", Version: "2.36-9+deb12u4", Type: "deb", Ecosystem: "Debian:12", PURL: "pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64&distro=bookworm&source=glibc",
				Licenses: []string{"GPL-2", "LGPL-2.1+"}, SourceName: "glibc", Arch: "amd64", FoundBy: "os/dpkg",
				Locations: []Location{{Path: "/var/lib/dpkg/info/libc6:amd64.list", Layer: &l0, Origin: "base"}, {Path: "/var/lib/dpkg/status", Layer: &l0, Origin: "base"}}},
			{Name: "express", Version: "4.17.1", Type: "npm", Ecosystem: "npm", PURL: "pkg:npm/express@4.17.1", Licenses: []string{"MIT"}, FoundBy: "javascript/packagejson",
				Locations: []Location{{Path: "/app/node_modules/express/package.json", Layer: &l1, Origin: "own"}}},
			{Name: "weird name", Version: "0.1", Type: "pypi", Ecosystem: "PyPI", PURL: "pkg:pypi/weird-name@0.1", Licenses: []string{"Custom (see LICENSE)", "mit"}, FoundBy: "python/wheelegg",
				Locations: []Location{{Path: "/usr/lib/python3/dist-packages/weird_name-0.1.dist-info/METADATA", Layer: &l1, Origin: "own"}}},
		},
	}
	s.Summarize()
	return s
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	p := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if d := cmp.Diff(string(want), string(got)); d != "" {
		t.Errorf("%s differs (-want +got; -update rewrites):\n%s", name, d)
	}
}

// spdxIDPattern is the SPDXID pattern of the SPDX 2.3 JSON schema.
var spdxIDPattern = regexp.MustCompile(`^SPDXRef-[a-zA-Z0-9.-]+$`)

// validateSPDX checks a document against SPDX's 2.3 JSON schema, then what
// the schema cannot say: tools-golang's own reader must read it back as
// 2.3, IDs are unique, relationships and license refs resolve.
func validateSPDX(t *testing.T, data []byte) {
	t.Helper()
	testutil.ValidateSPDX(t, data)
	doc, err := spdxjson.Read(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("tools-golang cannot read the SPDX output: %v", err)
	}
	if doc.SPDXVersion != "SPDX-2.3" || doc.DataLicense != "CC0-1.0" || doc.DocumentName == "" || !strings.HasPrefix(doc.DocumentNamespace, "https://") {
		t.Errorf("document header: %s %s %q %q", doc.SPDXVersion, doc.DataLicense, doc.DocumentName, doc.DocumentNamespace)
	}
	if doc.CreationInfo == nil || len(doc.CreationInfo.Creators) == 0 || !regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$`).MatchString(doc.CreationInfo.Created) {
		t.Errorf("creation info: %+v", doc.CreationInfo)
	}
	var raw struct {
		SPDXID   string `json:"SPDXID"`
		Packages []struct {
			SPDXID, Name, DownloadLocation, LicenseDeclared string
			ExternalRefs                                    []struct{ ReferenceCategory, ReferenceType, ReferenceLocator string }
		} `json:"packages"`
		Relationships []struct{ SpdxElementID, RelatedSpdxElement, RelationshipType string } `json:"relationships"`
		Extracted     []struct{ LicenseID, ExtractedText string }                            `json:"hasExtractedLicensingInfos"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{raw.SPDXID: true}
	if raw.SPDXID != "SPDXRef-DOCUMENT" {
		t.Errorf("document SPDXID = %q", raw.SPDXID)
	}
	refs := map[string]bool{}
	for _, e := range raw.Extracted {
		if !strings.HasPrefix(e.LicenseID, "LicenseRef-") || e.ExtractedText == "" {
			t.Errorf("extracted license %+v", e)
		}
		refs[e.LicenseID] = true
	}
	for _, p := range raw.Packages {
		if !spdxIDPattern.MatchString(p.SPDXID) || ids[p.SPDXID] {
			t.Errorf("package SPDXID %q is malformed or not unique", p.SPDXID)
		}
		ids[p.SPDXID] = true
		if p.Name == "" || p.DownloadLocation == "" {
			t.Errorf("package %s lacks a required field", p.SPDXID)
		}
		for _, term := range strings.Split(p.LicenseDeclared, " AND ") {
			if strings.HasPrefix(term, "LicenseRef-") && !refs[term] {
				t.Errorf("package %s uses %s, which no extracted licensing info defines", p.SPDXID, term)
			}
			if !strings.HasPrefix(term, "LicenseRef-") && term != "NOASSERTION" && spdxID(term) != term {
				t.Errorf("package %s declares %q, not an SPDX ID", p.SPDXID, term)
			}
		}
		for _, r := range p.ExternalRefs {
			if r.ReferenceCategory != "PACKAGE-MANAGER" || r.ReferenceType != "purl" || !strings.HasPrefix(r.ReferenceLocator, "pkg:") {
				t.Errorf("external ref %+v", r)
			}
		}
	}
	for _, r := range raw.Relationships {
		if !ids[r.SpdxElementID] || !ids[r.RelatedSpdxElement] {
			t.Errorf("relationship %+v names an unknown element", r)
		}
	}
}

func TestEncodeGolden(t *testing.T) {
	s := sample()
	for _, tt := range []struct {
		name   string
		encode func(*bytes.Buffer, *SBOM) error
		check  func(*testing.T, []byte)
	}{
		{"sample.cdx.json", func(b *bytes.Buffer, s *SBOM) error { return EncodeCycloneDX(b, s) }, func(t *testing.T, b []byte) { testutil.ValidateCycloneDX(t, b) }},
		{"sample.spdx.json", func(b *bytes.Buffer, s *SBOM) error { return EncodeSPDX(b, s) }, validateSPDX},
		{"sample.json", func(b *bytes.Buffer, s *SBOM) error { return EncodeJSON(b, s) }, nil},
		{"sample.txt", func(b *bytes.Buffer, s *SBOM) error { return EncodeTable(b, s) }, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := tt.encode(&buf, s); err != nil {
				t.Fatal(err)
			}
			golden(t, tt.name, buf.Bytes())
			if tt.check != nil {
				tt.check(t, buf.Bytes())
			}
		})
	}
}

// TestDecodeRoundTrip reads each output format back: the packages keep
// their name, version, ecosystem and source package (what scan needs).
func TestDecodeRoundTrip(t *testing.T) {
	s := sample()
	type key struct{ Name, Version, Type, Ecosystem, Source string }
	keys := func(s *SBOM) []key {
		var out []key
		for _, p := range s.Packages {
			out = append(out, key{p.Name, p.Version, p.Type, p.Ecosystem, p.SourceName})
		}
		return out
	}
	want := keys(s)
	for name, enc := range map[string]func(*bytes.Buffer) error{
		"json":      func(b *bytes.Buffer) error { return EncodeJSON(b, s) },
		"cyclonedx": func(b *bytes.Buffer) error { return EncodeCycloneDX(b, s) },
		"spdx":      func(b *bytes.Buffer) error { return EncodeSPDX(b, s) },
	} {
		var buf bytes.Buffer
		if err := enc(&buf); err != nil {
			t.Fatal(err)
		}
		got, err := Decode(&buf)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if d := cmp.Diff(want, keys(got)); d != "" {
			t.Errorf("%s round trip (-want +got):\n%s", name, d)
		}
		if got.OS == nil || got.OS.Ecosystem != "Debian:12" {
			t.Errorf("%s round trip OS = %+v", name, got.OS)
		}
	}
	if _, err := Decode(strings.NewReader(`{"hello": 1}`)); err == nil {
		t.Error("Decode accepted a document that is no SBOM")
	}
}

// TestSPDXIDsAreSPDX checks every identifier harden writes as an SPDX
// license ID against the SPDX list in CycloneDX's schema.
func TestSPDXIDsAreSPDX(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(testutil.ModuleDir(t, testutil.CycloneDXModule), "schema", "spdx.schema.json"))
	if err != nil {
		t.Fatalf("CycloneDX's SPDX license list: %v", err)
	}
	var sch struct {
		Enum []string `json:"enum"`
	}
	if err := json.Unmarshal(data, &sch); err != nil {
		t.Fatal(err)
	}
	known := map[string]bool{}
	for _, id := range sch.Enum {
		known[id] = true
	}
	all := []string{}
	for _, id := range spdxIDs {
		all = append(all, id)
	}
	for _, id := range debianNames {
		all = append(all, id)
	}
	for _, id := range all {
		if !known[id] {
			t.Errorf("%s is not an SPDX license ID", id)
		}
	}
}

// TestValidatorsReject makes sure the validators are not vacuous.
func TestValidatorsReject(t *testing.T) {
	var buf bytes.Buffer
	if err := EncodeCycloneDX(&buf, sample()); err != nil {
		t.Fatal(err)
	}
	bad := strings.Replace(buf.String(), `"name": "LicenseRef`, `"id": "NOT-AN-SPDX-ID`, 1)
	bad = strings.Replace(bad, `"type": "library"`, `"type": "no-such-type"`, 1)
	doc, err := jsonschema.UnmarshalJSON(strings.NewReader(bad))
	if err != nil {
		t.Fatal(err)
	}
	if err := testutil.CycloneDXSchema(t).Validate(doc); err == nil {
		t.Error("the CycloneDX schema accepted a component of type no-such-type")
	}

	buf.Reset()
	if err := EncodeSPDX(&buf, sample()); err != nil {
		t.Fatal(err)
	}
	bad = strings.Replace(buf.String(), `"referenceCategory": "PACKAGE-MANAGER"`, `"referenceCategory": "NO-SUCH-CATEGORY"`, 1)
	if bad == buf.String() {
		t.Fatal("the sample SPDX document has no package-manager reference to break")
	}
	doc, err = jsonschema.UnmarshalJSON(strings.NewReader(bad))
	if err != nil {
		t.Fatal(err)
	}
	if err := testutil.SPDXSchema(t).Validate(doc); err == nil {
		t.Error("the SPDX schema accepted a reference of category NO-SUCH-CATEGORY")
	}
}
