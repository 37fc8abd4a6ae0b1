package facts

import (
	"strings"
	"testing"
)

// FuzzParsers feeds arbitrary bytes to every parser of image files: none
// may panic, and the results stay bounded and well-formed.
func FuzzParsers(f *testing.F) {
	for _, s := range []string{"", "root:x:0:0:root:/root:/bin/bash\n", "root::1::::::\n#c\n:::\n", "g:x:1:\n",
		"Package: a\nStatus: install ok installed\nVersion: 1\n\n", "P:a\nV:1\nF:lib\nR:x\n", "d41d8cd98f00b204e9800998ecf8427e  usr/bin/x\n",
		"\x00\xff:\n\n\n", strings.Repeat(":", 100), "-----BEGIN PGP SIGNED MESSAGE-----\n\nPackage: a\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		data := []byte(s)
		if _, err := ParsePasswd(data); err != nil && len(data) < MaxAccountLines {
			t.Fatal(err)
		}
		if _, err := ParseGroup(data); err != nil && len(data) < MaxAccountLines {
			t.Fatal(err)
		}
		if _, err := ParseShadow(data); err != nil && len(data) < MaxAccountLines {
			t.Fatal(err)
		}
		paras, err := ParseDpkgStatus(data)
		if err != nil && len(data) < maxParagraphs {
			t.Fatal(err)
		}
		for _, p := range paras {
			if !strings.HasSuffix(p.Text, "\n") || !strings.Contains(s, strings.TrimSuffix(p.Text, "\n")) && !strings.Contains(s, "\r") {
				t.Fatalf("paragraph text %q is not the input's", p.Text)
			}
		}
		pkgs, err := ParseApkInstalled(data)
		if err != nil && len(data) < maxParagraphs {
			t.Fatal(err)
		}
		for _, p := range pkgs {
			for _, q := range p.Files {
				if !strings.HasPrefix(q, "/") || strings.Contains(q, "/../") {
					t.Fatalf("apk path %q not clean and absolute", q)
				}
			}
		}
		for _, p := range []string{"/var/lib/dpkg/info/a.list", "/var/lib/dpkg/status.d/a.md5sums"} {
			paths, _ := ParseFileList(p, data)
			for _, q := range paths {
				if !strings.HasPrefix(q, "/") || strings.Contains(q, "/../") {
					t.Fatalf("path %q not clean and absolute", q)
				}
			}
		}
	})
}
