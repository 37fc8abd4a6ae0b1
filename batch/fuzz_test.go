package batch

import (
	"bytes"
	"strings"
	"testing"
)

// FuzzReadList: any list either gives references that are each one clean
// line and parse, or one error line naming the source.
func FuzzReadList(f *testing.F) {
	for _, s := range []string{
		"node:18\n# c\n\nregistry:localhost:5000\n",
		"dockr-archive:/x\n",
		"oci:/a/b:tag\r\n  docker-archive:/x y.tar \n",
		"\x00\n\xff\n",
		strings.Repeat("a", 5000),
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		refs, err := ReadList(bytes.NewReader(data), "list.txt")
		if err != nil {
			if !strings.HasPrefix(err.Error(), "list.txt:") || strings.ContainsAny(err.Error(), "\n\r") {
				t.Fatalf("error %q: not one line naming the source", err)
			}
			return
		}
		for _, r := range refs {
			if r == "" || strings.HasPrefix(r, "#") || strings.ContainsAny(r, "\n\r\x00") || checkReference(r) != nil {
				t.Fatalf("ReadList gave %q", r)
			}
		}
	})
}
