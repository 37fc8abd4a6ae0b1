package sbom

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/harden-dev/harden/facts"
)

func TestLicenseParsers(t *testing.T) {
	tests := []struct {
		name  string
		parse func([]byte) []string
		in    string
		want  []string
	}{
		{"dep5", copyrightLicenses, "Files: *\nLicense: GPL-2+\n\nFiles: a\nLicense: BSD-3-clause\n Redistribution...\n", []string{"BSD-3-clause", "GPL-2+"}},
		{"free-form", copyrightLicenses, "see /usr/share/common-licenses/GPL-3.\nand /usr/share/common-licenses/Apache-2.0\n", []string{"Apache-2.0", "GPL-3"}},
		{"npm string", packageJSONLicenses, `{"license": "MIT"}`, []string{"MIT"}},
		{"npm object", packageJSONLicenses, `{"license": {"type": "ISC"}}`, []string{"ISC"}},
		{"npm old list", packageJSONLicenses, `{"licenses": [{"type": "MIT"}, "Apache-2.0"]}`, []string{"Apache-2.0", "MIT"}},
		{"npm none", packageJSONLicenses, `{"name": "x"}`, nil},
		{"python expression", pythonLicenses, "Name: x\nLicense-Expression: MIT OR Apache-2.0\nLicense: ignored\n\nbody", []string{"MIT OR Apache-2.0"}},
		{"python classifiers", pythonLicenses, "Name: x\nLicense: UNKNOWN\nClassifier: License :: OSI Approved :: MIT License\nClassifier: Topic :: Utilities\n", []string{"MIT License"}},
	}
	for _, tt := range tests {
		if d := cmp.Diff(tt.want, tt.parse([]byte(tt.in))); d != "" {
			t.Errorf("%s (-want +got):\n%s", tt.name, d)
		}
	}
}

func FuzzCopyrightLicenses(f *testing.F) {
	f.Add([]byte("Format: x\n\nFiles: *\nLicense: GPL-2+\n"))
	f.Add([]byte("/usr/share/common-licenses/GPL"))
	f.Fuzz(func(t *testing.T, data []byte) {
		ls := copyrightLicenses(data)
		if len(ls) > maxLicenses+1 {
			t.Fatalf("%d licenses", len(ls))
		}
		for _, l := range ls {
			if l == "" || strings.Contains(l, "\n") {
				t.Fatalf("bad license %q", l)
			}
		}
	})
}

func FuzzManifestLicenses(f *testing.F) {
	f.Add([]byte(`{"license": "MIT", "licenses": [{"type": "ISC"}]}`))
	f.Add([]byte("Name: a\nLicense-Expression: MIT\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, l := range append(packageJSONLicenses(data), pythonLicenses(data)...) {
			if l == "" {
				t.Fatal("empty license")
			}
		}
	})
}

func FuzzAPKOwnedFiles(f *testing.F) {
	f.Add([]byte(apkInstalled))
	f.Fuzz(func(t *testing.T, data []byte) {
		db, _ := facts.ParseApkInstalled(data)
		first, _ := apkOwnedFiles(db)
		for pkg, p := range first {
			if pkg == "" || !strings.HasPrefix(p, "/") || strings.Contains(p, "/../") {
				t.Fatalf("%q → %q", pkg, p)
			}
		}
	})
}

func FuzzDecode(f *testing.F) {
	for _, g := range []string{"testdata/golden/sample.json", "testdata/golden/sample.cdx.json", "testdata/golden/sample.spdx.json"} {
		data, err := os.ReadFile(g)
		if err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte(`{"bomFormat":"CycloneDX","components":[{"type":"library","name":"a","purl":"pkg:deb/debian/a@1?distro=debian-12&upstream=b"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Decode(bytes.NewReader(data))
		if err != nil {
			return
		}
		if s.Summary.Packages != len(s.Packages) {
			t.Fatalf("summary %d for %d packages", s.Summary.Packages, len(s.Packages))
		}
	})
}
