package audit

import (
	"strings"
	"testing"

	tu "github.com/harden-dev/harden/internal/testutil"
	"github.com/harden-dev/harden/report"
)

func TestShadowPassword(t *testing.T) {
	hash := "$6$salt$" + strings.Repeat("h", 20)
	runCases(t, shadowPassword{}, []checkCase{
		{name: "no shadow", status: StatusSkipped},
		{name: "all locked", layers: [][]tu.File{{tu.Dir("etc/"), tu.Reg("etc/shadow", "root:*:19000:0:99999:7:::\ndaemon:!:1::::::\nnobody:!!:1::::::\n")}}},
		{name: "empty and set", layers: [][]tu.File{{tu.Dir("etc/"), tu.Reg("etc/shadow", "root::19000:0:99999:7:::\n# comment\napp:"+hash+":1::::::\n")}},
			want: []string{"account root has an empty password: anyone can log in as it", "account app has a password hash in the image"}},
	})
}

func TestShadowNeverShowsHash(t *testing.T) {
	hash := "$6$salt$" + strings.Repeat("q", 30)
	img := checkCase{layers: [][]tu.File{{tu.Dir("etc/"), tu.Reg("etc/shadow", "app:"+hash+":1::::::\nroot::1::::::\n")}}}.image(t)
	fs := findings(t, shadowPassword{}, img)
	if len(fs) != 2 || fs[0].Severity != report.High || fs[0].Evidence[0].Line != 2 {
		t.Fatalf("findings = %+v", fs)
	}
	for _, f := range fs {
		if strings.Contains(f.Message+f.Evidence[0].Value, "qqqq") {
			t.Errorf("hash leaked: %+v", f)
		}
	}
}
