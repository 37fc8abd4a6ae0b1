package audit

import (
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	tu "github.com/harden-dev/harden/internal/testutil"
)

func TestShellPresent(t *testing.T) {
	runCases(t, shellPresent{}, []checkCase{
		{name: "no shell", layers: [][]tu.File{{tu.Dir("bin/"), tu.Exe("bin/app", "x")}}},
		{name: "sh symlink to dash", layers: [][]tu.File{{tu.Dir("bin/"), tu.Exe("bin/dash", "x"), tu.Symlink("bin/sh", "dash")}},
			want: []string{"shell dash, sh runs /bin/dash"}},
		{name: "busybox hardlinks", layers: [][]tu.File{{tu.Dir("bin/"), tu.Exe("bin/busybox", "x"), tu.Hardlink("bin/sh", "bin/busybox"), tu.Hardlink("bin/ls", "bin/busybox")}},
			want: []string{"shell: busybox applets busybox, sh run /bin/busybox (2 applets in PATH in all)"}},
		{name: "busybox hardlink group whose regular file is another applet", layers: [][]tu.File{{tu.Dir("bin/"), tu.Exe("bin/[", "x"), tu.Hardlink("bin/busybox", "bin/["), tu.Hardlink("bin/sh", "bin/[")}},
			want: []string{"shell: busybox applets busybox, sh run /bin/busybox (2 applets in PATH in all)"}},
		{name: "usrmerge symlinked bin", layers: [][]tu.File{{tu.Dir("usr/"), tu.Dir("usr/bin/"), tu.Exe("usr/bin/bash", "x"), tu.Symlink("bin", "usr/bin")}},
			want: []string{"shell bash at /usr/bin/bash"}},
		{name: "dangling sh link", layers: [][]tu.File{{tu.Dir("bin/"), tu.Symlink("bin/sh", "dash")}}},
		{name: "shell without execute bit", layers: [][]tu.File{{tu.Dir("bin/"), tu.Reg("bin/sh", "x")}}},
		{name: "shell in the image PATH", cfg: func(c *v1.Config) { c.Env = []string{"PATH=/opt/tools"} },
			layers: [][]tu.File{{tu.Dir("opt/"), tu.Dir("opt/tools/"), tu.Exe("opt/tools/zsh", "x")}},
			want:   []string{"shell zsh at /opt/tools/zsh"}},
	})
}
