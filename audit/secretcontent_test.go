package audit

import (
	"strings"
	"testing"

	tu "github.com/harden-dev/harden/internal/testutil"
)

func TestSecretInFile(t *testing.T) {
	f := newFakes(31)
	runCases(t, secretInFile{}, []checkCase{
		{name: "clean files", layers: [][]tu.File{{tu.Dir("app/"), tu.Reg("app/index.js", "const port = process.env.PORT || 3000;\n"),
			tu.Dir("usr/"), tu.Dir("usr/share/"), tu.Dir("usr/share/doc/"), tu.Reg("usr/share/doc/x.txt", "token: "+f.GitHub+"\n")}}},
		{name: "tokens, key and npmrc", layers: [][]tu.File{{tu.Dir("app/"), tu.Reg("app/config.js", "module.exports = {\n  gh: '"+f.GitHub+"',\n};\n"),
			tu.Dir("root/"), tu.Reg("root/.npmrc", "//registry.npmjs.org/:_authToken="+f.Password+"\n"),
			tu.Reg("root/key.pem", "-----BEGIN OPENSSH PRIVATE KEY-----\n"+f.KeyBody+"-----END OPENSSH PRIVATE KEY-----\n")}},
			want: []string{"/app/config.js line 2 holds a GitHub token", "/root/.npmrc line 1 holds a npm registry credential in .npmrc",
				"/root/key.pem line 1 holds a private key"}},
		{name: "binary file is not read", layers: [][]tu.File{{tu.Dir("app/"), tu.Reg("app/blob", "\x00\x01\x02"+f.GitHub)}}},
		{name: "accepted file", layers: [][]tu.File{{tu.Dir("app/"), tu.Reg("app/config.js", "x='"+f.GitHub+"'\n")}}, opts: []Option{WithAcceptFiles("/app/**")}},
		{name: "larger than the cap", layers: [][]tu.File{{tu.Dir("app/"), tu.Reg("app/config.js", strings.Repeat("a", 100)+"'"+f.GitHub+"'\n")}},
			opts: []Option{WithMaxSecretFileSize(64)}},
	})
}

func TestSecretInFileKeepsNoContent(t *testing.T) {
	f := newFakes(32)
	img := checkCase{layers: [][]tu.File{{tu.Dir("app/"), tu.Reg("app/a.sh", "export T="+f.GitHub+"\n"), tu.Reg("app/b.txt", "hello\n")}}}.image(t)
	x := buildIndex(t, img)
	if kept := x.KeptPaths(); len(kept) != 0 {
		t.Errorf("the audit's wants kept file bytes: %v", kept)
	}
	res, err := Run(t.Context(), x)
	if err != nil {
		t.Fatal(err)
	}
	for _, fd := range res.Findings {
		if fd.ID == "secret-in-file" && fd.Evidence[0].Value != "ghp_****" {
			t.Errorf("evidence value %q", fd.Evidence[0].Value)
		}
	}
}
