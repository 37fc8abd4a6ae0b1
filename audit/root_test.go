package audit

import (
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	tu "github.com/harden-dev/harden/internal/testutil"
)

func TestRunsAsRoot(t *testing.T) {
	user := func(u string) func(*v1.Config) { return func(c *v1.Config) { c.User = u } }
	runCases(t, runsAsRootCheck{}, []checkCase{
		{name: "no USER", want: []string{"no USER is set, so the container runs as root"}},
		{name: "USER root", cfg: user("root"), want: []string{`USER is "root", which is uid 0`}},
		{name: "USER 0:0 (Dockle passes it)", cfg: user("0:0"), want: []string{`USER is "0:0", which is uid 0`}},
		{name: "USER 65532", cfg: user("65532")},
		{name: "USER nonroot from passwd", cfg: user("nonroot"), layers: [][]tu.File{passwdFiles}},
		{name: "USER toor is uid 0 in passwd", cfg: user("toor"),
			layers: [][]tu.File{{tu.Dir("etc/"), tu.Reg("etc/passwd", "toor:x:0:0::/root:/bin/sh\n")}},
			want:   []string{`USER is "toor", which is uid 0`}},
	})
}
