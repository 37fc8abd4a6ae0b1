package debian

import (
	"strings"
	"testing"
	"time"
)

func TestParsePackages(t *testing.T) {
	in := `Package: hello
Version: 1.0-1
Architecture: amd64
Depends: libc6 (>= 2.34)
Filename: pool/main/h/hello/hello_1.0-1_amd64.deb
Size: 1234
SHA256: ABCDEF
Description: hi
 long description
 .
 more

Package: data
Version: 2
Architecture: all
Size: 1

Package: foreign
Version: 1
Architecture: arm64
`
	pkgs, err := ParsePackages(strings.NewReader(in), "amd64", nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(pkgs) != 2 {
		t.Fatalf("ParsePackages() = %d packages, want 2 (arm64 skipped)", len(pkgs))
	}
	h := pkgs[0]
	if h.Name != "hello" || h.Version.String() != "1.0-1" || h.Depends != "libc6 (>= 2.34)" || h.Size != 1234 || h.SHA256 != "abcdef" {
		t.Errorf("hello = %+v", h)
	}
	for _, bad := range []string{
		"Version: 1\nArchitecture: amd64\n",
		"Package: x\nArchitecture: amd64\n",
		"Package: x\nVersion: 1\n",
		"Package: x\nVersion: 1\nArchitecture: amd64\nSize: -3\n",
		"Package: x\nVersion: 1\nArchitecture: amd64\nSize: big\n",
		"garbage line\n",
	} {
		if _, err := ParsePackages(strings.NewReader(bad), "", nil); err == nil {
			t.Errorf("ParsePackages(%q) = nil error", bad)
		}
	}
}

func TestParseRelease(t *testing.T) {
	in := `Suite: stable
Codename: bookworm
Date: Sat, 10 Jun 2023 08:55:33 UTC
Valid-Until: Sat, 17 Jun 2023 08:55:33 +0000
Acquire-By-Hash: yes
Components: main contrib
MD5Sum:
 0123 10 main/binary-amd64/Packages
SHA256:
 4567 10 main/binary-amd64/Packages
 89ab 5 main/binary-amd64/Packages.xz
`
	rel, err := ParseRelease([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if rel.Codename != "bookworm" || !rel.AcquireByHash || len(rel.Components) != 2 {
		t.Errorf("ParseRelease() = %+v", rel)
	}
	if want := time.Date(2023, 6, 10, 8, 55, 33, 0, time.UTC); !rel.Date.Equal(want) {
		t.Errorf("Date = %s, want %s", rel.Date, want)
	}
	if !rel.ValidUntil.After(rel.Date) {
		t.Errorf("ValidUntil = %s", rel.ValidUntil)
	}
	fi := rel.Files["main/binary-amd64/Packages"]
	if fi.Size != 10 || fi.MD5 != "0123" || fi.SHA256 != "4567" {
		t.Errorf("Packages = %+v", fi)
	}
	for _, bad := range []string{
		"SHA256:\n abc notanumber path\n",
		"SHA256:\n abc 1\n",
		"Date: yesterday\n",
		"MD5Sum:\n a 1 p\nSHA256:\n b 2 p\n",
	} {
		if _, err := ParseRelease([]byte(bad)); err == nil {
			t.Errorf("ParseRelease(%q) = nil error", bad)
		}
	}
}

func TestFileInfoVerify(t *testing.T) {
	data := []byte("hello\n")
	fi := FileInfo{Size: 6, SHA256: "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03", MD5: "b1946ac92492d2347c6235b4d2611184"}
	if err := fi.Verify(data); err != nil {
		t.Fatalf("Verify(good) = %v", err)
	}
	for name, bad := range map[string]FileInfo{
		"no strong hash": {Size: 6, MD5: fi.MD5},
		"size":           {Size: 7, SHA256: fi.SHA256},
		"md5":            {Size: 6, SHA256: fi.SHA256, MD5: "00"},
	} {
		if err := bad.Verify(data); err == nil {
			t.Errorf("Verify(%s) = nil error", name)
		}
	}
}

func TestParsePackagesInstalledSize(t *testing.T) {
	pkgs, err := ParsePackages(strings.NewReader("Package: a\nVersion: 1\nArchitecture: amd64\nInstalled-Size: 12\n\nPackage: b\nVersion: 1\nArchitecture: amd64\nInstalled-Size: -3\n"), "amd64", nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(pkgs) != 2 || pkgs[0].InstalledSize != 12*1024 || pkgs[1].InstalledSize != 0 {
		t.Errorf("installed sizes: %+v", pkgs)
	}
}
