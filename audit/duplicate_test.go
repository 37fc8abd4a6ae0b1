package audit

import (
	"testing"

	tu "github.com/harden-dev/harden/internal/testutil"
)

func TestDuplicateID(t *testing.T) {
	runCases(t, duplicateID{}, []checkCase{
		{name: "no files", status: StatusSkipped},
		{name: "unique", layers: [][]tu.File{passwdFiles}},
		{name: "duplicates", layers: [][]tu.File{{tu.Dir("etc/"),
			tu.Reg("etc/passwd", "root:x:0:0::/root:/bin/sh\ntoor:x:0:0::/root:/bin/sh\napp:x:1000:1000::/app:/sbin/nologin\n"),
			tu.Reg("etc/group", "root:x:0:\napp:x:1000:\nwheel:x:1000:\n")}},
			want: []string{"gid 1000 is shared by groups app, wheel", "uid 0 is shared by root, toor"}},
	})
}
