package audit

import (
	"testing"

	tu "github.com/harden-dev/harden/internal/testutil"
)

func TestPackageCache(t *testing.T) {
	lists := []tu.File{tu.Dir("var/"), tu.Dir("var/lib/"), tu.Dir("var/lib/apt/"), tu.Dir("var/lib/apt/lists/"), tu.Reg("var/lib/apt/lists/lock", ""),
		tu.Dir("var/lib/apt/lists/partial/")}
	runCases(t, packageCache{}, []checkCase{
		{name: "lists cleaned", layers: [][]tu.File{lists}},
		{name: "apt lists and apk cache left", layers: [][]tu.File{append(lists,
			tu.Reg("var/lib/apt/lists/deb.debian.org_dists_bookworm_main_binary-amd64_Packages.lz4", "xxxxxxxxxx"),
			tu.Dir("var/cache/"), tu.Dir("var/cache/apk/"), tu.Reg("var/cache/apk/APKINDEX.tar.gz", "yyyy"))},
			want: []string{"apk cache /var/cache/apk holds 1 files (4 B)", "apt cache /var/lib/apt/lists holds 1 files (10 B)"}},
	})
}
