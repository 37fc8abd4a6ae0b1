package audit

import (
	"testing"

	tu "github.com/harden-dev/harden/internal/testutil"
)

func TestSecretFile(t *testing.T) {
	runCases(t, secretFile{}, []checkCase{
		{name: "public key and vendored names", layers: [][]tu.File{{tu.Dir("root/"), tu.Dir("root/.ssh/"), tu.Reg("root/.ssh/id_rsa.pub", "ssh-rsa AAA"),
			tu.Dir("usr/"), tu.Dir("usr/lib/"), tu.Reg("usr/lib/credentials", "x"),
			tu.Dir("app/"), tu.Dir("app/node_modules/"), tu.Dir("app/node_modules/x/"), tu.Reg("app/node_modules/x/settings.py", "x"),
			tu.Reg("app/.env.example", "A=1")}}},
		{name: "keys, credentials, .env and keystores", layers: [][]tu.File{{tu.Dir("root/"), tu.Dir("root/.ssh/"), tu.Reg("root/.ssh/id_work", "k"),
			tu.Dir("root/.aws/"), tu.Reg("root/.aws/credentials", "x"), tu.Dir("app/"), tu.Reg("app/.env", "A=1"), tu.Reg("app/store.jks", "x")}},
			want: []string{"/app/.env is a credential file (.env)", "/app/store.jks is a credential file (.jks file)",
				"/root/.aws/credentials is a credential file (credentials)", "/root/.ssh/id_work is a credential file (SSH private key)"}},
		{name: "accepted file", layers: [][]tu.File{{tu.Dir("app/"), tu.Reg("app/.env", "A=1")}}, opts: []Option{WithAcceptFiles(".env")}},
	})
}
