package audit

import (
	"testing"

	tu "github.com/harden-dev/harden/internal/testutil"
)

func TestUnknownOwner(t *testing.T) {
	runCases(t, unknownOwner{}, []checkCase{
		{name: "no passwd", layers: [][]tu.File{{{Name: "app", Body: "x", UID: 1000}}}, status: StatusSkipped},
		{name: "known owners", layers: [][]tu.File{append(passwdFiles, tu.File{Name: "app", Body: "x", UID: 65532, GID: 65532})}},
		{name: "unknown uid and gid", layers: [][]tu.File{append(passwdFiles,
			tu.Dir("app/"), tu.File{Name: "app/a", Body: "x", UID: 1000, GID: 1000}, tu.File{Name: "app/b", Body: "x", UID: 1000})},
			want: []string{"2 paths are owned by uid 1000, which the image does not define", "1 paths are owned by gid 1000, which the image does not define"}},
	})
}
