package audit

import (
	"strings"
	"testing"
)

// FuzzParsers feeds arbitrary bytes to the parsers of image text audit
// has (the image files themselves are the facts package's): none may
// panic, and no secret survives redaction.
func FuzzParsers(f *testing.F) {
	for _, s := range []string{"", "root:x:0:0:root:/root:/bin/bash\n", "root::1::::::\n#c\n:::\n", "g:x:1:\n",
		"Package: a\nStatus: install ok installed\nVersion: 1\n\n", "P:a\nV:1\nF:lib\nR:x\n", "d41d8cd98f00b204e9800998ecf8427e  usr/bin/x\n",
		"\x00\xff:\n\n\n", strings.Repeat(":", 100)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		red, found := redactAssignments(s, func(string) bool { return false })
		for _, sec := range found {
			if sec.raw != "" && len(sec.raw) >= 8 && strings.Contains(red, sec.raw) {
				t.Fatalf("redacted %q still holds %q", red, sec.raw)
			}
		}
		_ = segments(s)
	})
}
