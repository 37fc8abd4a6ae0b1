package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	tu "github.com/harden-dev/harden/internal/testutil"
)

// TestAuditRedactsEveryFormat audits an image with secrets planted in the
// env, the history and files, in every output format, and checks that no
// secret value is printed while the findings are.
func TestAuditRedactsEveryFormat(t *testing.T) {
	r := rand.New(rand.NewPCG(rand.Uint64(), 1))
	const alnum = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	gen := func(n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = alnum[r.IntN(len(alnum))]
		}
		return string(b)
	}
	password := gen(14) + "7"
	github := "ghp_" + gen(36)
	slack := "xoxb-12345678901-" + gen(24)
	argToken := gen(20) + "9"
	img := tu.Image(t, func(c *v1.Config) {
		c.Env = []string{"PATH=/usr/bin", "DB_PASSWORD=" + password}
		c.Labels = map[string]string{"api_token": github}
	}, []tu.File{tu.Dir("app/"), tu.Reg("app/config.js", "module.exports = { slack: '"+slack+"' };\n"),
		tu.Dir("root/"), tu.Reg("root/.npmrc", "//registry.npmjs.org/:_authToken="+password+"\n")})
	cf, _ := img.ConfigFile()
	cf = cf.DeepCopy()
	cf.History = []v1.History{{CreatedBy: "|1 NPM_TOKEN=" + argToken + " /bin/sh -c echo " + github + " > /tmp/x"}}
	img, err := mutate.ConfigFile(img, cf)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "img.tar")
	tag, _ := name.NewTag("planted:1.0")
	if err := tarball.WriteToFile(path, tag, img); err != nil {
		t.Fatal(err)
	}
	for _, format := range []string{"table", "json", "sarif", "markdown"} {
		t.Run(format, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := Main(context.Background(), []string{"audit", "--all", "--format", format, "docker-archive:" + path}, nil, &stdout, &stderr)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr.String())
			}
			out := stdout.String() + stderr.String()
			for what, s := range map[string]string{"password": password, "github token": github, "slack token": slack, "build arg": argToken} {
				if strings.Contains(out, s) {
					t.Errorf("%s output holds the %s", format, what)
				}
			}
			for _, want := range []string{"secret-in-env", "secret-in-history", "secret-in-file"} {
				if !strings.Contains(out, want) {
					t.Errorf("%s output lacks %s", format, want)
				}
			}
			if format == "json" {
				var v struct {
					Summary struct {
						Score   int    `json:"score"`
						Grade   string `json:"grade"`
						Secrets int    `json:"secrets"`
					} `json:"summary"`
				}
				if err := json.Unmarshal(stdout.Bytes(), &v); err != nil {
					t.Fatal(err)
				}
				if v.Summary.Grade == "" || v.Summary.Secrets < 5 {
					t.Errorf("summary = %+v", v.Summary)
				}
			}
		})
	}
}
