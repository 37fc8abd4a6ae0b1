package sbom

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/harden-dev/harden/internal/testutil"
)

const apkInstalled = `C:Q1abc=
P:musl
V:1.2.5-r0
A:x86_64
o:musl
L:MIT
F:lib
R:ld-musl-x86_64.so.1

C:Q1def=
P:busybox-binsh
V:1.36.1-r29
A:x86_64
o:busybox
L:GPL-2.0-only
F:bin
R:sh
`

func TestGenerateAlpine(t *testing.T) {
	base := []testutil.File{
		testutil.Reg("etc/os-release", "ID=alpine\nVERSION_ID=3.20.3\nPRETTY_NAME=\"Alpine Linux v3.20\"\n"),
		testutil.Reg("lib/ld-musl-x86_64.so.1", "ELF"),
		testutil.Reg("lib/apk/db/installed", apkInstalled[:strings.Index(apkInstalled, "\n\n")+2]),
	}
	own := []testutil.File{
		testutil.Reg("bin/sh", "#!"),
		testutil.Reg("lib/apk/db/installed", apkInstalled),
	}
	s := generate(t, testutil.Image(t, nil, base, own))
	want := []brief{
		{Type: "apk", Name: "busybox-binsh", Version: "1.36.1-r29", PURL: "pkg:apk/alpine/busybox-binsh@1.36.1-r29?arch=x86_64&distro=3.20.3&origin=busybox", Source: "busybox", FoundBy: "os/apk", Licenses: "GPL-2.0-only", Path: "/bin/sh", Layer: 1},
		{Type: "apk", Name: "musl", Version: "1.2.5-r0", PURL: "pkg:apk/alpine/musl@1.2.5-r0?arch=x86_64&distro=3.20.3&origin=musl", Source: "musl", FoundBy: "os/apk", Licenses: "MIT", Path: "/lib/ld-musl-x86_64.so.1", Layer: 0},
	}
	if d := cmp.Diff(want, briefs(s, nil)); d != "" {
		t.Errorf("apk packages (-want +got):\n%s", d)
	}
	if s.OS == nil || s.OS.Ecosystem != "Alpine:v3.20" || s.Packages[0].Ecosystem != "Alpine:v3.20" {
		t.Errorf("OS = %+v, ecosystem %q", s.OS, s.Packages[0].Ecosystem)
	}
}

// scalibrTestdata returns a file of osv-scalibr's own test data in the
// module cache (the rpm databases are binary fixtures made by rpm).
func scalibrTestdata(t *testing.T, rel string) []byte {
	t.Helper()
	p := filepath.Join(testutil.ModuleDir(t, "github.com/google/osv-scalibr@v0.5.3"), rel)
	data, err := os.ReadFile(p)
	if err != nil {
		testutil.Unavailable(t, "scalibr test data: %v", err)
	}
	return data
}

// TestGenerateRPM reads the three rpmdb formats (Berkeley DB, ndb, sqlite)
// from scalibr's fixtures, placed where each distribution keeps them.
func TestGenerateRPM(t *testing.T) {
	tests := []struct {
		file, at string
	}{
		{"extractor/filesystem/os/rpm/testdata/Packages", "var/lib/rpm/Packages"},
		{"extractor/filesystem/os/rpm/testdata/Packages.db", "usr/lib/sysimage/rpm/Packages.db"},
		{"extractor/filesystem/os/rpm/testdata/rpmdb.sqlite", "usr/lib/sysimage/rpm/rpmdb.sqlite"},
	}
	for _, tt := range tests {
		t.Run(filepath.Base(tt.file), func(t *testing.T) {
			data := scalibrTestdata(t, tt.file)
			s := generate(t, testutil.Image(t, nil, []testutil.File{
				testutil.Reg("etc/os-release", "ID=rhel\nVERSION_ID=9.3\n"),
				testutil.Reg(tt.at, string(data)),
			}))
			if len(s.Problems) > 0 {
				t.Fatalf("problems: %+v", s.Problems)
			}
			if s.Summary.ByType["rpm"] < 10 {
				t.Fatalf("rpm packages = %d, want many", s.Summary.ByType["rpm"])
			}
			for _, p := range s.Packages {
				if p.Version == "" || (p.SourceName == "" && p.Name != "gpg-pubkey") || !strings.HasPrefix(p.PURL, "pkg:rpm/") || p.Locations[0].Path != "/"+tt.at {
					t.Errorf("package %+v", p)
					break
				}
			}
		})
	}
}

func TestSplitSourceRPM(t *testing.T) {
	tests := []struct{ in, name, version string }{
		{"openssl-3.0.7-27.el9.src.rpm", "openssl", "3.0.7-27.el9"},
		{"python3.11-3.11.5-1.el9.src.rpm", "python3.11", "3.11.5-1.el9"},
		{"weird", "weird", ""},
		{"", "", ""},
	}
	for _, tt := range tests {
		n, v := splitSourceRPM(tt.in)
		if n != tt.name || v != tt.version {
			t.Errorf("splitSourceRPM(%q) = %q, %q; want %q, %q", tt.in, n, v, tt.name, tt.version)
		}
	}
}
