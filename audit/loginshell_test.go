package audit

import (
	"testing"

	tu "github.com/harden-dev/harden/internal/testutil"
)

func TestLoginShell(t *testing.T) {
	bin := []tu.File{tu.Dir("bin/"), tu.Exe("bin/bash", "x"), tu.Dir("etc/")}
	runCases(t, loginShell{}, []checkCase{
		{name: "no passwd", status: StatusSkipped},
		{name: "nologin everywhere", layers: [][]tu.File{append(bin, tu.Reg("etc/passwd", "root:x:0:0::/root:/sbin/nologin\nsync:x:4:65534:sync:/bin:/bin/sync\n"))}},
		{name: "shell not in the image", layers: [][]tu.File{{tu.Dir("etc/"), tu.Reg("etc/passwd", "root:x:0:0::/root:/bin/bash\n")}}},
		{name: "system accounts with bash", layers: [][]tu.File{append(bin, tu.Reg("etc/passwd",
			"root:x:0:0::/root:/bin/bash\nwww:x:33:33::/var/www:/bin/bash\nalice:x:1000:1000::/home/alice:/bin/bash\n"))},
			want: []string{"system account root (uid 0) has the login shell /bin/bash", "system account www (uid 33) has the login shell /bin/bash"}},
	})
}
