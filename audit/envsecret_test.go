package audit

import (
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

func TestSecretInEnv(t *testing.T) {
	f := newFakes(11)
	runCases(t, secretInEnv{}, []checkCase{
		{name: "harmless env", cfg: func(c *v1.Config) {
			c.Env = []string{"PATH=/usr/bin", "NODE_VERSION=18.20.4", "GPG_KEY=" + f.AWSSecret, "PASSWORD_FILE=/run/secrets/db"}
			c.Labels = map[string]string{"dev.example.fixture.key": f.AWSSecret, "maintainer": "me"}
		}},
		{name: "secret key and token", cfg: func(c *v1.Config) {
			c.Env = []string{"PATH=/usr/bin", "DB_PASSWORD=" + f.Password, "CI_NOTE=use " + f.GitHub}
			c.Labels = map[string]string{"api_token": f.Password}
		}, want: []string{
			"environment variable DB_PASSWORD holds a secret (value of a secret-looking key)",
			"environment variable CI_NOTE holds a secret (GitHub token)",
			"label api_token holds a secret (value of a secret-looking key)",
		}},
		{name: "accepted key", cfg: func(c *v1.Config) { c.Env = []string{"DB_PASSWORD=" + f.Password} },
			opts: []Option{WithAcceptKeys("db_*")}},
	})
}

func TestSecretInEnvRedacted(t *testing.T) {
	f := newFakes(12)
	img := checkCase{cfg: func(c *v1.Config) { c.Env = []string{"API_TOKEN=" + f.Password, "X=" + f.Slack} }}.image(t)
	for _, fd := range findings(t, secretInEnv{}, img) {
		text := fd.Message + fd.Evidence[0].Value + fd.Evidence[0].ConfigKey
		if strings.Contains(text, f.Password) || strings.Contains(text, f.Slack) {
			t.Errorf("secret in finding: %+v", fd)
		}
		if !strings.Contains(fd.Evidence[0].Value, "****") {
			t.Errorf("value not redacted: %q", fd.Evidence[0].Value)
		}
	}
}
