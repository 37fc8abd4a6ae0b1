package audit

import (
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	tu "github.com/harden-dev/harden/internal/testutil"
)

func TestAddInstruction(t *testing.T) {
	two := [][]tu.File{{tu.Dir("a/")}, {tu.Dir("b/")}}
	runCases(t, addInstruction{}, []checkCase{
		{name: "base rootfs ADD and COPY", layers: two, history: hist("/bin/sh -c #(nop) ADD file:0123 in / ", "COPY . /app # buildkit")},
		{name: "ADD of an archive", layers: two, history: hist("/bin/sh -c #(nop) ADD file:0123 in / ", "ADD app.tar.gz /app # buildkit"),
			want: []string{"history step 1 uses ADD"}},
		{name: "no history", status: StatusSkipped, history: []v1.History{}},
	})
}
