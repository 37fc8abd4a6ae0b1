package vuln_test

import (
	"fmt"

	"github.com/harden-dev/harden/vuln"
)

// Compare orders versions the way each ecosystem does.
func ExampleCompare() {
	for _, c := range [][3]string{
		{"Debian:12", "1.0~rc1", "1.0"},
		{"Debian:12", "1:1.0", "2.0"},
		{"npm", "1.0.0-alpha.1", "1.0.0-alpha.beta"},
		{"PyPI", "1.0.post1.dev1", "1.0.post1"},
	} {
		n, err := vuln.Compare(c[0], c[1], c[2])
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Println(c[0], c[1], map[int]string{-1: "<", 0: "=", 1: ">"}[n], c[2])
	}
	// Output:
	// Debian:12 1.0~rc1 < 1.0
	// Debian:12 1:1.0 > 2.0
	// npm 1.0.0-alpha.1 < 1.0.0-alpha.beta
	// PyPI 1.0.post1.dev1 < 1.0.post1
}

// ParseRecord reads one OSV record and checks what matching relies on.
func ExampleParseRecord() {
	r, err := vuln.ParseRecord([]byte(`{
	  "id": "GHSA-xxxx-yyyy-zzzz",
	  "modified": "2026-01-02T03:04:05Z",
	  "aliases": ["CVE-2026-0001"],
	  "summary": "Prototype pollution",
	  "affected": [{"package": {"ecosystem": "npm", "name": "leftpad"},
	    "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "1.3.0"}]}]}]
	}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(r.ID, r.Aliases, r.Affected[0].Package.Name, r.Affected[0].Ranges[0].Events[1].Fixed)
	// Output: GHSA-xxxx-yyyy-zzzz [CVE-2026-0001] leftpad 1.3.0
}
