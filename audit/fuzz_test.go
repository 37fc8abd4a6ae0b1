package audit

import (
	"strings"
	"testing"
)

// FuzzParsers feeds arbitrary bytes to every parser of image files audit
// has: none may panic, and the results stay bounded.
func FuzzParsers(f *testing.F) {
	for _, s := range []string{"", "root:x:0:0:root:/root:/bin/bash\n", "root::1::::::\n#c\n:::\n", "g:x:1:\n",
		"Package: a\nStatus: install ok installed\nVersion: 1\n\n", "P:a\nV:1\nF:lib\nR:x\n", "d41d8cd98f00b204e9800998ecf8427e  usr/bin/x\n",
		"\x00\xff:\n\n\n", strings.Repeat(":", 100)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		data := []byte(s)
		for _, p := range []string{passwdPath, groupPath, shadowPath} {
			if _, err := parseAccountFile(p, data); err != nil && len(data) < maxAccountLines {
				t.Fatalf("%s: %v", p, err)
			}
		}
		ps, _ := parseDpkgStatus(data)
		for _, p := range ps {
			if p.Name == "" {
				t.Fatal("package without a name")
			}
		}
		if _, err := parseApkInstalled(data); err != nil && len(data) < maxPkgStanzas {
			t.Fatal(err)
		}
		for _, p := range []string{"/var/lib/dpkg/info/a.list", "/var/lib/dpkg/status.d/a.md5sums"} {
			paths, _ := parseFileList(p, data)
			for _, q := range paths {
				if !strings.HasPrefix(q, "/") || strings.Contains(q, "/../") {
					t.Fatalf("path %q not clean and absolute", q)
				}
			}
		}
		red, found := redactAssignments(s, func(string) bool { return false })
		for _, sec := range found {
			if sec.raw != "" && len(sec.raw) >= 8 && strings.Contains(red, sec.raw) {
				t.Fatalf("redacted %q still holds %q", red, sec.raw)
			}
		}
		_ = segments(s)
	})
}
