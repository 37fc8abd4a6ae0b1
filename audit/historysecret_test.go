package audit

import (
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	tu "github.com/harden-dev/harden/internal/testutil"
)

func TestSecretInHistory(t *testing.T) {
	f := newFakes(21)
	runCases(t, secretInHistory{}, []checkCase{
		{name: "clean history", history: hist("/bin/sh -c #(nop) ADD file:abc in / ", "/bin/sh -c apt-get update && apt-get install -y curl")},
		{name: "ARG, ENV and a token in RUN", layers: [][]tu.File{{tu.Dir("a/")}, {tu.Dir("b/")}},
			history: []v1.History{
				{CreatedBy: "/bin/sh -c #(nop)  ENV DB_PASSWORD=" + f.Password, EmptyLayer: true},
				{CreatedBy: "|1 NPM_TOKEN=" + f.Password + " /bin/sh -c npm install"},
				{CreatedBy: "RUN /bin/sh -c echo " + f.GitHub + " > /root/.git-credentials # buildkit"},
				{CreatedBy: "LABEL dev.example.fixture.key=" + f.AWSSecret, EmptyLayer: true},
			},
			want: []string{
				"history step 0 holds a secret: DB_PASSWORD (value of a secret-looking key)",
				"history step 1 holds a secret: NPM_TOKEN (value of a secret-looking key)",
				"history step 2 holds a secret: GitHub token",
			}},
		{name: "accepted key", history: hist("|1 NPM_TOKEN=" + f.Password + " /bin/sh -c npm install"), opts: []Option{WithAcceptKeys("NPM_TOKEN")}},
	})
}

func TestHistoryRedactedEverywhere(t *testing.T) {
	f := newFakes(22)
	// The secret is in the history of the layer that also brings a setuid
	// file: the setuid finding's evidence must not show it either.
	img := checkCase{layers: [][]tu.File{{tu.Dir("bin/"), {Name: "bin/su", Mode: 0o4755, Body: "x"}}},
		history: hist("|1 API_TOKEN=" + f.Password + " /bin/sh -c chmod u+s /bin/su && echo " + f.Slack)}.image(t)
	res := auditImage(t, img)
	n := 0
	for _, fd := range res.Findings {
		for _, ev := range fd.Evidence {
			all := fd.Message + ev.CreatedBy + ev.Value
			if strings.Contains(all, f.Password) || strings.Contains(all, f.Slack) {
				t.Errorf("%s leaks a secret: %+v", fd.ID, ev)
			}
			if strings.Contains(ev.CreatedBy, "chmod u+s") {
				n++
				if ev.CreatedBy != "RUN chmod u+s /bin/su && echo xoxb-****" {
					t.Errorf("instruction not redacted: %q", ev.CreatedBy)
				}
			}
		}
	}
	if n == 0 {
		t.Error("no evidence named the instruction")
	}
}
