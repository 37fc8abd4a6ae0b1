package audit

import (
	"testing"

	tu "github.com/harden-dev/harden/internal/testutil"
)

func TestStalePackage(t *testing.T) {
	status := "Package: curl\nStatus: install ok installed\nVersion: 7.88\n\nPackage: gone\nStatus: install ok installed\nVersion: 1.0\n\n" +
		"Package: removed\nStatus: deinstall ok config-files\nVersion: 2\n\nPackage: meta\nStatus: install ok installed\nVersion: 3\n"
	dpkg := []tu.File{tu.Dir("var/"), tu.Dir("var/lib/"), tu.Dir("var/lib/dpkg/"), tu.Dir("var/lib/dpkg/info/"),
		tu.Reg("var/lib/dpkg/status", status),
		tu.Reg("var/lib/dpkg/info/curl.list", "/.\n/usr\n/usr/bin\n/usr/bin/curl\n"),
		tu.Reg("var/lib/dpkg/info/gone:amd64.list", "/.\n/usr\n/usr/bin\n/usr/bin/gone\n/usr/share/gone/data\n"),
		tu.Reg("var/lib/dpkg/info/meta.list", "/.\n/usr\n"),
		tu.Dir("usr/"), tu.Dir("usr/bin/"), tu.Exe("usr/bin/curl", "x")}
	usrmerge := []tu.File{tu.Dir("var/"), tu.Dir("var/lib/"), tu.Dir("var/lib/dpkg/"), tu.Dir("var/lib/dpkg/info/"),
		tu.Reg("var/lib/dpkg/status", "Package: bash\nStatus: install ok installed\nVersion: 5\n"),
		tu.Reg("var/lib/dpkg/info/bash.list", "/bin/bash\n"), tu.Dir("usr/"), tu.Dir("usr/bin/"), tu.Exe("usr/bin/bash", "x"), tu.Symlink("bin", "usr/bin")}
	apk := []tu.File{tu.Dir("lib/"), tu.Dir("lib/apk/"), tu.Dir("lib/apk/db/"),
		tu.Reg("lib/apk/db/installed", "P:musl\nV:1.2\nF:lib\nR:ld-musl-x86_64.so.1\n\nP:zlib\nV:1.3\nF:lib\nR:libz.so.1\n"),
		tu.Exe("lib/ld-musl-x86_64.so.1", "x")}
	distroless := []tu.File{tu.Dir("var/"), tu.Dir("var/lib/"), tu.Dir("var/lib/dpkg/"), tu.Dir("var/lib/dpkg/status.d/"),
		tu.Reg("var/lib/dpkg/status.d/tzdata", "Package: tzdata\nVersion: 2024a\n"),
		tu.Reg("var/lib/dpkg/status.d/tzdata.md5sums", "0123  usr/share/zoneinfo/UTC\n")}
	runCases(t, stalePackage{}, []checkCase{
		{name: "no database", status: StatusSkipped},
		{name: "dpkg with a package whose files are gone", layers: [][]tu.File{dpkg},
			want: []string{"dpkg package gone 1.0 is listed as installed but its 2 files are gone"}},
		{name: "usrmerge paths resolve", layers: [][]tu.File{usrmerge}},
		{name: "apk", layers: [][]tu.File{apk}, want: []string{"apk package zlib 1.3 is listed as installed but its 1 files are gone"}},
		{name: "distroless status.d", layers: [][]tu.File{distroless}, want: []string{"dpkg package tzdata 2024a is listed as installed but its 1 files are gone"}},
	})
}
