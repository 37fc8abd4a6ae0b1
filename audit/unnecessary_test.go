package audit

import (
	"testing"

	tu "github.com/harden-dev/harden/internal/testutil"
)

func TestUnnecessaryFile(t *testing.T) {
	runCases(t, unnecessaryFile{}, []checkCase{
		{name: "clean app", layers: [][]tu.File{{tu.Dir("app/"), tu.Reg("app/index.js", "x"), tu.Dir("app/node_modules/"), tu.Dir("app/node_modules/x/"),
			tu.Reg("app/node_modules/x/index.js", "x"), tu.Dir("usr/"), tu.Dir("usr/share/"), tu.Dir("usr/share/.git/")}}},
		{name: "build litter", layers: [][]tu.File{{tu.Dir("app/"), tu.Reg("app/Dockerfile", "FROM x"), tu.Dir("app/.git/"), tu.Reg("app/.git/HEAD", "ref"),
			tu.Reg("app/index.js~", "x"), tu.Dir("app/node_modules/"), tu.Dir("app/node_modules/x/"), tu.Dir("app/node_modules/x/test/"),
			tu.Reg("app/node_modules/x/test/a.js", "12345"), tu.Dir("app/node_modules/@s/"), tu.Dir("app/node_modules/@s/y/"), tu.Dir("app/node_modules/@s/y/examples/")}},
			want: []string{"directory /app/.git (1 entries)", "file /app/Dockerfile", "file /app/index.js~",
				"/app/node_modules holds 2 test or example folders of packages (5 B)"}},
	})
}
