package audit

import (
	"testing"

	tu "github.com/harden-dev/harden/internal/testutil"
)

func TestWorldWritable(t *testing.T) {
	runCases(t, worldWritable{}, []checkCase{
		{name: "sticky tmp and a symlink", layers: [][]tu.File{{{Name: "tmp/", Type: '5', Mode: 0o1777}, tu.Symlink("link", "tmp")}}},
		{name: "writable file and directory", layers: [][]tu.File{{{Name: "data/", Type: '5', Mode: 0o777}, {Name: "app.conf", Mode: 0o666, Body: "x"}}},
			want: []string{"file /app.conf is writable by every user", "dir /data is writable by every user"}},
		{name: "group writable is fine", layers: [][]tu.File{{{Name: "data/", Type: '5', Mode: 0o775}}}},
	})
}
